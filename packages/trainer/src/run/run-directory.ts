import fs from 'node:fs';
import { join, resolve } from 'node:path';
import type { JsonValue } from '../checkpoint/checkpoint-manifest';
import { writeFileAtomic } from '../checkpoint/write-file-atomic';

/** One row of `metrics.jsonl`: a step plus any metrics (the trainer's standard keys listed). */
export interface MetricsRow {
  /** Global step (optimizer updates so far). */
  step: number;
  epoch?: number;
  /** Training objective, e.g. the negative ELBO, in nats. */
  loss?: number;
  elbo?: number;
  kl?: number;
  examplesPerSec?: number;
  lr?: number;
  /** Seconds since the run started. */
  wallTime?: number;
  [key: string]: unknown;
}

/** Options of {@link RunDirectory.create}. */
export interface CreateRunOptions {
  /**
   * Continue the run already in the directory (default `false`). When the directory holds no
   * run yet (missing or empty), a new run is created either way.
   */
  resume?: boolean;
  /** Written to `config.json` (atomically) when given. */
  config?: JsonValue;
}

/**
 * The marker file that identifies a vaekit run directory (`{ format: 'vaekit-run', version, createdAt }`).
 *
 * @example
 * ```ts
 * fs.existsSync(path.join(dir, RUN_MARKER_FILE)); // roughly RunDirectory.isRun(dir)
 * ```
 */
export const RUN_MARKER_FILE = 'vaekit-run.json';
const METRICS_FILE = 'metrics.jsonl';
const CONFIG_FILE = 'config.json';

/** JSON with non-finite numbers kept as the strings `"NaN"`, `"Infinity"`, `"-Infinity"`. */
function stringifyRow(row: MetricsRow): string {
  return JSON.stringify(row, (_k, v) =>
    typeof v === 'number' && !Number.isFinite(v) ? String(v) : v,
  );
}
function parseRow(text: string): MetricsRow {
  return JSON.parse(text, (_k, v) =>
    v === 'NaN' ? Number.NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v,
  ) as MetricsRow;
}

/**
 * A training run's directory: a marker (`vaekit-run.json`), `config.json`, an append-only
 * `metrics.jsonl` log (one JSON row per line, written and flushed to the OS per row), a
 * `checkpoint/` subdirectory for {@link writeCheckpoint}, and any artefacts (sample grids,
 * curves). Whole files are written atomically ({@link writeFileAtomic}).
 *
 * {@link RunDirectory.create} refuses to write into a non-empty directory that is not a vaekit
 * run, and into an existing run unless resuming, so a typo never clobbers other files or
 * another run's results.
 *
 * @example
 * ```ts
 * const run = RunDirectory.create('runs/mnist-vae', { config, resume: true });
 * run.appendMetrics({ step: 100, epoch: 0, loss: 143.2, elbo: -143.2, kl: 12.5, examplesPerSec: 5400, lr: 1e-3, wallTime: 8.1 });
 * await writeCheckpoint(run.checkpointDir, { ... });
 * run.writeFile('curves.svg', trainingCurvesSvg(run.readMetrics()));
 * ```
 */
export class RunDirectory {
  /** Absolute path of the directory. */
  readonly path: string;

  private constructor(path: string) {
    this.path = path;
  }

  /**
   * Whether `path` is a vaekit run directory (holds the marker file).
   *
   * @example
   * ```ts
   * if (RunDirectory.isRun(dir)) console.log('resuming', dir);
   * ```
   */
  static isRun(path: string): boolean {
    try {
      const marker = JSON.parse(fs.readFileSync(join(path, RUN_MARKER_FILE), 'utf8'));
      return marker?.format === 'vaekit-run';
    } catch {
      return false;
    }
  }

