import * as tf from '@tensorflow/tfjs-core';
import type { Distribution } from '@vaekit/distributions';
import type { LatentVariableModel } from '../model';
import { modelCallOptions } from './seed';

/** The pieces of `[K, B]` log-weights, for `K` draws `z ~ q(z|x)`. */
export interface LogWeightTerms {
  /** The draws, `[K, B, ...eventShape]`. */
  z: tf.Tensor;
  /** `log p(x | z_k)`, `[K, B]`. */
  logLikelihood: tf.Tensor;
  /** `log p(z_k)`, `[K, B]`. */
  logPrior: tf.Tensor;
  /** `log q(z_k | x)`, `[K, B]`, differentiable in the posterior's parameters. */
  logPosterior: tf.Tensor;
}

/** The draws and their likelihoods: the part of {@link LogWeightTerms} every bound needs. */
export type DecodedDraws = Pick<LogWeightTerms, 'z' | 'logLikelihood'>;

/**
 * Draw `k` reparameterised samples from `q` (the model's posterior for `x`) and decode them in one
 * `[k * B, ...]` batch: the draws and `log p(x | z_k)`. Callers own the scope (no tidy here).
 */
export function decodeDraws(
  model: LatentVariableModel,
  x: tf.Tensor,
  q: Distribution,
  k: number,
  seed: number | undefined,
  training: boolean | undefined,
): DecodedDraws {
  const b = x.shape[0]!;
  const z = q.rsample(k, seed === undefined ? {} : { seed });
  const eventShape = z.shape.slice(2);
  const zFlat = tf.reshape(z, [k * b, ...eventShape]);
  const xTiled = k === 1 ? x : tf.tile(x, [k, ...x.shape.slice(1).map(() => 1)]);
  const decodeOptions = modelCallOptions(training, seed, 2);
  const likelihood = model.decode(zFlat, decodeOptions);
  const logLikelihood = tf.reshape(likelihood.logProb(xTiled), [k, b]);
  return { z, logLikelihood };
}

/**
 * {@link decodeDraws}, and the log-densities of the draws under the prior and the posterior: the
 * terms of the `[k, B]` log-weights. Callers own the scope (no tidy here).
 */
export function logWeightTerms(
  model: LatentVariableModel,
  x: tf.Tensor,
  q: Distribution,
  k: number,
  seed: number | undefined,
  training: boolean | undefined,
  posteriorForLogProb: Distribution = q,
): LogWeightTerms {
  const b = x.shape[0]!;
  const { z, logLikelihood } = decodeDraws(model, x, q, k, seed, training);
  const logPrior = tf.reshape(model.prior.logProb(z), [k, b]);
  const logPosterior = tf.reshape(posteriorForLogProb.logProb(z), [k, b]);
  return { z, logLikelihood, logPrior, logPosterior };
}

/** `log w = log p(x|z) + log p(z) - log q(z|x)`. */
export function combineLogWeights(
  terms: LogWeightTerms,
  logPosterior = terms.logPosterior,
): tf.Tensor {
  return tf.sub(tf.add(terms.logLikelihood, terms.logPrior), logPosterior);
}

/** Check the batch `x` against the posterior the model returned for it. */
export function checkPosterior(q: Distribution, x: tf.Tensor): void {
  const b = x.shape[0];
  if (q.batchShape.length !== 1 || q.batchShape[0] !== b) {
    throw new Error(
      `model.encode(x) must return a posterior with batchShape [B] = [${b}] for x of shape [${x.shape.join(', ')}], got batchShape [${q.batchShape.join(', ')}]`,
    );
  }
}
