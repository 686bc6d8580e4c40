import * as tf from '@tensorflow/tfjs-core';
import { hasKL, klDivergence } from '@vaekit/distributions';
import { checkPosterior } from '../internal/log-weight-terms';
import { checkPositiveInteger } from '../internal/validate';
import type { LatentVariableModel } from '../model';

/** Options of {@link klToPrior}. */
export interface KLToPriorOptions {
  /** Draws for the Monte Carlo estimate when no closed form is registered (default 100). */
  samples?: number;
  /** Seed of those draws. */
  seed?: number;
}

/**
 * `KL(q(z|x) || p(z))` per example, `[B]`: the closed form (`klDivergence`) when one is
 * registered for the posterior-prior pair, else a Monte Carlo estimate. Average it over the
 * test set for the reported KL; a value near 0 signals posterior collapse.
 *
 * Mathematical details:
 * ```
 * KL(q || p) = E_q[log q(z|x) - log p(z)]  ~  (1/S) sum_s [log q(z_s|x) - log p(z_s)],  z_s ~ q
 * ```
 * Reference: He et al. 2019, "Lagging Inference Networks and Posterior Collapse in Variational
 * Autoencoders"; Zhu et al. 2020, "A Batch Normalized Inference Network Keeps the KL Vanishing
 * Away" (the KL column of their tables).
 *
 * @example
 * ```ts
 * tf.mean(klToPrior(model, xTest)).dataSync()[0]; // e.g. 5.2 nats
 * ```
 */
export function klToPrior(
  model: LatentVariableModel,
  x: tf.Tensor,
  { samples = 100, seed }: KLToPriorOptions = {},
): tf.Tensor {
  checkPositiveInteger(samples, 'samples');
  return tf.tidy(() => {
    const q = model.encode(x, { training: false });
    checkPosterior(q, x);
    const b = x.shape[0]!;
    if (hasKL(q, model.prior)) return tf.broadcastTo(klDivergence(q, model.prior), [b]);
    const z = q.sample(samples, seed === undefined ? {} : { seed });
    return tf.mean(tf.sub(q.logProb(z), model.prior.logProb(z)), 0);
  });
}
