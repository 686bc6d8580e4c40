import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { WorkerInit } from './protocol';

/**
 * A worker running the entry module `data-parallel-worker`. From TypeScript sources (tests,
 * benchmarks) the worker first registers tsx's loader and resolves workspace packages to their
 * sources (the `@vaekit/source` condition), as this thread does.
 */
function spawnWorker(init: WorkerInit): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) {
    return new Worker(new URL('./data-parallel-worker.js', here), { workerData: init });
  }
  const entry = new URL('./data-parallel-worker.ts', here).href;
  // tsx's ES-module API (its package resolves the CommonJS build for require()).
  const tsx = pathToFileURL(
    createRequire(here)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, {
    eval: true,
    workerData: init,
    execArgv: ['--conditions=@vaekit/source'],
  });
}

/** Start a worker with a replica of the model (`init`) and wait until it is ready. */
export async function startWorker(init: WorkerInit): Promise<Worker> {
  const worker = spawnWorker(init);
  await new Promise<void>((resolve, reject) => {
    const onMessage = (message: { type: string; error?: string }) => {
      worker.off('error', onError);
      worker.off('message', onMessage);
      if (message.type === 'ready') resolve();
      else reject(new Error(`data-parallel worker failed to start: ${message.error}`));
    };
    const onError = (error: Error) => {
      worker.off('message', onMessage);
      reject(error);
    };
    worker.on('message', onMessage);
    worker.once('error', onError);
  });
  return worker;
}

/** A message a worker sends while it works on request `id` (evaluation batches done). */
interface ProgressMessage {
  type: 'progress';
  id: number;
  done: number;
}

/**
 * Send `request` to a worker and resolve with its reply (the first message with the request's
 * id that is not progress); a reply `{ type: 'error' }`, the worker failing or a worker that
 * has exited or exits before answering rejects, naming `what`. Progress messages go to `onProgress`.
 */
export function callWorker<Reply extends { type: string; id: number }>(
  worker: Worker,
  request: { id: number },
  transfer: ArrayBuffer[],
  what: string,
  onProgress?: (done: number) => void,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    if (worker.threadId === -1) {
      reject(new Error(`${what}: the worker thread has exited`));
      return;
    }
    const onMessage = (
      reply: Reply | ProgressMessage | { type: 'error'; id: number; error: string },
    ) => {
      if (reply.id !== request.id) return;
      if (reply.type === 'progress') {
        onProgress?.((reply as ProgressMessage).done);
        return;
      }
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      if (reply.type === 'error') {
        reject(new Error(`${what}: ${(reply as { error: string }).error}`));
      } else {
        resolve(reply as Reply);
      }
    };
    const onError = (error: Error) => {
      worker.off('message', onMessage);
      worker.off('exit', onExit);
      reject(error);
    };
    // A worker that stopped (terminated, or out of memory) answers nothing: fail, not hang.
    const onExit = (code: number) => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      reject(new Error(`${what}: the worker thread exited (code ${code}) before answering`));
    };
    worker.on('message', onMessage);
    worker.once('error', onError);
    worker.once('exit', onExit);
    worker.postMessage(request, transfer);
  });
}
