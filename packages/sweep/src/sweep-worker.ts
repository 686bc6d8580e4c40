/**
 * A worker process of the local pool (started by {@link runSweepLocally} with
 * `child_process.fork`): trains the runs the pool sends, one at a time, with {@link runOne}, and
 * reports steps, notes and outcomes over the IPC channel.
 *
 * A `stop` message (or the pool going away) stops the current run after its step, with a
 * checkpoint. Ctrl-C in a terminal reaches the whole process group: the first SIGINT is left to
 * the pool, which sends `stop` to every worker (so a run it is handing out is never lost); a
 * second one quits at once.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { PoolReply, PoolRequest } from './internal/pool-protocol';
import { RunInterruptedError, runOne } from './run-one';

/** Least time between two step reports of a run, in ms (the last step is always reported). */
const STEP_REPORT_MS = 200;

tf.env().set('PROD', true);
let current: AbortController | undefined;
let stopping = false;

/** Send a reply; resolves once it is handed to the channel (so exiting after it loses nothing). */
const send = (reply: PoolReply) =>
  new Promise<void>((resolve) => {
    if (!process.connected) resolve();
    else process.send!(reply, undefined, {}, () => resolve());
  });

const stop = () => {
  stopping = true;
  current?.abort();
  if (current === undefined) process.exit(0);
};

let interrupts = 0;
process.on('SIGINT', () => {
  interrupts++;
  if (interrupts >= 2) process.exit(130);
});
process.on('disconnect', stop);
process.on('message', (request: PoolRequest) => {
  if (request.type === 'stop') stop();
  else if (request.type === 'run') void train(request.run, request.sweepDir);
});

async function train(run: Extract<PoolRequest, { type: 'run' }>['run'], sweepDir: string) {
  const controller = new AbortController();
  current = controller;
  if (stopping) controller.abort();
  let lastReport = 0;
  try {
    const outcome = await runOne(run, sweepDir, {
      signal: controller.signal,
      onStep: (step, totalSteps) => {
        const now = Date.now();
        if (step === totalSteps || now - lastReport >= STEP_REPORT_MS) {
          lastReport = now;
          void send({ type: 'step', id: run.id, step, totalSteps });
        }
      },
      onLog: (message) => void send({ type: 'log', id: run.id, message }),
    });
    await send({ type: 'done', outcome });
  } catch (error) {
    if (error instanceof RunInterruptedError) {
      await send({ type: 'interrupted', id: run.id, step: error.step });
    } else {
      await send({ type: 'failed', id: run.id, error: (error as Error).message ?? String(error) });
    }
  } finally {
    current = undefined;
  }
  if (stopping || !process.connected) process.exit(0);
}

void send({ type: 'ready', pid: process.pid });
