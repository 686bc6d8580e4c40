import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type { PlannedRun } from './sweep-spec';

/**
 * The BullMQ queue every sweep and every worker shares: a job names its sweep directory, so
 * workers need no sweep name and one set of workers serves any number of sweeps.
 */
export const SWEEP_QUEUE = 'vaekit-sweep';

/** What a job of the sweep queue carries: one planned run and where its sweep lives. */
export interface SweepJobData {
  /** The sweep's name (for messages). */
  sweep: string;
  /**
   * The sweep directory, an absolute path every worker sees at the same place (a shared file
   * system: NFS, a cluster file system, or one machine's disk when all workers run there). The
   * run trains in `<sweepDir>/runs/<id>` and leaves its `result.json` there.
   */
  sweepDir: string;
  run: PlannedRun;
}

/**
 * What a worker reports on a job with `job.updateProgress`, read back by the sweep through
 * `QueueEvents` `progress` events.
 */
export type SweepJobProgress =
  /** A worker took the run; `resumeFrom`: the checkpoint's step it continues from. */
  | { kind: 'start'; worker: string; attempt: number; resumeFrom?: number }
  | { kind: 'step'; step: number; totalSteps: number }
  /** A note of the trainer (a checkpoint resumed, a lock taken over, a setting changed). */
  | { kind: 'log'; message: string }
  /** The run's directory is locked by a live process: the job waits `delayMs` and comes back. */
  | { kind: 'busy'; owner: string; delayMs: number }
  /** An attempt failed; `retryInMs` when another attempt follows. */
  | { kind: 'attempt-failed'; error: string; attempt: number; attempts: number; retryInMs?: number }
  /** The worker stopped (Ctrl-C): the run checkpointed at `step` and its job is back in the queue. */
  | { kind: 'returned'; worker: string; step: number };

/**
 * The job id of a run: deterministic, so adding the same run again is a no-op and re-running a
 * sweep continues it. It names the run and hashes the absolute sweep directory and the run's
 * configuration, so two sweeps (or the same run id with other settings) never share a job.
 *
 * @example
 * ```ts
 * sweepJobId('/shared/sweeps/iwae', run); // 'objective=iwae,k=5,seed=1@3f2a9c01d4e5b6a7'
 * ```
 */
export function sweepJobId(sweepDir: string, run: PlannedRun): string {
  const hash = createHash('sha256')
    .update(resolve(sweepDir))
    .update('\0')
    .update(JSON.stringify(run.config))
    .digest('hex')
    .slice(0, 16);
  // BullMQ refuses ':' in custom ids; run ids never hold one (runId replaces it), but be sure.
  return `${run.id.replaceAll(':', '_')}@${hash}`;
}

/** The Redis key a worker process keeps alive while it may own run locks (see queue-worker). */
export function heartbeatKey(host: string, pid: number): string {
  return `${SWEEP_QUEUE}:heartbeat:${host}:${pid}`;
}