  /**
   * Creates a run directory (and its parents), or continues one when `resume` is set.
   *
   * @throws Error naming the directory when it is a non-empty directory that is not a vaekit
   *   run, when it already holds a run and `resume` is not set, or when it is a file.
   *
   * @example
   * ```ts
   * const run = RunDirectory.create('runs/exp1', { config: { latent: 2 } });
   * ```
   */
  static create(path: string, options: CreateRunOptions = {}): RunDirectory {
    const abs = resolve(path);
    let entries: string[] | undefined;
    try {
      const stat = fs.statSync(abs);
      if (!stat.isDirectory())
        throw new Error(`run directory ${abs} exists and is not a directory`);
      entries = fs.readdirSync(abs);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const run = new RunDirectory(abs);
    if (entries !== undefined && entries.length > 0) {
      if (!RunDirectory.isRun(abs)) {
        throw new Error(
          `run directory ${abs} is not empty and is not a vaekit run (no ${RUN_MARKER_FILE}); ` +
            'refusing to write into it: choose a new or empty directory',
        );
      }
      if (!options.resume) {
        throw new Error(
          `run directory ${abs} already holds a vaekit run; continue it with resume: true ` +
            `(vaekit train --resume ${abs}), or choose a new directory`,
        );
      }
    } else {
      fs.mkdirSync(abs, { recursive: true });
      writeFileAtomic(
        join(abs, RUN_MARKER_FILE),
        JSON.stringify(
          { format: 'vaekit-run', version: 1, createdAt: new Date().toISOString() },
          null,
          2,
        ) + '\n',
      );
    }
    if (options.config !== undefined) run.writeConfig(options.config);
    return run;
  }

  /**
   * Opens an existing run (read-only use, e.g. evaluation or plotting).
   *
   * @throws Error naming the directory when it is not a vaekit run.
   *
   * @example
   * ```ts
   * const rows = RunDirectory.open('runs/exp1').readMetrics();
   * ```
   */
  static open(path: string): RunDirectory {
    const abs = resolve(path);
    if (!RunDirectory.isRun(abs))
      throw new Error(`run directory ${abs} is not a vaekit run (no ${RUN_MARKER_FILE})`);
    return new RunDirectory(abs);
  }

  /**
   * Path of the checkpoint subdirectory (`<run>/checkpoint`), for {@link writeCheckpoint}.
   *
   * @example
   * ```ts
   * const ckpt = await readCheckpoint(run.checkpointDir);
   * ```
   */
  get checkpointDir(): string {
    return join(this.path, 'checkpoint');
  }

  /**
   * Absolute path of a file in the run.
   *
   * @example
   * ```ts
   * run.file('samples-epoch-10.png');
   * ```
   */
  file(name: string): string {
    if (name.length === 0 || name.includes('..') || /^[\\/]/.test(name)) {
      throw new Error(
        `name must be a relative path inside the run directory, got ${JSON.stringify(name)}`,
      );
    }
    return join(this.path, name);
  }

  /**
   * Writes `config.json` atomically (pretty-printed JSON).
   *
   * @example
   * ```ts
   * run.writeConfig({ model: 'vae', latent: 2, lr: 1e-3 });
   * ```
   */
  writeConfig(config: JsonValue): void {
    this.writeJson(CONFIG_FILE, config);
  }

  /**
   * Reads `config.json` (`undefined` when none was written).
   *
   * @example
   * ```ts
   * const config = run.readConfig();
   * ```
   */
  readConfig(): JsonValue | undefined {
    const p = join(this.path, CONFIG_FILE);
    if (!fs.existsSync(p)) return undefined;
    try {
      return JSON.parse(fs.readFileSync(p, 'utf8')) as JsonValue;
    } catch (e) {
      throw new Error(`${p} is not valid JSON (${(e as Error).message})`);
    }
  }

  /**
   * Writes a JSON file in the run atomically.
   *
   * @example
   * ```ts
   * run.writeJson('eval.json', { testElbo: -86.4, iwae5000: -84.9 });
   * ```
   */
  writeJson(name: string, value: unknown): void {
    const text = JSON.stringify(value, null, 2);
    if (text === undefined) throw new Error(`${name}: value is not JSON-serialisable`);
    this.writeFile(name, text + '\n');
  }

  /**
   * Writes a whole file in the run atomically (string as UTF-8, or bytes), creating
   * subdirectories as needed.
   *
   * @example
   * ```ts
   * run.writeFile('samples/epoch-010.png', imageGridPng(samples));
   * ```
   */
  writeFile(name: string, data: string | Uint8Array): void {
    const p = this.file(name);
    fs.mkdirSync(join(p, '..'), { recursive: true });
    writeFileAtomic(p, data);
  }

  /**
   * Appends one row to `metrics.jsonl` (one JSON line; non-finite numbers written as the
   * strings `"NaN"`/`"Infinity"`/`"-Infinity"` and read back as numbers). Each call opens,
   * writes and closes the file, so the row reaches the OS before it returns (`fsync: true`
   * also forces it to disk).
   *
   * @example
   * ```ts
   * run.appendMetrics({ step, epoch, loss, elbo: -loss, kl, examplesPerSec, lr, wallTime });
   * ```
   */
  appendMetrics(row: MetricsRow, options: { fsync?: boolean } = {}): void {
    if (row === null || typeof row !== 'object' || !Number.isFinite(row.step)) {
      throw new Error(`row.step must be a finite number, got ${JSON.stringify(row?.step)}`);
    }
    this.appendLine(METRICS_FILE, stringifyRow(row), options);
  }

  /**
   * Appends one JSON line to a `.jsonl` file of the run (e.g. `settings-changes.jsonl`), the
   * way {@link RunDirectory.appendMetrics} does.
   *
   * @example
   * ```ts
   * run.appendJsonLine('notes.jsonl', { at: new Date().toISOString(), note: 'lr lowered' });
   * ```
   */
  appendJsonLine(name: string, value: unknown, options: { fsync?: boolean } = {}): void {
    this.appendLine(name, JSON.stringify(value), options);
  }

  private appendLine(name: string, line: string, options: { fsync?: boolean }): void {
    const fd = fs.openSync(this.file(name), 'a');
    try {
      fs.writeSync(fd, `${line}\n`);
      if (options.fsync) fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  /**
   * Reads all rows of `metrics.jsonl` (`[]` when none). A last line cut short by a crash
   * (no trailing newline, invalid JSON) is skipped.
   *
   * @throws Error naming the file and line for an invalid row elsewhere.
   *
   * @example
   * ```ts
   * const rows = run.readMetrics();
   * const last = rows.at(-1)?.step ?? 0;
   * ```
   */
  readMetrics(): MetricsRow[] {
    const p = join(this.path, METRICS_FILE);
    let text: string;
    try {
      text = fs.readFileSync(p, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const lines = text.split('\n');
    const rows: MetricsRow[] = [];
    lines.forEach((line, i) => {
      if (line.trim().length === 0) return;
      try {
        rows.push(parseRow(line));
      } catch (e) {
        const isPartialLast = i === lines.length - 1 && !text.endsWith('\n');
        if (!isPartialLast)
          throw new Error(`${p}:${i + 1}: invalid metrics row (${(e as Error).message})`);
      }
    });
    return rows;
  }

  /**
   * Drops the metric rows logged after `step` (atomically rewriting `metrics.jsonl`): call
   * when resuming from a checkpoint taken at `step`, so rows from the lost work after it are
   * not duplicated.
   *
   * @returns how many rows were dropped.
   *
   * @example
   * ```ts
   * const ckpt = await readCheckpoint(run.checkpointDir);
   * run.truncateMetrics(ckpt.step);
   * ```
   */
  truncateMetrics(step: number): number {
    const rows = this.readMetrics();
    const kept = rows.filter((r) => !(r.step > step));
    if (kept.length !== rows.length || !this.metricsEndsCleanly()) {
      writeFileAtomic(
        join(this.path, METRICS_FILE),
        kept.map((r) => stringifyRow(r) + '\n').join(''),
      );
    }
    return rows.length - kept.length;
  }

  private metricsEndsCleanly(): boolean {
    const p = join(this.path, METRICS_FILE);
    if (!fs.existsSync(p)) return true;
    const text = fs.readFileSync(p, 'utf8');
    return text.length === 0 || text.endsWith('\n');
  }
}
