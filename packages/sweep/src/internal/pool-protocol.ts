// Messages between the local pool (runSweepLocally) and its worker processes (sweep-worker.ts),
// over the IPC channel of child_process.fork.
import type { RunOutcome } from '../run-one';
import type { PlannedRun } from '../sweep-spec';

/** From the pool to a worker. */
export type PoolRequest =
  /** Train this run (runOne) in `sweepDir`. */
  | { type: 'run'; run: PlannedRun; sweepDir: string }
  /** Stop the current run after its step (it checkpoints), take no more, and exit. */
  | { type: 'stop' };

/** From a worker to the pool. */
export type PoolReply =
  | { type: 'ready'; pid: number }
  | { type: 'step'; id: string; step: number; totalSteps: number }
  | { type: 'log'; id: string; message: string }
  | { type: 'done'; outcome: RunOutcome }
  | { type: 'interrupted'; id: string; step: number }
  | { type: 'failed'; id: string; error: string };
