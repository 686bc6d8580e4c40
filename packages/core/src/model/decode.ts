import * as tf from '@tensorflow/tfjs-core';
import { type Decoded, type RunModel, posteriorCenter } from './create-model';

/**
 * Decode `n` draws from the model's prior: images (pixel means) or sentences.
 *
 * @example
 * ```ts
 * const images = sampleFromPrior(model, 64, 0) as Float32Array[];
 * ```
 */
export function sampleFromPrior(model: RunModel, n: number, seed: number): Decoded {
  const z = tf.tidy(() => {
    const draws = model.prior.sample(n, { seed });
    return draws.rank === 3 ? tf.reshape(draws, [n, model.latentDim]) : draws;
  });
  try {
    return model.decodeLatents(z, { seed });
  } finally {
    z.dispose();
  }
}

/**
 * Reconstructions of `x`: the decoded centres of its posteriors (means, or mean directions on
 * the sphere), in inference mode.
 *
 * @example
 * ```ts
 * const recon = reconstruct(model, data.test.head(16));
 * ```
 */
export function reconstruct(model: RunModel, x: tf.Tensor): Decoded {
  const z = tf.tidy(() => posteriorCenter(model.encode(x, { training: false })));
  try {
    return model.decodeLatents(z);
  } finally {
    z.dispose();
  }
}
