import { type ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { PoolReply, PoolRequest } from './internal/pool-protocol';
import { type RunOutcome, readRunOutcome } from './run-one';
import { openSweepDirectory } from './sweep-directory';
import { type PlannedRun, type SweepSpec, planSweep } from './sweep-spec';

/** What happens in a sweep, as {@link runSweepLocally} reports it (`worker` counts from 1). */
export type SweepEvent =
  /** Once, before any run: the plan, what is finished already, and the pool's size. */
  | {
      type: 'start';
      total: number;
      finished: number;
      pending: number;
      workers: number;
      /** The directory held this sweep already (it is being continued). */
      continued: boolean;
    }
  /** A run finished before this call (its `result.json` exists): not trained again. */
  | { type: 'skipped'; id: string; outcome: RunOutcome }
  | { type: 'run-start'; id: string; worker: number }
  | { type: 'step'; id: string; worker: number; step: number; totalSteps: number }
  /** A note from a run (resumed from a checkpoint, ...) or a worker's own output. */
  | { type: 'log'; id?: string; worker: number; message: string }
  | { type: 'run-done'; id: string; worker: number; outcome: RunOutcome }
  /**
   * A run stopped by the signal: its checkpoint is saved and the next `sweep run` resumes it
   * (`step` is 0 when its worker quit before saying where it stopped).
   */
  | { type: 'run-interrupted'; id: string; worker: number; step: number }
  | { type: 'run-failed'; id: string; worker: number; error: string }
  /** The signal fired: the pool stops after the current steps. */
  | { type: 'stopping' };

/** Options of {@link runSweepLocally}. */
export interface LocalPoolOptions {
  /** The sweep directory (created; an existing one must hold the same sweep). */
  out: string;
  /** Worker processes (default: the number of CPU cores, at most the runs left). */
  workers?: number;
  /** Stop the pool: each run stops after its current step and checkpoints; none starts. */
  signal?: AbortSignal;
  onEvent?: (event: SweepEvent) => void;
}

/** How a sweep on the local pool ended. */
export interface LocalSweepResult {
  /** `completed`: every run finished; `interrupted`: stopped by the signal; `failed`: a run failed. */
  status: 'completed' | 'interrupted' | 'failed';
  /** The planned runs, in plan order. */
  runs: PlannedRun[];
  /** The outcome of every finished run (this call's and earlier ones'), in plan order. */
  outcomes: RunOutcome[];
  failed: { id: string; error: string }[];
  /** Runs stopped by the signal (their checkpoints are saved). */
  interrupted: string[];
  /** Wall time of this call. */
  seconds: number;
}

/** The most worker processes a pool starts. */
export const MAX_WORKERS = 256;

/** The pool's default size: one worker per CPU core (each trains on one core). */
export function defaultWorkers(): number {
  return Math.max(1, Math.min(MAX_WORKERS, availableParallelism()));
}

/**
 * Run a sweep on this machine: a pool of `workers` child processes (`child_process.fork`), each
 * taking the next planned run and training it with {@link runOne} into `<out>/runs/<id>`.
 *
 * - `<out>/sweep.yaml` records the sweep; a directory that holds another sweep is refused,
 *   naming the keys that differ.
 * - Finished runs (their `result.json` exists) are skipped; unfinished ones resume from their
 *   checkpoints, so calling this again on the same `out` continues an interrupted sweep.
 * - `signal` stops the pool after the current steps (each run writes a checkpoint).
 * - A failed run (a diverged loss, a worker that died) is reported and the others go on.
 *
 * Results do not depend on the number of workers: each run is deterministic for its seed.
 *
 * @throws SweepError when `out` holds another sweep or is not a sweep directory; Error when no
 *   worker process can start.
 * @example
 * ```ts
 * const result = await runSweepLocally(loadSweepFile('sweep.yaml'), {
 *   out: 'sweeps/iwae', workers: 2, onEvent: (e) => e.type === 'run-done' && console.log(e.id),
 * });
 * collectResults(loadSweepFile('sweep.yaml'), 'sweeps/iwae');
 * ```
 */
export async function runSweepLocally(
  spec: SweepSpec,
  options: LocalPoolOptions,
): Promise<LocalSweepResult> {
  const started = performance.now();
  const { out, signal } = options;
  const emit = (event: SweepEvent) => options.onEvent?.(event);
  const size = options.workers ?? defaultWorkers();
  if (!Number.isInteger(size) || size < 1 || size > MAX_WORKERS) {
    throw new Error(`workers must be an integer >= 1 and <= ${MAX_WORKERS}, got ${size}`);
  }
  const runs = planSweep(spec);
  const { continued } = openSweepDirectory(spec, out);

  const outcomes = new Map<string, RunOutcome>();
  const queue: PlannedRun[] = [];
  const skipped: RunOutcome[] = [];
  for (const run of runs) {
    const saved = readRunOutcome(out, run.id);
    if (saved === undefined) queue.push(run);
    else {
      outcomes.set(run.id, saved);
      skipped.push(saved);
    }
  }
  const workers = Math.min(size, queue.length);
  emit({
    type: 'start',
    total: runs.length,
    finished: skipped.length,
    pending: queue.length,
    workers,
    continued,
  });
  for (const outcome of skipped) emit({ type: 'skipped', id: outcome.id, outcome });

  const failed: { id: string; error: string }[] = [];
  const interrupted: string[] = [];
  if (queue.length > 0 && !signal?.aborted) {
    await runPool(queue, workers, out, signal, emit, {
      done: (o) => outcomes.set(o.id, o),
      failed: (id, error) => failed.push({ id, error }),
      interrupted: (id) => interrupted.push(id),
    });
  }
  const stopped = signal?.aborted === true && outcomes.size + failed.length < runs.length;
  return {
    status: failed.length > 0 ? 'failed' : stopped ? 'interrupted' : 'completed',
    runs,
    outcomes: runs.flatMap((r) => outcomes.get(r.id) ?? []),
    failed,
    interrupted,
    seconds: (performance.now() - started) / 1000,
  };
}

/** One worker process of the pool. */
interface PoolWorker {
  index: number;
  process: ChildProcess;
  ready: boolean;
  /** The run it trains now. */
  current?: PlannedRun;
  /** The end of its output, for the message when it dies. */
  output: string;
}

/** Train `queue` on `size` worker processes; resolves when every worker has exited. */
function runPool(
  queue: PlannedRun[],
  size: number,
  out: string,
  signal: AbortSignal | undefined,
  emit: (event: SweepEvent) => void,
  record: {
    done(outcome: RunOutcome): void;
    failed(id: string, error: string): void;
    interrupted(id: string): void;
  },
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const live = new Set<PoolWorker>();
    let stopping = false;
    let everReady = false;
    let respawns = 0;

    const send = (w: PoolWorker, request: PoolRequest) => {
      if (w.process.connected) w.process.send(request);
    };
    const onAbort = () => {
      if (stopping) return;
      stopping = true;
      emit({ type: 'stopping' });
      for (const w of live) send(w, { type: 'stop' });
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    const next = (w: PoolWorker) => {
      const run = stopping ? undefined : queue.shift();
      if (run === undefined) {
        send(w, { type: 'stop' });
        return;
      }
      w.current = run;
      emit({ type: 'run-start', id: run.id, worker: w.index });
      send(w, { type: 'run', run, sweepDir: out });
    };

    const start = (index: number) => {
      const { modulePath, execArgv } = workerEntry();
      const child = fork(modulePath, [], {
        execArgv,
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        serialization: 'json',
      });
      const w: PoolWorker = { index, process: child, ready: false, output: '' };
      live.add(w);
      const onOutput = (chunk: Buffer) => {
        const text = chunk.toString('utf8');
        w.output = (w.output + text).slice(-4000);
        for (const line of text.split('\n')) {
          if (line.trim() !== '') {
            emit({
              type: 'log',
              ...(w.current ? { id: w.current.id } : {}),
              worker: index,
              message: line,
            });
          }
        }
      };
      child.stdout?.on('data', onOutput);
      child.stderr?.on('data', onOutput);
      child.on('message', (reply: PoolReply) => {
        switch (reply.type) {
          case 'ready':
            w.ready = true;
            everReady = true;
            next(w);
            return;
          case 'step':
            emit({
              type: 'step',
              id: reply.id,
              worker: index,
              step: reply.step,
              totalSteps: reply.totalSteps,
            });
            return;
          case 'log':
            emit({ type: 'log', id: reply.id, worker: index, message: reply.message });
            return;
          case 'done':
            w.current = undefined;
            record.done(reply.outcome);
            emit({ type: 'run-done', id: reply.outcome.id, worker: index, outcome: reply.outcome });
            next(w);
            return;
          case 'interrupted':
            w.current = undefined;
            record.interrupted(reply.id);
            emit({ type: 'run-interrupted', id: reply.id, worker: index, step: reply.step });
            next(w);
            return;
          case 'failed':
            w.current = undefined;
            record.failed(reply.id, reply.error);
            emit({ type: 'run-failed', id: reply.id, worker: index, error: reply.error });
            next(w);
            return;
        }
      });
      child.on('error', (error) => {
        w.output += `\n${error.message}`;
      });
      child.on('exit', (code, exitSignal) => {
        live.delete(w);
        const how = exitSignal !== null ? `signal ${exitSignal}` : `code ${code}`;
        if (w.current !== undefined && stopping) {
          // Quit while stopping (a second Ctrl-C): the run resumes from its last checkpoint.
          record.interrupted(w.current.id);
          emit({ type: 'run-interrupted', id: w.current.id, worker: index, step: 0 });
          w.current = undefined;
        } else if (w.current !== undefined) {
          const error = `worker ${index} (process ${child.pid}) exited with ${how} while training: ${lastLines(w.output)}`;
          record.failed(w.current.id, error);
          emit({ type: 'run-failed', id: w.current.id, worker: index, error });
          w.current = undefined;
        }
        if (!w.ready && !everReady && live.size === 0) {
          signal?.removeEventListener('abort', onAbort);
          reject(
            new Error(
              `the sweep's worker process failed to start (exit ${how}): ${lastLines(w.output)}`,
            ),
          );
          return;
        }
        // A worker that died leaves its share of the queue to a new one.
        if (!stopping && queue.length > 0 && live.size < size && respawns < size + queue.length) {
          respawns++;
          start(index);
          return;
        }
        if (live.size === 0) {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }
      });
    };

    for (let i = 1; i <= size; i++) start(i);
  });
}

/**
 * The worker's entry module and Node flags: the built `sweep-worker.js` beside this module, or
 * from TypeScript sources (tests, development) `sweep-worker.ts` under tsx's loader, resolving
 * workspace packages to their sources (the `@vaekit/source` condition).
 */
function workerEntry(): { modulePath: string; execArgv: string[] } {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) {
    return { modulePath: fileURLToPath(new URL('./sweep-worker.js', here)), execArgv: [] };
  }
  const tsx = pathToFileURL(createRequire(here).resolve('tsx')).href;
  return {
    modulePath: fileURLToPath(new URL('./sweep-worker.ts', here)),
    execArgv: ['--conditions=@vaekit/source', '--import', tsx],
  };
}

function lastLines(output: string): string {
  const lines = output.trim().split('\n').slice(-5).join('\n');
  return lines === '' ? '(no output)' : lines;
}
