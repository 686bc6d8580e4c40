import {
  DEFAULT_LOCK_DURATION_MS,
  type QueueWorkerEvent,
  RedisUrlError,
  SWEEP_QUEUE,
  checkRedisUrl,
  redactRedisUrl,
  startQueueWorker,
} from '@vaekit/sweep';
import { type FlagSpec, UsageError, formatFlagHelp, parseFlags } from '../flags';
import type { CommandContext } from './context';

const WORKER_FLAGS: readonly FlagSpec[] = [
  {
    name: 'redis',
    type: 'string',
    placeholder: '<url>',
    help: 'the Redis the sweeps queue their runs on: redis://host:port (required)',
  },
  {
    name: 'concurrency',
    type: 'integer',
    placeholder: '<n>',
    min: 1,
    max: 256,
    help: 'runs trained at once by this worker, each in its own process (default 1)',
  },
  {
    name: 'lock-seconds',
    type: 'number',
    placeholder: '<s>',
    min: 1,
    max: 86_400,
    help: `how long a run stays claimed by this worker without a sign of life; a worker killed mid-run has its run resumed by another after about this long (default ${DEFAULT_LOCK_DURATION_MS / 1000})`,
  },
  { name: 'quiet', type: 'boolean', help: 'print only failures and errors' },
  { name: 'help', type: 'boolean', help: 'show this help' },
];

export const WORKER_HELP = `Usage: vaekit worker --redis <url> [options]

Take runs of sweeps from the queue on Redis (put there by 'vaekit sweep run --redis') and train
them, until Ctrl-C. Start any number of workers, on any machines that see the sweep directories
at the same path (a shared file system such as NFS): each run trains in <sweep>/runs/<id> and
writes its result.json there.

A worker killed mid-run (kill -9, a crash, a lost machine) leaves its run to another worker,
which resumes it from its last checkpoint. A failed run is retried with exponential backoff.
Ctrl-C (or SIGTERM) stops gracefully: runs in progress save a checkpoint and go back to the
queue; a second Ctrl-C quits at once.

Options:
${formatFlagHelp(WORKER_FLAGS)}

Examples:
  redis-server --bind 0.0.0.0 --protected-mode no --port 6379   # once, on the queue machine
  vaekit worker --redis redis://10.0.0.5:6379                   # on each training machine
  vaekit worker --redis redis://10.0.0.5:6379 --concurrency 4
`;

/** `vaekit worker`: train runs from the sweep queue until Ctrl-C. */
export async function workerCommand(argv: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseFlags(argv, WORKER_FLAGS);
  if (values['help']) {
    ctx.stdout.write(WORKER_HELP);
    return 0;
  }
  if (positionals.length > 0) {
    throw new UsageError(`vaekit worker takes no positional arguments, got '${positionals[0]}'`);
  }
  const redis = values['redis'] as string | undefined;
  if (redis === undefined) {
    throw new UsageError('--redis <url> is required: the Redis of the queue, redis://host:port');
  }
  try {
    checkRedisUrl(redis);
  } catch (error) {
    if (error instanceof RedisUrlError) throw new UsageError(`--redis: ${error.message}`);
    throw error;
  }
  const concurrency = (values['concurrency'] as number | undefined) ?? 1;
  const lockSeconds = values['lock-seconds'] as number | undefined;
  const quiet = values['quiet'] === true;
  const say = (line: string) => {
    if (!quiet) ctx.stderr.write(`${line}\n`);
  };
  const warn = (line: string) => ctx.stderr.write(`${line}\n`);

  const controller = new AbortController();
  let interrupted = false;
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(130);
    interrupted = true;
    warn(
      'interrupt: runs in progress save a checkpoint and go back to the queue (Ctrl-C again to quit now)',
    );
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const lastStepLine = new Map<string, number>();
  try {
    const worker = await startQueueWorker({
      redis,
      concurrency,
      signal: controller.signal,
      ...(lockSeconds !== undefined ? { lockDurationMs: Math.round(lockSeconds * 1000) } : {}),
      onEvent: (e: QueueWorkerEvent) => {
        switch (e.type) {
          case 'ready':
            say(
              `vaekit worker ${e.worker}: taking runs from ${redactRedisUrl(redis)} (queue ${SWEEP_QUEUE}), ${e.concurrency} at a time; Ctrl-C stops`,
            );
            break;
          case 'started':
            say(
              `start ${e.sweepDir}/runs/${e.id}${e.attempt > 1 ? ` (attempt ${e.attempt})` : ''}${e.resumeFrom !== undefined ? `, resuming from its checkpoint at step ${e.resumeFrom}` : ''}`,
            );
            break;
          case 'step': {
            const now = Date.now();
            if (e.step === e.totalSteps || now - (lastStepLine.get(e.id) ?? 0) >= 10_000) {
              lastStepLine.set(e.id, now);
              say(`  ${e.id}: step ${e.step}/${e.totalSteps}`);
            }
            break;
          }
          case 'log':
            say(`  ${e.id}: ${e.message}`);
            break;
          case 'finished':
            lastStepLine.delete(e.id);
            say(
              `done ${e.id}: NLL ${fmt(e.outcome.metrics['nll'])}, ${e.outcome.steps} steps, ${e.seconds.toFixed(1)} s`,
            );
            break;
          case 'failed':
            warn(
              `failed ${e.id} (attempt ${e.attempt} of ${e.attempts}): ${e.error}${e.retryInMs !== undefined ? `; retried in ${(e.retryInMs / 1000).toFixed(0)} s` : ''}`,
            );
            break;
          case 'returned':
            say(`returned ${e.id} to the queue at step ${e.step} (checkpoint saved)`);
            break;
          case 'busy':
            say(
              `busy ${e.id}: its run directory is locked by ${e.owner}; back to the queue for ${(e.delayMs / 1000).toFixed(0)} s`,
            );
            break;
          case 'lock-removed':
            say(`  ${e.id}: removed the lock of ${e.owner}, a worker that no longer runs`);
            break;
          case 'error':
            warn(`warning: ${e.message}`);
            break;
          case 'closed':
            say(`vaekit worker ${e.worker}: closed`);
            break;
        }
      },
    });
    await worker.closed;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return interrupted ? 130 : 0;
}

function fmt(x: number | undefined): string {
  return x === undefined ? '-' : x.toFixed(2);
}
