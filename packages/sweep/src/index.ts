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

// The sweep directory, and the local pool of worker processes
export { SWEEP_FILE, checkSweepDirectory, openSweepDirectory } from './sweep-directory';
export {
  MAX_WORKERS,
  defaultWorkers,
  runSweepLocally,
  type LocalPoolOptions,
  type LocalSweepResult,
  type SweepEvent,
} from './local-pool';

// Scale-out: runs on a BullMQ queue in Redis, trained by `vaekit worker` processes anywhere
export {
  REDIS_CONNECT_TIMEOUT_MS,
  RedisUnreachableError,
  RedisUrlError,
  checkRedisUrl,
  pingRedis,
  redactRedisUrl,
} from './redis-connection';
export {
  SWEEP_QUEUE,
  sweepJobId,
  type SweepJobData,
  type SweepJobProgress,
} from './queue-protocol';
export {
  runSweepOnQueue,
  type QueueRunResult,
  type QueueSweepEvent,
  type QueueSweepOptions,
  type QueueSweepResult,
} from './redis-queue';
export {
  DEFAULT_ATTEMPTS,
  DEFAULT_BACKOFF_MS,
  DEFAULT_LOCK_DURATION_MS,
  MAX_STALLED_COUNT,
  startQueueWorker,
  type QueueWorker,
  type QueueWorkerEvent,
  type QueueWorkerOptions,
} from './queue-worker';

// Results: sweep.json, results.csv, results.md, plot.svg/png
export {
  PLOT_PNG_FILE,
  PLOT_SVG_FILE,
  RESULTS_CSV_FILE,
  RESULTS_TABLE_FILE,
  SWEEP_RESULTS_FILE,
  collectResults,
  metricValue,
  resultsCsv,
  resultsMarkdown,
  resultsPlotSvg,
  summarizeResults,
  type GroupSummary,
  type MetricSummary,
  type RunResult,
  type SweepResults,
} from './results';
export {
  sweepPlotSvg,
  type SweepPlotLine,
  type SweepPlotOptions,
  type SweepPlotPoint,
} from './sweep-plot';
