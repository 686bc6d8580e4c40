// @vaekit/sweep: grids of vaekit training runs. A sweep file plans the runs; runOne trains one
// into its run directory (any process can call it); the local pool runs them on this machine;
// the results are collected into JSON, CSV, a Markdown table and plots.

// The sweep file and its runs
export {
  DEFAULT_SWEEP_METRICS,
  MAX_SWEEP_RUNS,
  SWEEP_KEYS,
  SWEEP_METRICS,
  SweepError,
  axisKeys,
  loadSweepFile,
  parseSweepText,
  planSweep,
  runId,
  sweepDifferences,
  sweepNotes,
  sweepToYaml,
  validateSweep,
  type AxisEntry,
  type AxisValue,
  type PlannedRun,
  type SweepPlot,
  type SweepSpec,
} from './sweep-spec';

// One run, from any process
export {
  RESULT_FILE,
  RUNS_DIR,
  RunInterruptedError,
  readRunOutcome,
  runDirectory,
  runOne,
  type RunOneOptions,
  type RunOutcome,
} from './run-one';
