import { resolve } from 'node:path';
import { type Job, Queue, QueueEvents } from 'bullmq';
import {
  SWEEP_QUEUE,
  type SweepJobData,
  type SweepJobProgress,
  sweepJobId,
} from './queue-protocol';
import { DEFAULT_ATTEMPTS, DEFAULT_BACKOFF_MS } from './queue-worker';
import { bullConnection, pingRedis } from './redis-connection';
import { type RunOutcome, readRunOutcome } from './run-one';
import { openSweepDirectory } from './sweep-directory';
import { type PlannedRun, type SweepSpec, planSweep } from './sweep-spec';

/** Options of {@link runSweepOnQueue}. */
export interface QueueSweepOptions {
  /**
   * The sweep directory: runs train in `<out>/runs/<id>`. Every worker must see it at the same
   * absolute path (a shared file system such as NFS when workers run on other machines).
   */
  out: string;
  /** The Redis of the queue: `redis://host:port`. */
  redis: string;
  /**
   * Stop waiting: the sweep's runs that no worker has started are taken off the queue; runs in
   * progress finish on their workers. Running the sweep again continues it.
   */
  signal?: AbortSignal;
  onEvent?: (event: QueueSweepEvent) => void;
  /** How often a failing run is tried in all (default 3). */
  attempts?: number;
  /** The first retry's delay, doubling with each further one (ms, default 10 s). */
  backoffMs?: number;
  /** The queue's name (default {@link SWEEP_QUEUE}). */
  queue?: string;
}

/** What happens to a sweep's runs on the queue, as {@link runSweepOnQueue} reports it. */
export type QueueSweepEvent =
  /** The sweep is on the queue: `queued` new jobs, `retried` failed ones queued again, `finished` runs done before. */
  | {
      type: 'queued';
      /** The directory held this sweep already (it is being continued). */
      continued: boolean;
      total: number;
      queued: number;
      retried: number;
      finished: number;
      inProgress: number;
    }
  /** A worker took a run; `resumeFrom` is the checkpoint's step it continues from. */
  | { type: 'started'; id: string; worker: string; attempt: number; resumeFrom?: number }
  | { type: 'step'; id: string; step: number; totalSteps: number }
  | { type: 'log'; id: string; message: string }
  /** A run's directory is locked by a live process: its job waits and comes back. */
  | { type: 'busy'; id: string; owner: string; delayMs: number }
  /** An attempt failed; another follows after `retryInMs` unless it was the last. */
  | {
      type: 'attempt-failed';
      id: string;
      error: string;
      attempt: number;
      attempts: number;
      retryInMs?: number;
    }
  /** The worker of a run stopped answering (killed, crashed): the run goes back to the queue. */
  | { type: 'stalled'; id: string }
  /** A worker was stopped (Ctrl-C): the run checkpointed at `step` and is back in the queue. */
  | { type: 'returned'; id: string; worker: string; step: number }
  /** A run finished; `before`: it had finished before this call (its result.json was there). */
  | { type: 'finished'; id: string; outcome: RunOutcome; before: boolean }
  /** A run failed for good: every attempt failed (or it diverged). */
  | { type: 'failed'; id: string; error: string }
  /** Redis trouble while waiting (BullMQ reconnects by itself); each message once per 10 s. */
  | { type: 'error'; message: string };

/** One run of a sweep and how it ended. */
export interface QueueRunResult {
  run: PlannedRun;
  /** Its outcome (from its result.json), when it finished. */
  outcome?: RunOutcome;
  /** Why it failed, when every attempt failed. */
  error?: string;
}

/** What {@link runSweepOnQueue} returns. */
export interface QueueSweepResult {
  /** The sweep directory (absolute). */
  sweepDir: string;
  /** Every planned run, in plan order, with its outcome or error (neither when interrupted before it ended). */
  runs: QueueRunResult[];
  /** Whether `signal` stopped the wait before every run ended. */
  interrupted: boolean;
}

