import { fork } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MANIFEST_FILE } from '@vaekit/trainer/internal';
import { DelayedError, type Job, UnrecoverableError, WaitingError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { PoolReply, PoolRequest } from './internal/pool-protocol';
import {
  SWEEP_QUEUE,
  type SweepJobData,
  type SweepJobProgress,
  heartbeatKey,
} from './queue-protocol';
import { bullConnection, pingRedis } from './redis-connection';
import {
  type RunOneOptions,
  RESULT_FILE,
  type RunOutcome,
  RunInterruptedError,
  runDirectory,
} from './run-one';
import type { PlannedRun } from './sweep-spec';

/** The trainer's lock file in a run directory (`LOCK_FILE` of @vaekit/trainer's run-lock). */
export const RUN_LOCK_FILE = 'run.lock';

/** How long a job stays locked to its worker without a renewal, by default (ms). */
export const DEFAULT_LOCK_DURATION_MS = 30_000;

/** How often a run that fails is tried in all, and the first retry's delay (doubling). */
export const DEFAULT_ATTEMPTS = 3;
export const DEFAULT_BACKOFF_MS = 10_000;

/** How often a job may be found stalled (its worker gone) and put back before it fails. */
export const MAX_STALLED_COUNT = 5;

/** Options of {@link startQueueWorker}. */
export interface QueueWorkerOptions {
  /** The Redis the sweeps queue their runs on: `redis://host:port`. */
  redis: string;
  /** Runs trained at once by this worker (default 1). */
  concurrency?: number;
  /**
   * Stop: the runs in progress finish their current step, save a checkpoint, and their jobs go
   * back to the queue for any worker to resume; then the worker closes.
   */
  signal?: AbortSignal;
  onEvent?: (event: QueueWorkerEvent) => void;
  /**
   * How long a job stays locked to this worker between renewals (ms, default 30 s). A worker
   * killed mid-run has its run taken over by another worker after about this long (plus up to
   * twice the stalled-check interval, half of it).
   */
  lockDurationMs?: number;
  /** The queue's name (default {@link SWEEP_QUEUE}). */
  queue?: string;
  /**
   * Train a run (default {@link runInChildProcess}: {@link runOne} in a child process of its
   * own, so this process keeps renewing the job's lock while the run computes, and runs train
   * in parallel). `onProcess` is told the pid of the process that trains (it owns `run.lock`).
   */
  execute?: (
    run: PlannedRun,
    sweepDir: string,
    options: RunOneOptions & { onProcess?: (pid: number, alive: boolean) => void },
  ) => Promise<RunOutcome>;
}

/** What a worker did, for its log. */
export type QueueWorkerEvent =
  | { type: 'ready'; worker: string; queue: string; concurrency: number }
  | { type: 'started'; id: string; sweepDir: string; attempt: number; resumeFrom?: number }
  | { type: 'step'; id: string; step: number; totalSteps: number }
  | { type: 'log'; id: string; message: string }
  | { type: 'finished'; id: string; outcome: RunOutcome; seconds: number }
  | {
      type: 'failed';
      id: string;
      error: string;
      attempt: number;
      attempts: number;
      retryInMs?: number;
    }
  /** Stopped (Ctrl-C): checkpoint saved, job back in the queue. */
  | { type: 'returned'; id: string; step: number }
  /** The run's directory is locked by a live process elsewhere: the job comes back later. */
  | { type: 'busy'; id: string; owner: string; delayMs: number }
  /** A lock left in the run directory by a dead worker on another host was removed. */
  | { type: 'lock-removed'; id: string; owner: string }
  | { type: 'error'; message: string }
  | { type: 'closed'; worker: string };

/** A running worker: {@link startQueueWorker}. */
export interface QueueWorker {
  /** `<host>:<pid>`, as jobs record it (`processedBy`). */
  name: string;
  /** Stop as `signal` does; resolves once every run has checkpointed and the worker closed. */
  close(): Promise<void>;
  /** Resolves when the worker has closed. */
  closed: Promise<void>;
}

/** The owner a run directory's `run.lock` records. */
interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
}

