import fs from 'node:fs';
import { join } from 'node:path';
import type { MetricsRow } from '../run/run-directory';
import { TensorBoardWriter } from './tensorboard-writer';

/** The subdirectory of a run that holds its TensorBoard event files. */
export const TENSORBOARD_DIR = 'tensorboard';

/**
 * The metrics of `metrics.jsonl` rows that go to TensorBoard, by the row's `split`: each as the
 * tag `<split>/<metric>` (`train/loss`, `validation/nll`, ...) at the row's step.
 */
export const TENSORBOARD_METRICS: Readonly<Record<string, readonly string[]>> = {
  train: ['loss', 'elbo', 'kl', 'klWeight', 'gradNorm', 'lr', 'examplesPerSec'],
  validation: ['nll', 'elbo', 'kl', 'mutualInformation', 'activeUnits', 'perplexity'],
};

/** Options of {@link TensorBoardLog.open}. */
export interface TensorBoardLogOptions {
  /**
   * The run is resumed from a checkpoint at this step (0: started again from scratch): the new
   * file begins with a `SessionLog START` at `resumedAt + 1`, so TensorBoard drops the values
   * that earlier files hold for the steps the resumed run logs again.
   */
  resumedAt?: number;
  /**
   * The rows `metrics.jsonl` already holds (a resumed run): written first when the directory
   * has no event file yet (the run was started without TensorBoard logging).
   */
  previousRows?: MetricsRow[];
  /** Where a failure to write the log is reported (training goes on without it). */
  onLog?: (message: string) => void;
}

/**
 * A run's TensorBoard log: the rows appended to `metrics.jsonl` also written as scalars to a
 * new event file in `<run>/tensorboard/` ({@link TensorBoardWriter}), one file per process that
 * trains the run.
 *
 * The log is optional and secondary to `metrics.jsonl`: when it cannot be written (a full disk,
 * no permission) the problem is reported once through `onLog`, the event file is cut back to its
 * last whole record, and training goes on without the log.
 *
 * A resumed run continues from its checkpoint at step `s` and logs steps after `s` again; the
 * rows a crashed process logged after `s` are still in the earlier event file (an event file
 * cannot be truncated the way `metrics.jsonl` is). The new file therefore starts with a
 * `SessionLog { status: START }` event at step `s + 1`, TensorFlow's restart marker: TensorBoard
 * drops the earlier values at steps `>= s + 1`, and in any case a value logged again for a step
 * replaces the earlier one, since TensorBoard keeps the last record of a step.
 *
 * @example
 * ```ts
 * const log = TensorBoardLog.open(run.path, { onLog: console.warn });
 * log?.write({ step: 50, split: 'train', loss: 143.2, kl: 12.5 });
 * log?.close();
 * ```
 */
export class TensorBoardLog {
  private constructor(
    private readonly writer: TensorBoardWriter,
    private readonly onLog: ((message: string) => void) | undefined,
  ) {}

  /** Path of the event file this log writes. */
  get path(): string {
    return this.writer.path;
  }

  /**
   * Opens a new event file in `<runPath>/tensorboard/`; `undefined` (after reporting the
   * reason to `onLog`) when it cannot be created.
   *
   * @example
   * ```ts
   * const log = TensorBoardLog.open(run.path, { resumedAt: checkpoint.step });
   * ```
   */
  static open(runPath: string, options: TensorBoardLogOptions = {}): TensorBoardLog | undefined {
    const { onLog } = options;
    const dir = join(runPath, TENSORBOARD_DIR);
    let writer: TensorBoardWriter | undefined;
    try {
      const backfill = options.previousRows !== undefined && !hasEventFile(dir);
      writer = TensorBoardWriter.open(dir, {
        onError: (error) => onLog?.(`${error.message}; metrics.jsonl is not affected`),
      });
      if (options.resumedAt !== undefined) writer.addSessionStart(options.resumedAt + 1);
      const log = new TensorBoardLog(writer, onLog);
      if (backfill) log.backfill(options.previousRows ?? []);
      writer.flush();
      return log;
    } catch (error) {
      writer?.close();
      onLog?.(
        `cannot write TensorBoard logs to ${dir}: ${(error as Error).message}; training goes on without them (metrics.jsonl is not affected)`,
      );
      return undefined;
    }
  }

  /**
   * Writes a metrics row's scalars ({@link TENSORBOARD_METRICS} of its `split`) and flushes.
   * Rows of other splits, and metrics a row lacks, are skipped.
   *
   * @example
   * ```ts
   * log.write({ step: 1290, split: 'validation', nll: 111.8, kl: 24.2 });
   * ```
   */
  write(row: MetricsRow, wallTime?: number): void {
    const values = rowScalars(row);
    if (values === undefined) return;
    this.writer.addScalars(row.step, values, wallTime);
    this.writer.flush();
  }

  /**
   * Flushes and closes the event file.
   *
   * @example
   * ```ts
   * log.close();
   * ```
   */
  close(): void {
    this.writer.close();
  }

  /** Writes the rows a run logged before TensorBoard logging was turned on. */
  private backfill(rows: MetricsRow[]): void {
    // The rows record seconds of training, not the time of day: place them that far back.
    const now = Date.now() / 1000;
    const last = rows.at(-1)?.wallTime ?? 0;
    for (const row of rows) {
      const values = rowScalars(row);
      if (values === undefined) continue;
      const at = typeof row.wallTime === 'number' ? now - Math.max(0, last - row.wallTime) : now;
      this.writer.addScalars(row.step, values, at);
    }
    this.onLog?.(`TensorBoard: wrote the ${rows.length} metrics rows logged before`);
  }
}

/** The tagged scalars of a row, or `undefined` for a split that is not logged. */
function rowScalars(row: MetricsRow): Record<string, number> | undefined {
  const split = typeof row['split'] === 'string' ? row['split'] : 'train';
  const keys = TENSORBOARD_METRICS[split];
  if (keys === undefined || !Number.isSafeInteger(row.step) || row.step < 0) return undefined;
  const values: Record<string, number> = {};
  for (const key of keys) {
    const value = row[key];
    if (typeof value === 'number') values[`${split}/${key}`] = value;
  }
  return values;
}

function hasEventFile(dir: string): boolean {
  try {
    return fs.readdirSync(dir).some((name) => name.includes('tfevents'));
  } catch {
    return false;
  }
}