/**
 * Run a sweep on a BullMQ queue in Redis: one job per planned run, trained by any number of
 * `vaekit worker` processes (see {@link startQueueWorker}) on any machines that see the sweep
 * directory `out` at the same path; wait for every run and return the outcomes, read from the
 * runs' `result.json` files.
 *
 * - Job ids are deterministic ({@link sweepJobId}): running the same sweep again adds nothing
 *   that is queued or running, queues failed runs again, and trains no finished run (a run
 *   whose `result.json` exists is reported at once). An interrupted sweep continues this way.
 * - Each job has `attempts` (default 3) with exponential `backoff` (10 s, 20 s, ...); a run
 *   that exhausted them is reported with its error, the others still run.
 * - Progress comes from `QueueEvents`: a run started (and from which checkpoint), its steps,
 *   the trainer's notes, retries, stalled workers, finished and failed runs.
 *
 * @throws RedisUrlError for a malformed URL; RedisUnreachableError when Redis does not answer
 *   within 5 s (before anything is queued or written); SweepError when `out` holds another
 *   sweep or is not a sweep directory.
 * @example
 * ```ts
 * const { runs } = await runSweepOnQueue(loadSweepFile('sweep.yaml'), {
 *   out: '/shared/sweeps/iwae',
 *   redis: 'redis://10.0.0.5:6379',
 *   onEvent: (e) => e.type === 'finished' && console.log(e.id, e.outcome.metrics.nll),
 * });
 * ```
 */
