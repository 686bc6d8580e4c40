import {
  type PlannedRun,
  type RunOutcome,
  type SweepSpec,
  collectResults,
  planSweep,
  runOne,
  runSweepLocally,
  validateSweep,
} from '@vaekit/sweep';

export async function run(out: string): Promise<RunOutcome[]> {
  const spec: SweepSpec = validateSweep({ grid: { latent: ['gaussian', 'bn'] }, seeds: 2 });
  const runs: PlannedRun[] = planSweep(spec);
  const first: RunOutcome = await runOne(runs[0]!, out);
  const result = await runSweepLocally(spec, { out, workers: 2 });
  collectResults(spec, out);
  return [first, ...result.outcomes];
}
