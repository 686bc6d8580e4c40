import * as tf from '@tensorflow/tfjs-core';
import { shiftedMean } from '../internal/shifted-mean';
import { dregIwaeSurrogate } from '../dreg-surrogate';
import { checkGiven, checkGroups, checkLogWeights } from '../internal/validate';
import { logMeanExp } from '../log-mean-exp';
import type { ObjectiveSpec } from '../objective-spec';

/** Options of {@link miwae}. */
export interface MiwaeOptions {
  /** Number of groups `M`; must divide `K`. Each group is a contiguous block of `K / M` rows. */
  groups: number;
}

/**
 * The multiply importance-weighted bound `MIWAE(M, k)`: the mean over `M` groups of an
 * `IWAE_k` bound, with `K = M * k` log-weights split into contiguous blocks of `k` rows.
 *
 * Mathematical details:
 * ```
 * MIWAE(M, k) = (1/M) sum_{m=1..M} log( (1/k) sum_{j=1..k} w_{m,j} ),   w_{m,j} = w_{(m-1) k + j}
 * MIWAE(1, K) = IWAE_K;   MIWAE(K, 1) = ELBO
 * ```
 * Reference: Rainforth, Kosiorek, Le, Maddison, Igl, Wood & Teh 2018, "Tighter Variational
 * Bounds are Not Necessarily Better" (ICML).
 *
 * @param logWeights log-weights of shape `[K, B]` (samples first, batch second).
 * @returns the per-example bound, shape `[B]`.
 * @throws Error naming `logWeights` (not rank 2) or `groups` (not a positive divisor of K).
 * @example
 * ```ts
 * const lw = tf.tensor2d([[0], [Math.log(3)], [0], [0]]);
 * miwae(lw, { groups: 2 }).arraySync(); // [0.3466] = (log 2 + log 1) / 2
 * ```
 */
export function miwae(logWeights: tf.Tensor, { groups }: MiwaeOptions): tf.Tensor {
  const k = checkLogWeights(logWeights);
  checkGroups(groups, k);
  return tf.tidy(() => {
    const grouped = tf.reshape(logWeights, [groups, k / groups, logWeights.shape[1]!]);
    return shiftedMean(logMeanExp(grouped, 1), 0);
  });
}

/**
 * MIWAE in the objective registry: `miwae(logWeights, { groups })` per example, ascended by both
 * networks; `groups` (`M`) is required and must divide `k`. Its DReG surrogate averages Tucker
 * et al.'s over the `M` groups.
 *
 * Mathematical details:
 * ```
 * bound         = MIWAE(M, K/M) = (1/M) sum_m log (M/K) sum_j w_{m,j}
 * dregSurrogate = (1/M) sum_m sum_j sg(w~_{m,j}^2) log w_{m,j}   (w~ normalised within group m)
 * ```
 * Reference: Rainforth et al. 2018, "Tighter Variational Bounds are Not Necessarily Better".
 *
 * @example
 * ```ts
 * miwaeObjective.validate?.({ objective: 'miwae', k: 8, groups: 3 }, 8);
 * // Error: groups must be a positive integer dividing the number of samples K = 8, got 3
 * ```
 */
export const miwaeObjective: ObjectiveSpec = {
  name: 'miwae',
  label: 'MIWAE',
  reference:
    'Rainforth, Kosiorek, Le, Maddison, Igl, Wood & Teh 2018, "Tighter Variational Bounds are Not Necessarily Better"',
  description: 'mean over M groups of IWAE_{K/M} bounds (needs --groups dividing k)',
  uses: ['k', 'groups'],
  validate(options, k) {
    checkGiven(options.groups, 'groups', 'miwae', `a positive integer dividing k = ${k}`);
    checkGroups(options.groups, k);
  },
  bound: (logWeights, { groups }) => miwae(logWeights, { groups }),
  dregSurrogate: (terms, { groups }) => dregIwaeSurrogate(terms.logWeightsDetached, groups),
};