export async function runSweepOnQueue(
  spec: SweepSpec,
  options: QueueSweepOptions,
): Promise<QueueSweepResult> {
  const plan = planSweep(spec);
  await pingRedis(options.redis);
  const emit = (event: QueueSweepEvent) => options.onEvent?.(event);
  const sweepDir = resolve(options.out);
  const { continued } = openSweepDirectory(spec, sweepDir);
  const queueName = options.queue ?? SWEEP_QUEUE;
  const connection = bullConnection(options.redis);
  const queue = new Queue<SweepJobData, RunOutcome>(queueName, { connection });
  const events = new QueueEvents(queueName, { connection });
  // Connection trouble after the start (BullMQ reconnects on its own): said once per message.
  const said = new Map<string, number>();
  const report = (error: Error) => {
    const now = Date.now();
    if (now - (said.get(error.message) ?? 0) < 10_000) return;
    said.set(error.message, now);
    emit({ type: 'error', message: error.message });
  };
  queue.on('error', report);
  events.on('error', report);

  const runByJob = new Map<string, PlannedRun>();
  for (const run of plan) runByJob.set(sweepJobId(sweepDir, run), run);
  const results = new Map<string, QueueRunResult>();
  const pending = new Set(runByJob.keys());
  let wake: () => void = () => {};
  const settle = (jobId: string, result: Omit<QueueRunResult, 'run'>, before = false) => {
    if (!pending.delete(jobId)) return;
    const run = runByJob.get(jobId)!;
    results.set(jobId, { run, ...result });
    if (result.outcome !== undefined) {
      emit({ type: 'finished', id: run.id, outcome: result.outcome, before });
    } else {
      emit({ type: 'failed', id: run.id, error: result.error ?? 'failed' });
    }
    if (pending.size === 0) wake();
  };
  const completed = async (jobId: string, returnvalue?: RunOutcome) => {
    const run = runByJob.get(jobId)!;
    // A shared file system may show result.json a moment after the job completes.
    for (let tries = 0; tries < 10; tries++) {
      const outcome = safeReadOutcome(sweepDir, run.id);
      if (outcome !== undefined) return settle(jobId, { outcome });
      await sleep(200);
    }
    if (returnvalue !== undefined && typeof returnvalue === 'object') {
      return settle(jobId, { outcome: returnvalue });
    }
    return settle(jobId, {
      error: `the job completed but ${run.id}/result.json cannot be read in ${sweepDir}: is the sweep directory shared with the workers at the same path?`,
    });
  };

  try {
    events.on('completed', ({ jobId, returnvalue }) => {
      if (pending.has(jobId)) void completed(jobId, returnvalue as RunOutcome | undefined);
    });
    events.on('failed', ({ jobId, failedReason }) => {
      if (pending.has(jobId)) settle(jobId, { error: failedReason });
    });
    events.on('stalled', ({ jobId }) => {
      const run = runByJob.get(jobId);
      if (run !== undefined && pending.has(jobId)) emit({ type: 'stalled', id: run.id });
    });
    events.on('progress', ({ jobId, data }) => {
      const run = runByJob.get(jobId);
      if (run === undefined || !pending.has(jobId)) return;
      const p = data as SweepJobProgress;
      const id = run.id;
      switch (p?.kind) {
        case 'start':
          emit({
            type: 'started',
            id,
            worker: p.worker,
            attempt: p.attempt,
            ...(p.resumeFrom !== undefined ? { resumeFrom: p.resumeFrom } : {}),
          });
          break;
        case 'step':
          emit({ type: 'step', id, step: p.step, totalSteps: p.totalSteps });
          break;
        case 'log':
          emit({ type: 'log', id, message: p.message });
          break;
        case 'busy':
          emit({ type: 'busy', id, owner: p.owner, delayMs: p.delayMs });
          break;
        case 'attempt-failed':
          emit({
            type: 'attempt-failed',
            id,
            error: p.error,
            attempt: p.attempt,
            attempts: p.attempts,
            ...(p.retryInMs !== undefined ? { retryInMs: p.retryInMs } : {}),
          });
          break;
        case 'returned':
          emit({ type: 'returned', id, worker: p.worker, step: p.step });
          break;
      }
    });
    await events.waitUntilReady();
    await queue.waitUntilReady();

    // Queue what is not finished; note what is.
    const counts = { queued: 0, retried: 0, finished: 0, inProgress: 0 };
    const jobOptions = {
      attempts: Math.max(1, options.attempts ?? DEFAULT_ATTEMPTS),
      backoff: { type: 'exponential', delay: options.backoffMs ?? DEFAULT_BACKOFF_MS },
      // Finished jobs are kept a week (re-adding one is then a no-op); failed ones until retried.
      removeOnComplete: { age: 7 * 24 * 3600 },
      removeOnFail: false,
    };
    const finishedBefore: [string, RunOutcome][] = [];
    const entries = [...runByJob.entries()];
    for (let i = 0; i < entries.length; i += 100) {
      await Promise.all(
        entries.slice(i, i + 100).map(async ([jobId, run]) => {
          const saved = safeReadOutcome(sweepDir, run.id);
          if (saved !== undefined) {
            counts.finished++;
            finishedBefore.push([jobId, saved]);
            return;
          }
          const data: SweepJobData = { sweep: spec.name, sweepDir, run };
          const existing = (await queue.getJob(jobId)) as Job<SweepJobData, RunOutcome> | undefined;
          const state = existing ? await existing.getState() : 'unknown';
          if (existing === undefined || state === 'unknown') {
            await queue.add('run', data, { ...jobOptions, jobId });
            counts.queued++;
          } else if (state === 'failed') {
            await existing.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
            counts.retried++;
          } else if (state === 'completed') {
            // Finished, but its result.json is gone (the run directory was deleted): train again.
            await existing.remove();
            await queue.add('run', data, { ...jobOptions, jobId });
            counts.queued++;
          } else {
            counts.inProgress++;
          }
        }),
      );
    }
    emit({ type: 'queued', continued, total: plan.length, ...counts });
    for (const [jobId, outcome] of finishedBefore) settle(jobId, { outcome }, true);

    // Catch jobs that ended before the events were read, now and every 10 s.
    const reconcile = async () => {
      const ids = [...pending];
      for (let i = 0; i < ids.length; i += 100) {
        await Promise.all(
          ids.slice(i, i + 100).map(async (jobId) => {
            const state = await queue.getJobState(jobId);
            if (state === 'completed') await completed(jobId);
            else if (state === 'failed') {
              const job = await queue.getJob(jobId);
              settle(jobId, { error: job?.failedReason ?? 'failed' });
            }
          }),
        );
      }
    };
    let interrupted = false;
    if (pending.size > 0) {
      const done = new Promise<void>((resolveDone) => {
        wake = resolveDone;
      });
      const onAbort = () => {
        interrupted = true;
        wake();
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      if (options.signal?.aborted) onAbort();
      const timer = setInterval(() => void reconcile().catch(report), 10_000);
      void reconcile().catch(report);
      try {
        await done;
      } finally {
        clearInterval(timer);
        options.signal?.removeEventListener('abort', onAbort);
      }
    }
    if (interrupted && pending.size > 0) {
      // Take the runs no worker has started off the queue; running ones finish where they are.
      await Promise.all([...pending].map((jobId) => queue.remove(jobId).catch(() => 0)));
    }
    return {
      sweepDir,
      runs: plan.map((run) => results.get(sweepJobId(sweepDir, run)) ?? { run }),
      interrupted: interrupted && pending.size > 0,
    };
  } finally {
    await Promise.allSettled([events.close(), queue.close()]);
  }
}

/** A run's saved outcome, or undefined when it has none (or it cannot be read). */
function safeReadOutcome(sweepDir: string, id: string): RunOutcome | undefined {
  try {
    return readRunOutcome(sweepDir, id);
  } catch {
    return undefined;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
