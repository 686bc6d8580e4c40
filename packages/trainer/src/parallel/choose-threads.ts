import { objectiveNames, objectiveSpec } from '@vaekit/objectives';
import { LATENT_FAMILIES, type TrainConfig, resolveModelKind } from '@vaekit/core';

/**
 * Rows through the networks (`B` encoder rows and `B * K` decoder rows) each data-parallel thread
 * must get in a step for the split to pay on the MLP VAE: below it, the fixed cost of a step
 * (about 550 kernel calls, sending the weights, averaging the gradients: 5-8 ms) outweighs
 * halving the work. Measured on 2 cores (docs/benchmarks.md, "Data-parallel training"): 2 threads
 * lose at batch x K = 128 x 1 (256 rows) and 32 x 5 (192), tie at 128 x 5 (768), win 1.3-1.5x at
 * 512 x 1 (1,024) and 32 x 50 (1,632).
 */
export const ROWS_PER_THREAD = 512;

/** Sentences a thread needs in each step of the LSTM text VAE (the same measurement). */
export const SENTENCES_PER_THREAD = 16;

/** What {@link chooseThreads} decided, and why, in words for the run's log. */
export interface ThreadChoice {
  threads: number;
  reason: string;
}

/**
 * The threads a training run uses for data-parallel gradients (`DataParallelGradients`): the
 * configured count, or with `threads: 0` (auto) as many as make a step faster on this machine:
 *
 * ```
 * threads = clamp(floor(rows / ROWS_PER_THREAD), 1, cores)   rows = batchSize * (1 + K)  (images)
 * threads = clamp(floor(batchSize / SENTENCES_PER_THREAD), 1, cores)                (text)
 * ```
 * and 1 where data parallelism would change the model or is refused: a posterior with batch
 * statistics (BN-VAE: each shard would be normalised by its own statistics) or free bits (which
 * act on the batch-mean KL). The choice is a function of the configuration and the core count
 * only, so it is the same on every start of a run on the same machine; a resumed run keeps the
 * count its checkpoint recorded (see the trainer).
 *
 * @param cores the CPU cores this process may use (`os.availableParallelism()`).
 * @example
 * ```ts
 * chooseThreads(resolveConfig({ objective: 'iwae', k: 50, batchSize: 100, latent: 'gaussian' }), 2);
 * // { threads: 2, reason: 'auto: 5,100 network rows a step, 2 cores' }
 * ```
 */
export function chooseThreads(
  config: Pick<
    TrainConfig,
    'threads' | 'data' | 'model' | 'latent' | 'objective' | 'k' | 'batchSize' | 'freeBits'
  >,
  cores: number,
): ThreadChoice {
  if (config.threads > 0) return { threads: config.threads, reason: 'as configured' };
  if (cores < 2) return { threads: 1, reason: 'auto: one core for this run' };
  if (config.freeBits > 0) return { threads: 1, reason: 'auto: free bits need the whole batch' };
  if (LATENT_FAMILIES.has(config.latent) && LATENT_FAMILIES.get(config.latent).batchStatistics) {
    return {
      threads: 1,
      reason: `auto: the ${config.latent} posterior normalises with the whole batch's statistics`,
    };
  }
  const text = resolveModelKind(config) === 'lstm';
  const samples =
    objectiveNames().includes(config.objective) &&
    objectiveSpec(config.objective).uses.includes('k')
      ? config.k
      : 1;
  const work = text ? config.batchSize : config.batchSize * (1 + samples);
  const perThread = text ? SENTENCES_PER_THREAD : ROWS_PER_THREAD;
  const threads = Math.max(1, Math.min(cores, Math.floor(work / perThread)));
  const what = text ? 'sentences' : 'network rows';
  return {
    threads,
    reason: `auto: ${work.toLocaleString('en-US')} ${what} a step, ${cores} cores`,
  };
}
