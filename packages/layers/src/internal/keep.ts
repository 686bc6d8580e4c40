import * as tf from '@tensorflow/tfjs-core';
import type { Distribution } from '@vaekit/distributions';

/**
 * `tf.keep` every tensor a distribution holds (its parameters and the tensors it owns), so that a
 * long-lived distribution (a model's prior) survives an enclosing `tf.tidy`. Free it with
 * `dispose()` (and its parameters, for a caller-owned one).
 */
export function keepDistribution<D extends Distribution>(d: D): D {
  for (const value of Object.values(d)) {
    if (value instanceof tf.Tensor) tf.keep(value);
    else if (Array.isArray(value)) for (const v of value) if (v instanceof tf.Tensor) tf.keep(v);
  }
  return d;
}