/**
 * Start a worker that takes runs from the sweep queue on Redis and trains them with
 * {@link runOne}, `concurrency` at a time, until `signal` aborts or {@link QueueWorker.close}.
 *
 * - Each run trains in `<sweepDir>/runs/<id>` (the job's sweep directory, a path every worker
 *   shares) and leaves `result.json` there; the job's return value is the same outcome.
 * - A worker killed mid-run (SIGKILL, a crash, a lost machine) stops renewing its job's lock: after
 *   `lockDurationMs` BullMQ's stalled check (every worker runs it) puts the job back, another
 *   worker takes it, and `runOne` resumes the run from its last checkpoint, not from step 0.
 * - The dead worker's `run.lock` is stale. On the same host the trainer sees its pid is gone and
 *   takes it over. On another host a pid cannot be checked, so every worker keeps a heartbeat key
 *   in Redis for itself (`vaekit-sweep:heartbeat:<host>:<pid>`, expiring after
 *   `lockDurationMs`): a lock whose owner has no heartbeat is removed before the run resumes;
 *   one whose owner is alive delays the job (no attempt is used).
 * - A failed attempt is retried with exponential backoff (the sweep sets `attempts` and
 *   `backoff` on each job); a diverged run (a non-finite loss, the same again with the same
 *   seed) fails at once.
 * - Stopping (signal, Ctrl-C in `vaekit worker`): runs in progress save a checkpoint and their
 *   jobs go back to the front of the queue.
 *
 * @throws RedisUnreachableError when Redis does not answer within 5 s (before anything starts).
 * @example
 * ```ts
 * const controller = new AbortController();
 * process.on('SIGINT', () => controller.abort());
 * const worker = await startQueueWorker({ redis: 'redis://10.0.0.5:6379', concurrency: 2, signal: controller.signal });
 * await worker.closed;
 * ```
 */
