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
