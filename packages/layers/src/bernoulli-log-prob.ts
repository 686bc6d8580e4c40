import * as tf from '@tensorflow/tfjs-core';
import {
  BERNOULLI_LOG_PROB_KERNEL,
  backendHasKernel,
  customOp,
  runCustomOp,
} from '@vaekit/distributions/internal';
import { check } from './internal/validate';

/**
 * Log-probability of binary data under independent Bernoulli distributions given by logits,
 * summed over every axis but the first: the likelihood of binarised pixels.
 *
 * Mathematical details, for logits `l = log(p / (1 - p))` and `x in {0, 1}`:
 * ```
 * log p(x | l) = sum_k  x_k l_k - softplus(l_k)      (softplus(l) = log(1 + e^l), stable for any l)
 * ```
 * (This is minus the sigmoid cross-entropy. For `x` in `(0, 1)` it is the usual "soft" Bernoulli
 * objective, not a normalised density.)
 *
 * Reference: Kingma & Welling 2014, "Auto-Encoding Variational Bayes", appendix C.1.
 *
 * @throws Error if `x` and `logits` have different shapes.
 * @example
 * ```ts
 * bernoulliLogProb(tf.zeros([2, 784]), tf.ones([2, 784])); // [2], each 784 * log(1/2)
 * ```
 */
export function bernoulliLogProb(logits: tf.Tensor, x: tf.Tensor): tf.Tensor {
  check(
    logits.rank >= 1 &&
      x.shape.length === logits.shape.length &&
      x.shape.every((n, i) => n === logits.shape[i]),
    'bernoulliLogProb x',
    `of the logits' shape [${logits.shape.join(', ')}]`,
    `shape [${x.shape.join(', ')}]`,
  );
  return tf.tidy(() =>
    runCustomOp(() => bernoulliOp(logits, x.dtype === 'float32' ? x : tf.cast(x, 'float32'))),
  );
}

/**
 * The log-probability as one op with its gradient written out: `d/dl = dy (x - sigmoid(l))`,
 * `d/dx = dy l` (per element, `dy` the row's). Autodiff of the same expression put ~15 small
 * kernels on the backward pass (softplus's gradient, the cast, reshapes, a sum's broadcast).
 */
const bernoulliOp = customOp((l: tf.Tensor, x: tf.Tensor, save: tf.GradSaveFunc) => {
  save([l, x]);
  return {
    value: l.rank === 1 ? tf.sub(tf.mul(x, l), tf.softplus(l)) : rowLogProb(l, x),
    gradFunc: (dy: tf.Tensor, [logits, data]: tf.Tensor[]) => {
      const perRow =
        logits!.rank === 1
          ? dy
          : tf.reshape(dy, [dy.shape[0]!, ...logits!.shape.slice(1).map(() => 1)]);
      return [tf.mul(perRow, tf.sub(data!, tf.sigmoid(logits!))), tf.mul(perRow, logits!)];
    },
  };
});

/**
 * Each row's `sum_k x_k l_k - softplus(l_k)`: the backend's fused kernel where it registers one
 * (`@vaekit/backend` on wasm: one pass, bit-identical to these ops), else the ops.
 */
function rowLogProb(l: tf.Tensor, x: tf.Tensor): tf.Tensor {
  const rows = l.shape[0]!;
  const l2 = tf.reshape(l, [rows, -1]);
  const x2 = tf.reshape(x, [rows, -1]);
  if (l.dtype === 'float32' && backendHasKernel(BERNOULLI_LOG_PROB_KERNEL)) {
    return tf.engine().runKernel(BERNOULLI_LOG_PROB_KERNEL, { logits: l2, x: x2 }) as tf.Tensor;
  }
  return tf.sum(tf.sub(tf.mul(x2, l2), tf.softplus(l2)), 1);
}