export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  await pingRedis(options.redis);
  // Connection trouble repeats while BullMQ reconnects: each message once per 10 s.
  const said = new Map<string, number>();
  const emit = (event: QueueWorkerEvent) => {
    if (event.type === 'error') {
      const now = Date.now();
      if (now - (said.get(event.message) ?? 0) < 10_000) return;
      said.set(event.message, now);
    }
    options.onEvent?.(event);
  };
  const host = hostname();
  const name = `${host}:${process.pid}`;
  const queueName = options.queue ?? SWEEP_QUEUE;
  const concurrency = options.concurrency ?? 1;
  const lockDuration = options.lockDurationMs ?? DEFAULT_LOCK_DURATION_MS;
  const execute = options.execute ?? runInChildProcess;

  // One plain connection for the heartbeat and lock checks.
  const control = new Redis(options.redis, {
    maxRetriesPerRequest: 2,
    retryStrategy: (times: number) => Math.min(500 * times, 5_000),
  });
  control.on('error', () => {});
  // The processes that may own run locks: this one and the children training runs.
  const owners = new Set([process.pid]);
  const beat = async () => {
    try {
      const batch = control.multi();
      for (const pid of owners) {
        batch.set(heartbeatKey(host, pid), JSON.stringify({ worker: name }), 'PX', lockDuration);
      }
      await batch.exec();
    } catch (error) {
      emit({ type: 'error', message: `heartbeat: ${(error as Error).message}` });
    }
  };
  await beat();
  const heartbeat = setInterval(beat, Math.max(200, lockDuration / 3));

  /** The runs in progress: their stop switches. */
  const running = new Map<string, { controller: AbortController; lockLost: boolean }>();
  let stopping = false;

  const processor = async (job: Job<SweepJobData, RunOutcome>, token?: string) => {
    const { run, sweepDir } = job.data;
    const id = run.id;
    const progress = (p: SweepJobProgress) =>
      job.updateProgress(p as unknown as object).catch((error: Error) => {
        emit({ type: 'error', message: `${id}: progress: ${error.message}` });
      });
    if (stopping) {
      await job.moveToWait(token);
      throw new WaitingError();
    }
    const dir = runDirectory(sweepDir, id);
    const lock = await inspectRunLock(dir, async (owner) =>
      owner.host === host
        ? pidAlive(owner.pid)
        : (await control.exists(heartbeatKey(owner.host, owner.pid))) === 1,
    );
    if (lock.state === 'held') {
      const delayMs = Math.max(1_000, lockDuration);
      const owner = `process ${lock.owner.pid} on ${lock.owner.host}`;
      emit({ type: 'busy', id, owner, delayMs });
      await progress({ kind: 'busy', owner, delayMs });
      await job.moveToDelayed(Date.now() + delayMs, token);
      throw new DelayedError();
    }
    if (lock.state === 'removed') {
      emit({
        type: 'lock-removed',
        id,
        owner: `process ${lock.owner.pid} on ${lock.owner.host}`,
      });
    }
    const attempt = job.attemptsMade + 1;
    const attempts = job.opts.attempts ?? 1;
    const resumeFrom = fs.existsSync(join(dir, RESULT_FILE)) ? undefined : checkpointStep(dir);
    emit({
      type: 'started',
      id,
      sweepDir,
      attempt,
      ...(resumeFrom !== undefined ? { resumeFrom } : {}),
    });
    await progress({
      kind: 'start',
      worker: name,
      attempt,
      ...(resumeFrom !== undefined ? { resumeFrom } : {}),
    });
    const entry = { controller: new AbortController(), lockLost: false };
    running.set(job.id!, entry);
    const started = Date.now();
    let lastStep = resumeFrom ?? 0;
    let lastSent = 0;
    try {
      const outcome = await execute(run, sweepDir, {
        signal: entry.controller.signal,
        onProcess: (pid, alive) => {
          if (alive) {
            owners.add(pid);
            void beat();
          } else {
            owners.delete(pid);
            void control.del(heartbeatKey(host, pid)).catch(() => 0);
          }
        },
        onStep: (step, totalSteps) => {
          lastStep = step;
          emit({ type: 'step', id, step, totalSteps });
          const now = Date.now();
          if (step === totalSteps || now - lastSent >= 1_000) {
            lastSent = now;
            void progress({ kind: 'step', step, totalSteps });
          }
        },
        onLog: (message) => {
          emit({ type: 'log', id, message });
          void progress({ kind: 'log', message });
        },
      });
      emit({ type: 'finished', id, outcome, seconds: (Date.now() - started) / 1000 });
      return outcome;
    } catch (error) {
      const err = error as Error;
      if (err.name === 'RunInterruptedError' && !entry.lockLost) {
        const step = (err as { step?: number }).step ?? lastStep;
        await progress({ kind: 'returned', worker: name, step });
        await job.moveToWait(token);
        emit({ type: 'returned', id, step });
        throw new WaitingError();
      }
      const message = entry.lockLost
        ? `${name} lost the job's lock (its event loop was blocked longer than the lock duration, or Redis was unreachable); the run was stopped at a checkpoint for another worker to resume`
        : err.message;
      const final = err.name === 'NonFiniteLossError' || attempt >= attempts;
      const retryInMs = final ? undefined : backoffDelay(job, attempt);
      emit({
        type: 'failed',
        id,
        error: message,
        attempt,
        attempts,
        ...(retryInMs !== undefined ? { retryInMs } : {}),
      });
      await progress({
        kind: 'attempt-failed',
        error: message,
        attempt,
        attempts,
        ...(retryInMs !== undefined ? { retryInMs } : {}),
      });
      // A diverged run diverges again with the same seed: no retries.
      if (err.name === 'NonFiniteLossError') throw new UnrecoverableError(message);
      throw err.message === message ? err : new Error(message);
    } finally {
      running.delete(job.id!);
    }
  };

  const worker = new Worker<SweepJobData, RunOutcome>(queueName, processor, {
    connection: bullConnection(options.redis),
    concurrency,
    name,
    lockDuration,
    stalledInterval: Math.max(500, Math.round(lockDuration / 2)),
    maxStalledCount: MAX_STALLED_COUNT,
    autorun: false,
  });
  worker.on('error', (error) => emit({ type: 'error', message: error.message }));
  worker.on('lockRenewalFailed', (jobIds: string[]) => {
    for (const jobId of jobIds) {
      const entry = running.get(jobId);
      if (entry === undefined) continue;
      entry.lockLost = true;
      entry.controller.abort();
    }
  });

  let closing: Promise<void> | undefined;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  const close = () => {
    closing ??= (async () => {
      stopping = true;
      for (const entry of running.values()) entry.controller.abort();
      try {
        await worker.close();
      } finally {
        clearInterval(heartbeat);
        await Promise.all(
          [...owners].map((pid) => control.del(heartbeatKey(host, pid)).catch(() => 0)),
        );
        control.disconnect();
        emit({ type: 'closed', worker: name });
        resolveClosed();
      }
    })();
    return closing;
  };
  if (options.signal?.aborted) {
    await close();
  } else {
    options.signal?.addEventListener('abort', () => void close(), { once: true });
    void worker.run().catch((error: Error) => {
      emit({ type: 'error', message: error.message });
      void close();
    });
    await worker.waitUntilReady();
    emit({ type: 'ready', worker: name, queue: queueName, concurrency });
  }
  return { name, close, closed };
}

/**
 * The state of a run directory's `run.lock` for a worker about to train in it: `free` (none,
 * unreadable, or left by a dead process on this host: the trainer takes that one over), `held`
 * by a live process, or `removed` (left by a process on another host that `isAlive` says is
 * gone: the file is deleted here, so the trainer can lock the directory).
 *
 * @example
 * ```ts
 * await inspectRunLock('sweeps/a/runs/k=5,seed=0', async (o) => o.host === hostname() ? pidAlive(o.pid) : false);
 * ```
 */
