import * as tf from '@tensorflow/tfjs-core';
import { shiftedMean } from '../internal/shifted-mean';
import { dregIwaeSurrogate } from '../dreg-surrogate';
import { checkGiven, checkLogWeights, checkUnitInterval } from '../internal/validate';
import { logMeanExp } from '../log-mean-exp';
import type { ObjectiveSpec } from '../objective-spec';
import { elbo } from './elbo';

/** Options of {@link ciwae}. */
export interface CiwaeOptions {
  /** Mixing weight `beta` in [0, 1]: 1 gives the ELBO, 0 gives IWAE_K. */
  beta: number;
}

/**
 * The combination bound `CIWAE(beta)`: a convex combination of the ELBO and `IWAE_K`
 * computed from the same `K` log-weights.
 *
 * Mathematical details:
 * ```
 * CIWAE(beta) = beta * (1/K) sum_k log w_k + (1 - beta) * log( (1/K) sum_k w_k )
 * CIWAE(1) = ELBO;   CIWAE(0) = IWAE_K
 * ```
 * Reference: Rainforth et al. 2018, "Tighter Variational Bounds are Not Necessarily Better".
 *
 * @param logWeights log-weights of shape `[K, B]` (samples first, batch second).
 * @returns the per-example bound, shape `[B]`.
 * @throws Error naming `logWeights` (not rank 2) or `beta` (outside [0, 1]).
 * @example
 * ```ts
 * ciwae(tf.tensor2d([[0], [Math.log(3)]]), { beta: 0.5 }).arraySync();
 * // [0.6212] = 0.5 * (log 3) / 2 + 0.5 * log 2
 * ```
 */
export function ciwae(logWeights: tf.Tensor, { beta }: CiwaeOptions): tf.Tensor {
  checkLogWeights(logWeights);
  checkUnitInterval(beta, 'beta');
  return tf.tidy(() =>
    tf.add(tf.mul(shiftedMean(logWeights, 0), beta), tf.mul(logMeanExp(logWeights, 0), 1 - beta)),
  );
}

/**
 * CIWAE in the objective registry: `ciwae(logWeights, { beta })` per example, ascended by both
 * networks; `beta` in [0, 1] is required. Its DReG surrogate mixes the ELBO (ordinary
 * reparameterised gradient, posterior attached) with IWAE's DReG surrogate.
 *
 * Mathematical details:
 * ```
 * bound         = beta * ELBO + (1 - beta) * IWAE_K
 * dregSurrogate = beta * (1/K) sum_k log w_k + (1 - beta) * sum_k sg(w~_k^2) log w'_k
 *   (log w' with log q(z|x) at stopped posterior parameters)
 * ```
 * Reference: Rainforth et al. 2018, "Tighter Variational Bounds are Not Necessarily Better";
 * Tucker et al. 2018 (DReG).
 *
 * @example
 * ```ts
 * ciwaeObjective.validate?.({ objective: 'ciwae', k: 4, beta: 2 }, 4);
 * // Error: beta must be a number in [0, 1], got 2
 * ```
 */
export const ciwaeObjective: ObjectiveSpec = {
  name: 'ciwae',
  label: 'CIWAE',
  reference:
    'Rainforth, Kosiorek, Le, Maddison, Igl, Wood & Teh 2018, "Tighter Variational Bounds are Not Necessarily Better"',
  description: 'beta * ELBO + (1 - beta) * IWAE_K from the same K samples (needs --beta in [0, 1])',
  uses: ['k', 'beta'],
  validate(options) {
    checkGiven(options.beta, 'beta', 'ciwae', 'a number in [0, 1]');
    checkUnitInterval(options.beta, 'beta');
  },
  bound: (logWeights, { beta }) => ciwae(logWeights, { beta }),
  dregSurrogate: (terms, { beta }) =>
    tf.add(
      tf.mul(elbo(terms.logWeights), beta),
      tf.mul(dregIwaeSurrogate(terms.logWeightsDetached, 1), 1 - beta),
    ),
};
