import { join } from 'node:path';
import {
  type QueueSweepResult,
  RedisUrlError,
  SWEEP_QUEUE,
  type SweepSpec,
  checkRedisUrl,
  collectResults,
  redactRedisUrl,
  resultsMarkdown,
  runSweepOnQueue,
  sweepNotes,
} from '@vaekit/sweep';
import { type FlagSpec, UsageError } from '../flags';
import { duration } from '../progress';
import { SweepProgress } from '../sweep-progress';
import type { CommandContext } from './context';

/** How long `sweep run --redis` waits for a first worker before saying how to start one (ms). */
const NO_WORKER_HINT_MS = 30_000;

/** The `--redis` flag of `vaekit sweep run`. */
export const SWEEP_REDIS_FLAG: FlagSpec = {
  name: 'redis',
  type: 'string',
  placeholder: '<url>',
  help: "put the runs on a queue in Redis (redis://host:port) for 'vaekit worker' processes on any machines that see --out at the same path, and wait for them",
};

/** A usage error (exit 2) unless `redis` is a Redis URL; checks that `--workers` is not given too. */
export function checkSweepRedisFlags(redis: string, values: Record<string, unknown>): void {
  try {
    checkRedisUrl(redis);
  } catch (error) {
    if (error instanceof RedisUrlError) throw new UsageError(`--redis: ${error.message}`);
    throw error;
  }
  if (values['workers'] !== undefined) {
    throw new UsageError(
      "--workers sizes the local pool; with --redis the runs are trained by 'vaekit worker --redis <url> [--concurrency <n>]' processes",
    );
  }
}

/**
 * `vaekit sweep run <file> --out <dir> --redis <url>`: queue the sweep's runs on Redis, show
 * their progress as the local pool does, and print the results table. Exit 0 when every run
 * finished, 1 when one failed for good, 130 on Ctrl-C (the runs no worker started are taken off
 * the queue; the same command continues the sweep).
 */
export async function sweepRunOnRedis(
  spec: SweepSpec,
  file: string,
  out: string,
  redis: string,
  quiet: boolean,
  ctx: CommandContext,
): Promise<number> {
  const started = Date.now();
  const progress = new SweepProgress(ctx.stderr, { quiet, metrics: spec.metrics });
  for (const note of sweepNotes(spec)) progress.log(`note: ${note}`);
  const where = redactRedisUrl(redis);
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    progress.log(
      'interrupt: taking the runs no worker has started off the queue; runs in progress finish on their workers (Ctrl-C again to quit now); continue with the same command',
    );
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  let anyStarted = false;
  let hint: NodeJS.Timeout | undefined;
  let result: QueueSweepResult;
  try {
    result = await runSweepOnQueue(spec, {
      out,
      redis,
      signal: controller.signal,
      onEvent: (e) => {
        switch (e.type) {
          case 'queued': {
            const pending = e.total - e.finished;
            progress.start(e.total, e.finished, pending);
            const parts = [
              e.finished > 0 ? `${e.finished} finished before` : '',
              e.queued > 0 ? `${e.queued} queued` : '',
              e.retried > 0 ? `${e.retried} failed before, queued again` : '',
              e.inProgress > 0 ? `${e.inProgress} on the queue already` : '',
            ].filter((p) => p !== '');
            progress.log(
              `vaekit sweep: ${spec.name}, ${e.total} runs (${parts.join(', ')}), on ${where} (queue ${SWEEP_QUEUE}), ${out}`,
            );
            if (pending > 0) {
              hint = setTimeout(() => {
                if (!anyStarted) {
                  progress.log(
                    `waiting for workers: start them with 'vaekit worker --redis ${where}' on machines that see ${out} at this path`,
                  );
                }
              }, NO_WORKER_HINT_MS);
              hint.unref();
            }
            return;
          }
          case 'started':
            anyStarted = true;
            progress.runStarted(e.id);
            progress.log(
              `  ${e.id}: on worker ${e.worker}${e.attempt > 1 ? `, attempt ${e.attempt}` : ''}${e.resumeFrom !== undefined ? `, resuming from its checkpoint at step ${e.resumeFrom}` : ''}`,
            );
            return;
          case 'step':
            progress.step(e.id, e.step, e.totalSteps);
            return;
          case 'finished':
            if (!e.before) progress.runDone(e.outcome);
            return;
          case 'failed':
            progress.runFailed(e.id, e.error);
            return;
          case 'attempt-failed':
            progress.log(
              `  ${e.id}: attempt ${e.attempt} of ${e.attempts} failed: ${e.error}${e.retryInMs !== undefined ? `; retried in ${duration(e.retryInMs / 1000)}` : ''}`,
            );
            return;
          case 'stalled':
            progress.log(
              `  ${e.id}: its worker stopped answering (killed?); the run goes back to the queue and resumes from its last checkpoint`,
            );
            return;
          case 'returned':
            progress.log(
              `  ${e.id}: worker ${e.worker} stopped at step ${e.step} (checkpoint saved); back in the queue`,
            );
            return;
          case 'busy':
            progress.log(
              `  ${e.id}: its run directory is locked by ${e.owner}; trying again in ${duration(e.delayMs / 1000)}`,
            );
            return;
          case 'log':
            // The trainer's list of the files it wrote is the same for every run.
            if (!/^wrote /.test(e.message)) progress.log(`  ${e.id}: ${e.message}`);
            return;
          case 'error':
            progress.log(`warning: Redis: ${e.message}`);
            return;
        }
      },
    });
  } finally {
    clearTimeout(hint);
    process.off('SIGINT', onSigint);
    progress.done();
  }
  const results = collectResults(spec, out);
  const table = resultsMarkdown(results).split('\n').slice(2).join('\n');
  ctx.stdout.write(`\n${table}\nwrote ${results.files.map((f) => join(out, f)).join(', ')}\n`);
  const took = `${duration((Date.now() - started) / 1000)} wall clock`;
  const failed = result.runs.filter((r) => r.error !== undefined);
  if (result.interrupted) {
    ctx.stdout.write(
      `interrupted after ${took}: ${results.missing.length} runs left. Continue with: vaekit sweep run ${file} --out ${out} --redis ${where}\n`,
    );
    return 130;
  }
  if (failed.length > 0) {
    ctx.stdout.write(
      `${failed.length} run${failed.length === 1 ? '' : 's'} failed after every attempt (${took}):\n${failed.map((f) => `  ${f.run.id}: ${f.error}`).join('\n')}\nFix the cause, then run the same command: the others are kept, the failed ones are queued again.\n`,
    );
    return 1;
  }
  ctx.stdout.write(`done in ${took}\n`);
  return 0;
}
