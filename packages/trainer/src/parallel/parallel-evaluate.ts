import type { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { activeBackendChoice } from '@vaekit/backend';
import {
  type DataSplit,
  type EvaluateOptions,
  type EvaluationPart,
  type EvaluationResult,
  combineEvaluation,
  evaluate,
} from '@vaekit/core';
import {
  type ParallelModel,
  modelSpec,
  modelWeights,
  ownedBuffer,
  shardSizes,
} from './data-parallel-gradients';
import type { EvaluateReply, EvaluateRequest } from './protocol';
import { callWorker, startWorker } from './worker-threads';

/**
 * The threads {@link evaluateParallel} uses for `examples` examples in batches of `batchSize`
 * when asked for `threads`: one run of batches each, so no more than the batches, and 1 (this
 * thread, no workers) for a single batch.
 */
export function evaluationThreads(examples: number, batchSize: number, threads: number): number {
  const batches = Math.ceil(examples / batchSize);
  return batches < 2 ? 1 : Math.min(threads, batches);
}

/**
 * {@link evaluate} of @vaekit/core over `threads` worker threads, each with a replica of the
 * model on its own backend instance (one CPU core each): the split's batches are divided into
 * contiguous runs, one per thread, each evaluated with `evaluatePart` and the parts combined in
 * order. Every batch draws with the seed `evaluate` gives it, so the result is the one-thread
 * result bit for bit (same backend), for any thread count; only the time changes.
 *
 * @param model the layers VAE of the run (`RunModel.vae`): workers rebuild it from its config and
 *   this thread's weights.
 * @param threads worker threads (at most one per batch; 1 evaluates on this thread).
 * @example
 * ```ts
 * const r = await evaluateParallel(run.model.vae, data.test, 'image', { k: 5000, examples: 10000, seed: 0, batchSize: 100 }, 2);
 * ```
 */
export async function evaluateParallel(
  model: ParallelModel,
  split: DataSplit,
  kind: 'image' | 'text',
  options: EvaluateOptions,
  threads: number,
): Promise<EvaluationResult> {
  if (!Number.isInteger(threads) || threads < 1) {
    throw new Error(`threads must be a positive integer, got ${threads}`);
  }
  const total = Math.min(options.examples, split.size);
  const used = evaluationThreads(total, options.batchSize, threads);
  if (used === 1) return evaluate(model, split, kind, options);
  const perThread = shardSizes(Math.ceil(total / options.batchSize), used);
  const backend = activeBackendChoice();
  const spec = modelSpec(model);
  const workers = await Promise.all(
    perThread.map((_, i) => startWorker({ spec, backend, index: i + 1 })),
  );
  try {
    const weights = modelWeights(model).map(ownedBuffer);
    const done = perThread.map(() => 0);
    const all = split.head(total);
    const requests: EvaluateRequest[] = [];
    try {
      let first = 0;
      for (const [i, n] of perThread.entries()) {
        const size = Math.min(n * options.batchSize, total - first);
        const x = tf.slice(all, first, size);
        requests.push({
          type: 'evaluate',
          id: i + 1,
          weights: weights.map((buffer) => buffer.slice(0)),
          x: { data: ownedBuffer(x), shape: x.shape, dtype: x.dtype },
          kind,
          options: {
            k: options.k,
            seed: options.seed,
            batchSize: options.batchSize,
            first,
            ...(options.vocabSize !== undefined ? { vocabSize: options.vocabSize } : {}),
          },
        });
        x.dispose();
        first += size;
      }
    } finally {
      all.dispose();
    }
    const parts = await Promise.all(
      requests.map((request, i) =>
        evaluateOn(workers[i]!, request, (n) => {
          done[i] = n;
          options.onProgress?.(
            done.reduce((a, b) => a + b, 0),
            total,
          );
        }),
      ),
    );
    return combineEvaluation(parts, kind, options.k);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

async function evaluateOn(
  worker: Worker,
  request: EvaluateRequest,
  onProgress: (done: number) => void,
): Promise<EvaluationPart> {
  const reply = await callWorker<EvaluateReply>(
    worker,
    request,
    [...request.weights, request.x.data],
    'evaluation worker',
    onProgress,
  );
  return {
    batches: reply.batches,
    means: new Float32Array(reply.means),
    latentDim: reply.latentDim,
  };
}
