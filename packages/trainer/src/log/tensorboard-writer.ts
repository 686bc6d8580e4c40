import fs from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { type EventMessage, SESSION_START, encodeEvent } from './event-proto';
import { encodeTFRecord } from './tfrecord';

/** The `file_version` of the first event of every file: TensorBoard's current event format. */
export const EVENT_FILE_VERSION = 'brain.Event:2';

/** Options of {@link TensorBoardWriter.open}. */
export interface TensorBoardWriterOptions {
  /** Seconds since the Unix epoch for the file name and the first event (default now). */
  wallTime?: number;
  /** Host name in the file name (default `os.hostname()`). */
  hostname?: string;
  /**
   * Called once with the first write error instead of throwing it; the writer then stops (its
   * later calls do nothing). Either way the file is first cut back to its last whole record.
   */
  onError?: (error: Error) => void;
  /** Write buffered records once they hold this many bytes (default 64 KiB). */
  bufferBytes?: number;
}

/**
 * Writes a TensorBoard event file, `events.out.tfevents.<unix-seconds>.<hostname>` in a
 * directory, so that `tensorboard --logdir <dir>` plots the scalars logged to it.
 *
 * The file is a sequence of TFRecords ({@link encodeTFRecord}: a little-endian uint64 length,
 * its masked CRC32C, the data, the data's masked CRC32C), each holding a protobuf `Event`
 * (`tensorflow.Event` of TensorFlow's `event.proto`, encoded with protobufjs): first
 * `{ wall_time, file_version: "brain.Event:2" }`, then one
 * `{ wall_time, step, summary { value { tag, simple_value } } }` per {@link addScalar} call.
 * Values are stored as float32, as TensorBoard's `simple_value` is.
 *
 * Each writer appends to a new file of its own (a name taken in the same second gets a `.1`,
 * `.2`, ... suffix; TensorBoard reads every file whose name contains `tfevents`, in name order).
 * Records are buffered and written by {@link flush} (or when the buffer fills) in one write
 * each; when a write fails the file is cut back to its last whole record, so it always reads
 * cleanly, and the writer stops.
 *
 * @example
 * ```ts
 * const writer = TensorBoardWriter.open('runs/exp1/tensorboard');
 * writer.addScalar('train/loss', 100, 143.2);
 * writer.close();
 * // tensorboard --logdir runs/
 * ```
 */
export class TensorBoardWriter {
  /** Absolute path of the event file. */
  readonly path: string;
  private fd: number | undefined;
  /** Bytes of whole records written so far (where the file is cut back to after an error). */
  private written = 0;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private readonly onError: ((error: Error) => void) | undefined;
  private readonly bufferBytes: number;

  private constructor(path: string, fd: number, options: TensorBoardWriterOptions) {
    this.path = path;
    this.fd = fd;
    this.onError = options.onError;
    this.bufferBytes = options.bufferBytes ?? 64 * 1024;
  }

  /**
   * Creates `dir` (and its parents) and a new event file in it, and writes the file's first
   * event (the file version) to disk.
   *
   * @throws Error when the directory or the file cannot be created or written (even with
   *   `onError`: a writer that never opened has nothing to stop).
   *
   * @example
   * ```ts
   * const writer = TensorBoardWriter.open(join(run.path, 'tensorboard'), { onError: console.warn });
   * ```
   */
  static open(dir: string, options: TensorBoardWriterOptions = {}): TensorBoardWriter {
    const wallTime = options.wallTime ?? Date.now() / 1000;
    if (!Number.isFinite(wallTime) || wallTime < 0) {
      throw new Error(`wallTime must be a non-negative number of seconds, got ${wallTime}`);
    }
    const host = (options.hostname ?? hostname()).replace(/[^A-Za-z0-9._-]/g, '_') || 'localhost';
    const abs = resolve(dir);
    fs.mkdirSync(abs, { recursive: true });
    const base = `events.out.tfevents.${Math.floor(wallTime)}.${host}`;
    for (let n = 0; ; n++) {
      const path = join(abs, n === 0 ? base : `${base}.${n}`);
      let fd: number;
      try {
        fd = fs.openSync(path, 'wx');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw error;
      }
      const writer = new TensorBoardWriter(path, fd, options);
      try {
        writer.pushEvent({ wall_time: wallTime, file_version: EVENT_FILE_VERSION });
        writer.writePending();
      } catch (error) {
        writer.fd = undefined;
        fs.closeSync(fd);
        fs.rmSync(path, { force: true });
        throw error;
      }
      return writer;
    }
  }

