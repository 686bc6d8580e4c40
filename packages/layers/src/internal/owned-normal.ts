import type * as tf from '@tensorflow/tfjs-core';
import { DiagonalNormal } from '@vaekit/distributions';

/**
 * A {@link DiagonalNormal} that owns its parameter tensors: `dispose()` frees `loc` and `scale`
 * too. Posterior heads return it, so that a caller outside `tf.tidy` can free everything a head
 * created with one call. Behaves as a DiagonalNormal everywhere else (KL registry included).
 *
 * ```
 * q(z) = N(loc, diag(scale^2)),   dispose() frees loc, scale and what q derived
 * ```
 * Reference: Kingma & Welling 2014, "Auto-Encoding Variational Bayes" (the Gaussian posterior).
 *
 * @example
 * ```ts
 * const q = new OwnedDiagonalNormal(tf.zeros([4, 2]), tf.ones([4, 2]));
 * q.dispose(); // frees both tensors
 * ```
 */
export class OwnedDiagonalNormal extends DiagonalNormal {
  constructor(loc: tf.Tensor, scale: tf.Tensor) {
    // A head's outputs, computed at every call: not read back (see `validateArgs`).
    super({ loc, scale, validateArgs: false });
    this.own(loc);
    this.own(scale);
  }
}
