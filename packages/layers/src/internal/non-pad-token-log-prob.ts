import * as tf from '@tensorflow/tfjs-core';
import { customOp, runCustomOp } from '@vaekit/distributions/internal';
import { categoricalLogProb } from '../categorical-log-prob';
import { embeddingLookup } from '../token-embedding';
import { onHostMemoryBackend } from './host-memory';

/**
 * The positions of `targets` (any shape, read row-major) that are not `padId`, ascending; `null`
 * when projecting only those would not pay: no padding, nothing but padding, or a backend that
 * keeps tensors on a device ({@link onHostMemoryBackend}).
 *
 * @example
 * ```ts
 * nonPadRows(tf.tensor2d([[5, 3, 0], [3, 0, 0]], undefined, 'int32'), 0); // Int32Array [0, 1, 3]
 * ```
 */
export function nonPadRows(targets: tf.Tensor, padId: number): Int32Array | null {
  if (!onHostMemoryBackend()) return null;
  const ids = targets.dataSync();
  let real = 0;
  for (let i = 0; i < ids.length; i++) if (ids[i] !== padId) real++;
  if (real === 0 || real === ids.length) return null;
  const rows = new Int32Array(real);
  for (let i = 0, r = 0; i < ids.length; i++) if (ids[i] !== padId) rows[r++] = i;
  return rows;
}

/**
 * The token log-likelihood of a language-model decoder, per sentence, computed on the non-pad
 * positions only: their hidden states are gathered (in order) and projected onto the
 * vocabulary, and their log-probabilities placed back among zeros before the sum over time.
 *
 * Mathematical details, for hidden states `h[n, t]` (rows `m = n (T - 1) + t` of `hidden`),
 * projection `logits = project(h)` and the non-pad positions `R = { m : y_m != pad }`:
 * ```
 * result_n = sum_t [m in R] (logits_m[y_m] - logsumexp logits_m)        (categoricalLogProb with padId)
 * ```
 * A padded position contributes an exact zero to the sum and to every gradient (its softmax
 * gradient is multiplied by a zero weight), so leaving it out changes nothing but the cost: the
 * vocabulary projection and its two gradient products run on `|R|` rows instead of `N (T - 1)`,
 * and every remaining sum adds the same terms in the same order. The results equal those of
 * `categoricalLogProb(project(hidden), targets, { padId })` bit for bit, up to the sign of
 * zero (tested on wasm and cpu). With batches padded to their longest sentence, `|R|` is about
 * half of the positions on the Brown corpus.
 *
 * Reference: the per-token likelihood of Bowman et al. 2016, "Generating Sentences from a
 * Continuous Space"; skipping padded positions is what packed sequences do in PyTorch
 * (`pack_padded_sequence`).
 *
 * @param hidden `[N * (T - 1), H]`, the hidden state predicting each target.
 * @param targets `[N, T - 1]` int32 target tokens.
 * @param rows the non-pad positions of `targets` ({@link nonPadRows}), ascending, at least one.
 * @param project hidden states `[R, H]` to logits `[R, V]`.
 * @returns `[N]`.
 */
export function nonPadTokenLogProb(
  hidden: tf.Tensor2D,
  targets: tf.Tensor2D,
  rows: Int32Array,
  project: (hidden: tf.Tensor2D) => tf.Tensor2D,
): tf.Tensor1D {
  const [N, steps] = targets.shape;
  return tf.tidy(() => {
    const at = tf.tensor1d(rows, 'int32');
    const realTargets = tf.gather(tf.reshape(targets, [N * steps]), at);
    const logits = project(embeddingLookup(hidden, at) as tf.Tensor2D);
    const perToken = categoricalLogProb(logits, realTargets, { reduction: 'none' });
    const placed = placeRows(perToken, at, N * steps);
    return tf.sum(tf.reshape(placed, [N, steps]), 1) as tf.Tensor1D;
  });
}

/**
 * `out[rows[i]] = values[i]` along the first axis, zeros elsewhere, `size` rows: the inverse of
 * {@link embeddingLookup}'s gather. The gradient gathers `dy[rows]` (tfjs registers no gradient
 * for `ScatterNd`).
 *
 * @param values `[R, ...]`; @param rows int32 `[R]`, distinct; @returns `[size, ...]`.
 */
export function placeRows(values: tf.Tensor, rows: tf.Tensor, size: number): tf.Tensor {
  const shape = [size, ...values.shape.slice(1)];
  const op = customOp((valuesIn: tf.Tensor, rowsIn: tf.Tensor1D, save: tf.GradSaveFunc) => {
    save([rowsIn]);
    return {
      value: tf.scatterND(tf.reshape(rowsIn, [-1, 1]), valuesIn, shape),
      gradFunc: (dy: tf.Tensor, [savedRows]: tf.Tensor[]) => [
        tf.gather(dy, savedRows!),
        tf.zeros(savedRows!.shape),
      ],
    };
  });
  return runCustomOp(() => op(values, rows) as tf.Tensor);
}