export async function inspectRunLock(
  runDir: string,
  isAlive: (owner: LockOwner) => Promise<boolean>,
): Promise<{ state: 'free' } | { state: 'held' | 'removed'; owner: LockOwner }> {
  const path = join(runDir, RUN_LOCK_FILE);
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch {
    return { state: 'free' };
  }
  let owner: LockOwner;
  try {
    owner = JSON.parse(text) as LockOwner;
    if (!Number.isInteger(owner.pid) || typeof owner.host !== 'string') return { state: 'free' };
  } catch {
    return { state: 'free' };
  }
  if (await isAlive(owner)) return { state: 'held', owner };
  if (owner.host === hostname()) return { state: 'free' };
  // Remove it only if it is still the same lock (no one took it meanwhile).
  try {
    if (fs.readFileSync(path, 'utf8') === text) fs.rmSync(path, { force: true });
  } catch {
    // Gone already.
  }
  return { state: 'removed', owner };
}

/** Whether process `pid` runs on this machine. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The step of a run directory's checkpoint, when it has one. */
export function checkpointStep(runDir: string): number | undefined {
  try {
    const manifest = JSON.parse(
      fs.readFileSync(join(runDir, 'checkpoint', MANIFEST_FILE), 'utf8'),
    ) as { step?: unknown };
    return typeof manifest.step === 'number' ? manifest.step : undefined;
  } catch {
    return undefined;
  }
}

/** The delay BullMQ waits before attempt `attempt + 1` (exponential: delay * 2^(attempt-1)). */
function backoffDelay(job: Job, attempt: number): number | undefined {
  const backoff = job.opts.backoff;
  if (backoff === undefined) return 0;
  if (typeof backoff === 'number') return backoff;
  const delay = backoff.delay ?? 0;
  return backoff.type === 'exponential' ? delay * 2 ** (attempt - 1) : delay;
}

/**
 * Train one run with {@link runOne} in a new child process (the local pool's `sweep-worker`
 * entry, over its IPC protocol), relaying steps and notes. `signal` stops the run after its
 * step with a checkpoint ({@link RunInterruptedError}). The child stops the same way when this
 * process dies (its IPC channel closes), so a killed worker leaves no run training behind.
 *
 * @throws RunInterruptedError when stopped; Error with the run's error, or the child's last
 *   output when it died.
 */
export function runInChildProcess(
  run: PlannedRun,
  sweepDir: string,
  options: RunOneOptions & { onProcess?: (pid: number, alive: boolean) => void } = {},
): Promise<RunOutcome> {
  return new Promise<RunOutcome>((resolve, reject) => {
    const { modulePath, execArgv } = childEntry();
    const child = fork(modulePath, [], {
      execArgv,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    if (child.pid !== undefined) options.onProcess?.(child.pid, true);
    let output = '';
    let settled: { ok: RunOutcome } | { error: Error } | undefined;
    const onOutput = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output = (output + text).slice(-4000);
      for (const line of text.split('\n')) if (line.trim() !== '') options.onLog?.(line);
    };
    child.stdout?.on('data', onOutput);
    child.stderr?.on('data', onOutput);
    const send = (request: PoolRequest) => {
      if (child.connected) child.send(request);
    };
    const onAbort = () => send({ type: 'stop' });
    child.on('message', (reply: PoolReply) => {
      switch (reply.type) {
        case 'ready':
          send({ type: 'run', run, sweepDir });
          if (options.signal?.aborted) onAbort();
          else options.signal?.addEventListener('abort', onAbort, { once: true });
          return;
        case 'step':
          options.onStep?.(reply.step, reply.totalSteps);
          return;
        case 'log':
          options.onLog?.(reply.message);
          return;
        case 'done':
          settled = { ok: reply.outcome };
          break;
        case 'interrupted':
          settled = {
            error: new RunInterruptedError(reply.id, reply.step, runDirectory(sweepDir, run.id)),
          };
          break;
        case 'failed': {
          const error = new Error(reply.error);
          // The trainer's NonFiniteLossError, by its message (the class does not cross IPC).
          if (/^training diverged at step \d+/.test(reply.error)) error.name = 'NonFiniteLossError';
          settled = { error };
          break;
        }
      }
      send({ type: 'stop' });
    });
    child.on('exit', (code, signal) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (child.pid !== undefined) options.onProcess?.(child.pid, false);
      if (settled !== undefined && 'ok' in settled) return resolve(settled.ok);
      if (settled !== undefined) return reject(settled.error);
      const how = signal !== null ? `signal ${signal}` : `code ${code}`;
      const tail = output.trim().split('\n').slice(-5).join('\n') || '(no output)';
      reject(new Error(`the process training ${run.id} exited with ${how}: ${tail}`));
    });
    child.on('error', (error) => {
      output += `\n${error.message}`;
    });
  });
}

/**
 * The local pool's worker entry and Node flags: the built `sweep-worker.js` beside this module,
 * or from TypeScript sources (tests, development) `sweep-worker.ts` under tsx's loader with the
 * `@vaekit/source` condition.
 */
function childEntry(): { modulePath: string; execArgv: string[] } {
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
