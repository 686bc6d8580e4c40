import * as tf from '@tensorflow/tfjs-core';
import { dregIwaeSurrogate } from '../dreg-surrogate';
import { checkGiven, checkGroups, checkLogWeights } from '../internal/validate';
import type { ObjectiveSpec } from '../objective-spec';
import { iwae } from './iwae';
import { miwae } from './miwae';

/** Options of {@link piwae}. */
export interface PiwaeOptions {
  /** Number of groups `M` of the inference network's MIWAE bound; must divide `K`. */
  groups: number;
}

/** The two bounds of {@link piwae}, each of shape `[B]`. */
export interface PiwaeBounds {
  /** `IWAE_K` over all `K` samples: the generative network (theta) ascends this one. */
  generative: tf.Tensor;
  /** `MIWAE(M, K/M)`: the inference network (phi) ascends this one. */
  inference: tf.Tensor;
}

/**
 * The partially importance-weighted objectives `PIWAE(M, k)`: one bound per network, from the
 * same `K = M * k` log-weights.
 *
 * Mathematical details:
 * ```
 * generative (theta):  IWAE_{M k} = log( (1/(M k)) sum_{all K} w )
 * inference  (phi):    MIWAE(M, k) = (1/M) sum_m log( (1/k) sum_j w_{m,j} )
 * PIWAE(1, K) gives IWAE_K to both networks
 * ```
 * Reference: Rainforth et al. 2018, "Tighter Variational Bounds are Not Necessarily Better".
 *
 * @param logWeights log-weights of shape `[K, B]` (samples first, batch second).
 * @throws Error naming `logWeights` (not rank 2) or `groups` (not a positive divisor of K).
 * @example
 * ```ts
 * const { generative, inference } = piwae(tf.randomNormal([8, 3]), { groups: 4 });
 * generative.shape; // [3]   (IWAE_8)
 * inference.shape;  // [3]   (MIWAE(4, 2))
 * ```
 */
export function piwae(logWeights: tf.Tensor, { groups }: PiwaeOptions): PiwaeBounds {
  const k = checkLogWeights(logWeights);
  checkGroups(groups, k);
  return tf.tidy(() => ({
    generative: iwae(logWeights),
    inference: miwae(logWeights, { groups }),
  }));
}

/**
 * PIWAE in the objective registry: one bound per network. The generative network ascends
 * `IWAE_K` (also the logged `bound`), the inference network `MIWAE(M, K/M)`, so every gradient
 * step takes two passes. `groups` (`M`) is required and must divide `k`. The DReG surrogate is
 * MIWAE's.
 *
 * Mathematical details:
 * ```
 * bound = decoderBound = IWAE_K
 * encoderBound         = MIWAE(M, K/M)
 * dregSurrogate        = (1/M) sum_m sum_j sg(w~_{m,j}^2) log w_{m,j}
 * ```
 * Reference: Rainforth et al. 2018, "Tighter Variational Bounds are Not Necessarily Better".
 *
 * @example
 * ```ts
 * piwaeObjective.validate?.({ objective: 'piwae', k: 9, groups: 2 }, 9);
 * // Error: groups must be a positive integer dividing the number of samples K = 9, got 2
 * ```
 */
export const piwaeObjective: ObjectiveSpec = {
  name: 'piwae',
  label: 'PIWAE',
  reference:
    'Rainforth, Kosiorek, Le, Maddison, Igl, Wood & Teh 2018, "Tighter Variational Bounds are Not Necessarily Better"',
  description: 'IWAE_K for the decoder, MIWAE(M, K/M) for the encoder (needs --groups dividing k)',
  uses: ['k', 'groups'],
  validate(options, k) {
    checkGiven(options.groups, 'groups', 'piwae', `a positive integer dividing k = ${k}`);
    checkGroups(options.groups, k);
  },
  bound: (logWeights) => iwae(logWeights),
  encoderBound: (terms, { groups }) => miwae(terms.logWeights, { groups }),
  dregSurrogate: (terms, { groups }) => dregIwaeSurrogate(terms.logWeightsDetached, groups),
};
