import * as tf from '@tensorflow/tfjs-core';
import { check } from './internal/validate';
import { deriveSeed } from '@vaekit/distributions/internal';

/** Options of {@link wordDropout}. */
export interface WordDropoutOptions {
  /** Probability `p` in `[0, 1]` of replacing each token. */
  rate: number;
  /** The `<unk>` token id put in place of dropped tokens. */
  unkId: number;
  /** Token ids never replaced (e.g. `<bos>` and `<pad>`). */
  protectedIds?: number[];
  /** Seed (any integer, 0 included): the same seed drops the same positions. */
  seed?: number;
}

/**
 * Word dropout for the decoder inputs of a text VAE (Bowman et al. 2016): each input token is
 * replaced by `<unk>` with probability `p`, independently, so that the decoder must rely on `z`
 * for part of the sentence instead of on its own history.
 *
 * ```
 * x~_t = unk   with probability p   (t not protected),     x~_t = x_t   otherwise
 * ```
 * Reference: Bowman, Vilnis, Vinyals, Dai, Jozefowicz, Bengio 2016, "Generating Sentences from a
 * Continuous Space", CoNLL, section 3.2.
 *
 * @throws Error if `rate` is outside `[0, 1]`.
 * @example
 * ```ts
 * wordDropout(tokens, { rate: 0.3, unkId: 3, protectedIds: [1, 0], seed: 7 }); // same shape, int32
 * ```
 */
export function wordDropout(tokens: tf.Tensor, options: WordDropoutOptions): tf.Tensor {
  const { rate, unkId, protectedIds = [], seed } = options;
  check(
    typeof rate === 'number' && rate >= 0 && rate <= 1,
    'wordDropout rate',
    'a number in [0, 1]',
    rate,
  );
  check(
    Number.isInteger(unkId) && unkId >= 0,
    'wordDropout unkId',
    'a non-negative integer',
    unkId,
  );
  return tf.tidy(() => {
    const ids = tf.cast(tokens, 'int32');
    if (rate === 0) return tf.clone(ids);
    // deriveSeed: tfjs treats a seed of 0 as no seed at all.
    const u = tf.randomUniform(
      ids.shape,
      0,
      1,
      'float32',
      seed === undefined ? undefined : deriveSeed(seed, 0),
    );
    let drop = tf.less(u, rate);
    for (const id of protectedIds)
      drop = tf.logicalAnd(drop, tf.notEqual(ids, tf.scalar(id, 'int32')));
    return tf.where(drop, tf.fill(ids.shape, unkId, 'int32'), ids);
  });
}
