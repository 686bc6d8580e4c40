import * as tf from '@tensorflow/tfjs-core';
import { customOp, runCustomOp } from '@vaekit/distributions/internal';
import { check } from './internal/validate';

/** Options of {@link categoricalLogProb}. */
export interface CategoricalLogProbOptions {
  /** Positions whose target equals `padId` contribute nothing (log-probability 0, no gradient). */
  padId?: number;
  /** Explicit mask, shape of `targets` (bool or 0/1): 0 positions contribute nothing. Combined with `padId`. */
  mask?: tf.Tensor;
  /** `'sum'` (default): one log-likelihood per row, shape `[N]`; `'none'`: per position, shape of `targets`. */
  reduction?: 'sum' | 'none';
}

/**
 * Log-probability of target tokens under softmax logits, with a padding mask: the token
 * likelihood of a language-model decoder.
 *
 * Mathematical details, for logits `l[n, t, :]` over a vocabulary of `V` and targets `y[n, t]`:
 * ```
 * log p(y_nt) = l[n, t, y_nt] - logsumexp_v l[n, t, v]
 * result_n    = sum_t m_nt * log p(y_nt)          m_nt = 0 at padding (y_nt = padId) or mask 0
 * d result / d l[n, t, :] = m_nt * (onehot(y_nt) - softmax(l[n, t, :]))
 * ```
 * Computed as one op with a hand-written gradient (`tf.customGrad`): no one-hot `[N, T, V]`
 * tensor in the forward pass and no `gather` gradient (which wasm cannot run).
 *
 * Reference: Bengio et al. 2003, "A Neural Probabilistic Language Model"; the per-token
 * likelihood of the text VAE of Bowman et al. 2016, "Generating Sentences from a Continuous Space".
 *
 * @throws Error if `targets`' shape is not `logits`' shape without its last dimension.
 * @example
 * ```ts
 * const logits = tf.randomNormal([2, 4, 10]);                   // [N, T, V]
 * const targets = tf.tensor2d([[3, 1, 2, 0], [5, 0, 0, 0]], undefined, 'int32');
 * categoricalLogProb(logits, targets, { padId: 0 });             // [2]: sums over 3 and 1 tokens
 * ```
 */
export function categoricalLogProb(
  logits: tf.Tensor,
  targets: tf.Tensor,
  options: CategoricalLogProbOptions = {},
): tf.Tensor {
  const { padId, mask, reduction = 'sum' } = options;
  const V = logits.shape[logits.rank - 1]!;
  check(
    targets.rank === logits.rank - 1 && targets.shape.every((n, i) => n === logits.shape[i]),
    'categoricalLogProb targets',
    `of shape [${logits.shape.slice(0, -1).join(', ')}] (logits' shape without the vocabulary axis)`,
    `shape [${targets.shape.join(', ')}]`,
  );
  if (mask !== undefined) {
    check(
      mask.rank === targets.rank && mask.shape.every((n, i) => n === targets.shape[i]),
      'categoricalLogProb mask',
      `of the targets' shape [${targets.shape.join(', ')}]`,
      `shape [${mask.shape.join(', ')}]`,
    );
  }
  return tf.tidy(() => {
    const M = targets.size;
    const flatLogits = tf.reshape(logits, [M, V]);
    const flatTargets = tf.cast(tf.reshape(targets, [M]), 'int32');
    let weight: tf.Tensor = tf.ones([M]);
    if (padId !== undefined) weight = tf.cast(tf.notEqual(flatTargets, padId), 'float32');
    if (mask !== undefined) weight = tf.mul(weight, tf.cast(tf.reshape(mask, [M]), 'float32'));
    const op = customOp((l: tf.Tensor2D, y: tf.Tensor1D, w: tf.Tensor1D, save: tf.GradSaveFunc) => {
      // log-sum-exp with the shifted exponentials kept: the backward pass reuses them as the
      // unnormalised softmax instead of exponentiating [M, V] logits again.
      const max = tf.max(l, 1, true);
      const shifted = tf.exp(tf.sub(l, max));
      const total = tf.sum(shifted, 1, true);
      const lse = tf.reshape(tf.add(max, tf.log(total)), [M]);
      const rows = tf.range(0, M, 1, 'int32');
      const picked = tf.gather(
        tf.reshape(l, [M * V]),
        tf.add(tf.mul(rows, tf.scalar(V, 'int32')), y),
      );
      save([shifted, total, tf.stack([rows, y], 1), w]);
      return {
        value: tf.mul(tf.sub(picked, lse), w),
        gradFunc: (dy: tf.Tensor1D, [s, z, at, ws]: tf.Tensor[]) => {
          // d/dl = m dy (onehot(y) - softmax(l)),  softmax = s / z.
          const scale = tf.mul(dy, ws!);
          const dl = tf.sub(
            tf.scatterND(at!, scale, [M, V]),
            tf.mul(s!, tf.div(tf.expandDims(scale, 1), z!)),
          );
          return [dl, tf.zeros([M]), tf.zeros([M])];
        },
      };
    });
    const perToken = tf.reshape(
      runCustomOp(() => op(flatLogits, flatTargets, weight)),
      targets.shape,
    );
    if (reduction === 'none') return perToken;
    return targets.rank === 1 ? perToken : tf.sum(tf.reshape(perToken, [targets.shape[0]!, -1]), 1);
  });
}
