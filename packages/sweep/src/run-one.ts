import fs from 'node:fs';
import { join } from 'node:path';
import { type EvaluationResult, resolveConfig, settingChanges } from '@vaekit/core';
import { RunDirectory, train } from '@vaekit/trainer';
import { writeFileAtomic } from '@vaekit/trainer/internal';
import type { PlannedRun } from './sweep-spec';

/** The file a finished run of a sweep holds its {@link RunOutcome} in. */
export const RESULT_FILE = 'result.json';

/** The folder of a sweep directory that holds one run directory per planned run. */
export const RUNS_DIR = 'runs';

/** How a run of a sweep ended: its final metrics, as `result.json` holds them. */
export interface RunOutcome {
  id: string;
  status: 'completed' | 'early-stopped';
  /** The test evaluation (`eval.json`): nll, elbo, kl, mutualInformation, activeUnits, perplexity, examples, k. */
  metrics: Record<string, number>;
  /** The last validation evaluation, when one ran. */
  validation?: Record<string, number>;
  /** Training wall time in seconds, over every attempt (the final evaluation and files included). */
  seconds: number;
  /** Optimizer steps taken. */
  steps: number;
}

/** Options of {@link runOne}. */
export interface RunOneOptions {
  /** Stop after the current step (a checkpoint is saved); `runOne` then throws {@link RunInterruptedError}. */
  signal?: AbortSignal;
  /** After each optimizer step. */
  onStep?: (step: number, totalSteps: number) => void;
  /** The trainer's notes (resumed from a checkpoint, a lock taken over, ...). */
  onLog?: (message: string) => void;
}

/** A run stopped by its signal before it finished: its checkpoint is saved, and `runOne` continues it. */
export class RunInterruptedError extends Error {
  constructor(
    readonly id: string,
    readonly step: number,
    readonly runDir: string,
  ) {
    super(`run ${id} interrupted at step ${step}: checkpoint saved in ${runDir}`);
    this.name = 'RunInterruptedError';
  }
}

/** The directory of run `id` in a sweep directory: `<sweepDir>/runs/<id>`. */
export function runDirectory(sweepDir: string, id: string): string {
  return join(sweepDir, RUNS_DIR, id);
}

/**
 * The saved outcome of run `id` (its `result.json`), or `undefined` when the run has not
 * finished.
 *
 * @throws Error naming the file when it is not a run outcome.
 */
export function readRunOutcome(sweepDir: string, id: string): RunOutcome | undefined {
  const path = join(runDirectory(sweepDir, id), RESULT_FILE);
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let saved: RunOutcome & { config?: unknown };
  try {
    saved = JSON.parse(text) as RunOutcome & { config?: unknown };
  } catch (error) {
    throw new Error(
      `${path} is not valid JSON (${(error as Error).message}): delete it to train the run again`,
    );
  }
  if (
    saved === null ||
    typeof saved !== 'object' ||
    saved.id !== id ||
    (saved.status !== 'completed' && saved.status !== 'early-stopped') ||
    typeof saved.metrics !== 'object' ||
    typeof saved.seconds !== 'number' ||
    typeof saved.steps !== 'number'
  ) {
    throw new Error(`${path} is not the result of run ${id}: delete it to train the run again`);
  }
  return {
    id: saved.id,
    status: saved.status,
    metrics: saved.metrics,
    ...(saved.validation ? { validation: saved.validation } : {}),
    seconds: saved.seconds,
    steps: saved.steps,
  };
}

