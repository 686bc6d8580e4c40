import * as tf from '@tensorflow/tfjs-core';

/**
 * Names of optional backend kernels that vaekit's ops use where a backend registers them
 * (`tf.getKernel(name, tf.getBackend())`); `@vaekit/backend` registers both on wasm. Kept in one
 * place so that the packages that use them and the one that registers them need not depend on
 * each other.
 */

/**
 * The name of an optional backend kernel for the value of `gaussianKLPerDimension` (the Gaussian
 * KL to the standard normal): the per-dimension `KL(N(m, s^2) || N(0, 1))` of float32 `loc` and `scale` tensors of
 * one shape, returning one float32 tensor of that shape. Where a backend registers it (vaekit's
 * `@vaekit/backend` does on wasm: computed in float64 and rounded once), the KL uses it instead of
 * the chain of ~60 small ops; the gradient stays the hand-written one.
 */
export const STANDARD_NORMAL_KL_KERNEL = 'VaekitStandardNormalKL';

/**
 * The name of an optional backend kernel for `bernoulliLogProb` (`@vaekit/layers`): each row's
 * `sum_k x_k l_k - softplus(l_k)` of float32 `logits` and `x` of one shape `[rows, cols]`,
 * returning `[rows]`. `@vaekit/backend` registers it on wasm (one pass, bit-identical to the
 * ops).
 */
export const BERNOULLI_LOG_PROB_KERNEL = 'VaekitBernoulliLogProb';

/**
 * The name of an optional backend kernel for `categoricalLogProb` (`@vaekit/layers`), forward:
 * for float32 `logits` `[rows, cols]` and int32 `targets` `[rows]`, returns `[shifted, max, total,
 * picked]`: `max_r` each row's largest logit, `shifted = e^(l - max_r)` (`[rows, cols]`), `total_r`
 * its row sums and `picked_r = l[r, targets_r]`, so that the log-likelihood is
 * `picked - (max + log total)`. `@vaekit/backend` registers it on wasm (two passes a row,
 * bit-identical to the ops with its `exp-simd` exponential).
 */
export const CATEGORICAL_LOG_PROB_KERNEL = 'VaekitCategoricalLogProb';

/**
 * The name of the optional backend kernel for `categoricalLogProb`'s gradient: from `shifted` and
 * `total` of {@link CATEGORICAL_LOG_PROB_KERNEL}, each row's incoming gradient `scale` (`[rows]`)
 * and `targets`, returns `d[r, v] = (v == targets_r ? scale_r : 0) - shifted[r, v] * (scale_r /
 * total_r)` (`[rows, cols]`). Registered with the forward kernel.
 */
export const CATEGORICAL_LOG_PROB_GRAD_KERNEL = 'VaekitCategoricalLogProbGrad';

/**
 * Whether the active backend registers the optional kernel `name` (one of the names above), so
 * that an op runs it instead of its chain of tfjs ops.
 */
export function backendHasKernel(name: string): boolean {
  return tf.getKernel(name, tf.getBackend()) !== undefined;
}