  /** Whether the writer still writes (not closed, and no write has failed). */
  get isOpen(): boolean {
    return this.fd !== undefined;
  }

  /**
   * Logs one scalar: an `Event` with `step` and a summary value `{ tag, simple_value }`.
   *
   * @param wallTime seconds since the Unix epoch (default now).
   * @throws Error for an empty tag or a step that is not a non-negative safe integer.
   *
   * @example
   * ```ts
   * writer.addScalar('validation/nll', 1290, 111.8);
   * ```
   */
  addScalar(tag: string, step: number, value: number, wallTime?: number): void {
    this.addScalars(step, { [tag]: value }, wallTime);
  }

  /**
   * Logs several scalars of one step, one `Event` each (as TensorFlow's summary writers do).
   *
   * @throws Error for an empty tag or a step that is not a non-negative safe integer.
   *
   * @example
   * ```ts
   * writer.addScalars(100, { 'train/loss': 143.2, 'train/kl': 12.5 });
   * ```
   */
  addScalars(step: number, values: Record<string, number>, wallTime?: number): void {
    checkStep(step);
    const time = wallTime ?? Date.now() / 1000;
    for (const [tag, value] of Object.entries(values)) {
      if (typeof tag !== 'string' || tag.length === 0) throw new Error('tag must not be empty');
      if (typeof value !== 'number') {
        throw new Error(`the value of ${tag} must be a number, got ${JSON.stringify(value)}`);
      }
      this.pushEvent({ wall_time: time, step, summary: { value: [{ tag, simple_value: value }] } });
    }
  }

  /**
   * Logs a `SessionLog { status: START }` at `step`: TensorBoard then drops the values it had
   * read at steps `>= step` (they were logged by a run that is now resumed from an earlier
   * checkpoint, and the resumed run logs them again).
   *
   * @example
   * ```ts
   * writer.addSessionStart(checkpointStep + 1); // on resume
   * ```
   */
  addSessionStart(step: number, wallTime?: number): void {
    checkStep(step);
    this.pushEvent({
      wall_time: wallTime ?? Date.now() / 1000,
      step,
      session_log: { status: SESSION_START },
    });
  }

  /**
   * Writes the buffered records to the file (one write; the OS has them when it returns).
   *
   * @example
   * ```ts
   * writer.flush();
   * ```
   */
  flush(): void {
    this.guard(() => this.writePending());
  }

  /**
   * Flushes and closes the file. Further calls do nothing.
   *
   * @example
   * ```ts
   * writer.close();
   * ```
   */
  close(): void {
    if (this.fd === undefined) return;
    this.guard(() => this.writePending());
    const fd = this.fd;
    if (fd === undefined) return;
    this.fd = undefined;
    this.guard(() => fs.closeSync(fd));
  }

  private pushEvent(event: EventMessage): void {
    if (this.fd === undefined) return;
    const record = encodeTFRecord(encodeEvent(event));
    this.pending.push(record);
    this.pendingBytes += record.length;
    if (this.pendingBytes >= this.bufferBytes) this.flush();
  }

  private writePending(): void {
    if (this.fd === undefined || this.pendingBytes === 0) return;
    const bytes = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    let done = 0;
    while (done < bytes.length) {
      done += fs.writeSync(this.fd, bytes, done, bytes.length - done, this.written + done);
    }
    this.written += bytes.length;
  }

  /** Runs a file operation; on failure cuts the file back, stops, and reports or throws. */
  private guard(operation: () => void): void {
    try {
      operation();
    } catch (cause) {
      const fd = this.fd;
      this.fd = undefined;
      this.pending = [];
      this.pendingBytes = 0;
      if (fd !== undefined) {
        try {
          fs.ftruncateSync(fd, this.written);
        } catch {
          // The error below says the log stopped; a torn last record is all that can remain.
        }
        try {
          fs.closeSync(fd);
        } catch {
          // Already reported below.
        }
      }
      const error = new Error(
        `cannot write the TensorBoard event file ${this.path}: ${(cause as Error).message}; ` +
          `it holds the records written before (TensorBoard logging stopped)`,
        { cause },
      );
      if (this.onError === undefined) throw error;
      this.onError(error);
    }
  }
}

function checkStep(step: number): void {
  if (!Number.isSafeInteger(step) || step < 0) {
    throw new Error(`step must be a non-negative integer, got ${step}`);
  }
}
