import * as tf from '@tensorflow/tfjs-core';
import {
  backendHasKernel,
  CATEGORICAL_LOG_PROB_GRAD_KERNEL,
  CATEGORICAL_LOG_PROB_KERNEL,
  customOp,
  runCustomOp,
} from '@vaekit/distributions/internal';
import { check } from './internal/validate';

/** Options of {@link categoricalLogProb}. */
export interface CategoricalLogProbOptions {
  /**
   * Positions whose target equals `padId` contribute nothing (log-probability 0, no gradient). It
   * may lie outside the vocabulary (PyTorch's `ignore_index = -100`, say).
   */
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
 * tensor in the forward pass and no `gather` gradient (which wasm cannot run). Where the backend
 * registers vaekit's fused kernels (`@vaekit/backend` on wasm), the softmax statistics and the
 * gradient are one kernel each, with the same float32 operations in the same order (the same
 * values bit for bit).
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
    let flatTargets = tf.cast(tf.reshape(targets, [M]), 'int32');
    let weight: tf.Tensor = tf.ones([M]);
    if (padId !== undefined) weight = tf.cast(tf.notEqual(flatTargets, padId), 'float32');
    if (padId !== undefined && (padId < 0 || padId >= V)) {
      // A pad id outside the vocabulary (PyTorch's ignore_index = -100, say) has no logit to pick.
      flatTargets = tf.where(tf.equal(flatTargets, padId), tf.zerosLike(flatTargets), flatTargets);
    }
    if (mask !== undefined) weight = tf.mul(weight, tf.cast(tf.reshape(mask, [M]), 'float32'));
    const fused =
      logits.dtype === 'float32' &&
      V > 0 &&
      backendHasKernel(CATEGORICAL_LOG_PROB_KERNEL) &&
      backendHasKernel(CATEGORICAL_LOG_PROB_GRAD_KERNEL);
    const op = fused ? fusedOp : opsOp;
    const perToken = tf.reshape(
      runCustomOp(() =>
        op(flatLogits as tf.Tensor2D, flatTargets as tf.Tensor1D, weight as tf.Tensor1D),
      ),
      targets.shape,
    );
    if (reduction === 'none') return perToken;
    return targets.rank === 1 ? perToken : tf.sum(tf.reshape(perToken, [targets.shape[0]!, -1]), 1);
  });
}

/**
 * The log-likelihood `w (l[y] - logsumexp(l))` of each row as tfjs ops: the log-sum-exp keeps the
 * shifted exponentials, which the backward pass reuses as the unnormalised softmax instead of
 * exponentiating `[M, V]` logits again.
 */
const opsOp = customOp((l: tf.Tensor2D, y: tf.Tensor1D, w: tf.Tensor1D, save: tf.GradSaveFunc) => {
  const [M, V] = l.shape;
  const max = tf.max(l, 1, true);
  const shifted = tf.exp(tf.sub(l, max));
  const total = tf.sum(shifted, 1, true);
  const lse = tf.reshape(tf.add(max, tf.log(total)), [M]);
  const rows = tf.range(0, M, 1, 'int32');
  const picked = tf.gather(tf.reshape(l, [M * V]), tf.add(tf.mul(rows, tf.scalar(V, 'int32')), y));
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

/**
 * The same op on the backend's fused kernels: the forward kernel returns the shifted
 * exponentials, each row's max and total and the targets' logits (the values of the ops above);
 * the gradient kernel computes `onehot(y) scale - shifted (scale / total)` in one pass.
 */
const fusedOp = customOp(
  (l: tf.Tensor2D, y: tf.Tensor1D, w: tf.Tensor1D, save: tf.GradSaveFunc) => {
    const M = l.shape[0];
    const [shifted, max, total, picked] = tf
      .engine()
      .runKernel(CATEGORICAL_LOG_PROB_KERNEL, { logits: l, targets: y }) as tf.Tensor[];
    const lse = tf.add(max!, tf.log(total!));
    save([shifted!, total!, y, w]);
    return {
      value: tf.mul(tf.sub(picked!, lse), w),
      gradFunc: (dy: tf.Tensor1D, [s, z, targets, ws]: tf.Tensor[]) => {
        const scale = tf.mul(dy, ws!);
        const dl = tf.engine().runKernel(CATEGORICAL_LOG_PROB_GRAD_KERNEL, {
          shifted: s!,
          total: z!,
          scale,
          targets: targets!,
        }) as tf.Tensor;
        return [dl, tf.zeros([M]), tf.zeros([M])];
      },
    };
  },
);