/**
 * Train one planned run of a sweep in `<sweepDir>/runs/<id>` (a normal vaekit run directory:
 * `vaekit eval` works on it) and write its outcome to `result.json` there, atomically.
 *
 * - A finished run (its `result.json` exists) is not trained again: its saved outcome is returned.
 * - An unfinished run directory (a killed worker's, an interrupted one) is resumed from its
 *   checkpoint (`train(..., { resume: true })`), to the same result as an uninterrupted run.
 * - Two processes never train the same run at once: the run directory's `run.lock` refuses the
 *   second, naming the process that holds it.
 *
 * Callable from any process that sees `sweepDir` (a pool's child processes, queue workers).
 *
 * @throws RunInterruptedError when `signal` stopped the run (a checkpoint is saved); Error when
 *   the run directory holds a run with other settings, or when training fails.
 * @example
 * ```ts
 * const [run] = planSweep(loadSweepFile('sweep.yaml'));
 * const outcome = await runOne(run, 'sweeps/iwae-family');
 * console.log(outcome.metrics.nll, outcome.seconds);
 * ```
 */
export async function runOne(
  run: PlannedRun,
  sweepDir: string,
  options: RunOneOptions = {},
): Promise<RunOutcome> {
  const dir = runDirectory(sweepDir, run.id);
  const saved = readRunOutcome(sweepDir, run.id);
  const resume = RunDirectory.isRun(dir);
  if (resume) checkSameRun(dir, run, saved !== undefined);
  if (saved !== undefined) return saved;
  let previousSeconds = 0;
  if (resume) {
    const rows = RunDirectory.open(dir).readMetrics();
    previousSeconds = Number(rows.at(-1)?.wallTime ?? 0) || 0;
  }
  fs.mkdirSync(join(sweepDir, RUNS_DIR), { recursive: true });
  const started = performance.now();
  const result = await train(run.config, {
    out: dir,
    resume,
    // Every run logs TensorBoard event files too: `tensorboard --logdir <sweep>` compares them.
    tensorboard: true,
    // A sweep runs in parallel across runs (workers): auto threads stay at one per run, so a
    // run's result does not depend on the machine (a spec's explicit `threads` still applies).
    cores: 1,
    ...(options.signal ? { signal: options.signal } : {}),
    events: {
      onStep: (s) => options.onStep?.(s.step, s.totalSteps),
      onLog: (m) => options.onLog?.(m),
    },
  });
  if (result.status === 'interrupted') throw new RunInterruptedError(run.id, result.step, dir);
  const outcome: RunOutcome = {
    id: run.id,
    status: result.status,
    metrics: numbers(result.test),
    ...(result.validation ? { validation: numbers(result.validation) } : {}),
    seconds: round(previousSeconds + (performance.now() - started) / 1000),
    steps: result.step,
  };
  writeFileAtomic(
    join(dir, RESULT_FILE),
    `${JSON.stringify(
      { ...outcome, values: run.values, config: run.config, finishedAt: new Date().toISOString() },
      null,
      2,
    )}\n`,
  );
  return outcome;
}

/**
 * Refuse a run directory that holds a run of other settings than `run`'s (another sweep's
 * run of the same name): a finished one in any setting, an unfinished one in a setting that
 * defines the model or the data (the trainer accepts new lengths, rates and cadences on resume).
 */
function checkSameRun(dir: string, run: PlannedRun, finished: boolean): void {
  const raw = RunDirectory.open(dir).readConfig();
  if (raw === undefined) return;
  let savedConfig: ReturnType<typeof resolveConfig>;
  try {
    savedConfig = resolveConfig(raw as never);
  } catch {
    return; // train() names what is wrong with it.
  }
  const changes = settingChanges(savedConfig, run.config).filter((c) => finished || !c.resumable);
  if (changes.length === 0) return;
  const list = changes
    .map((c) => `${c.key} ${JSON.stringify(c.from)} -> ${JSON.stringify(c.to)}`)
    .join(', ');
  throw new Error(
    `${dir} holds ${finished ? 'a finished' : 'an unfinished'} run with other settings (${list}): run this sweep in a new directory`,
  );
}

/** The numeric fields of an evaluation. */
function numbers(result: EvaluationResult | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(result ?? {})) {
    if (typeof value === 'number') out[key] = value;
  }
  return out;
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
