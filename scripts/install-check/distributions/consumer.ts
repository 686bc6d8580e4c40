import type * as tf from '@tensorflow/tfjs-core';
import {
  type Distribution,
  HypersphericalUniform,
  VonMisesFisher,
  klDivergence,
} from '@vaekit/distributions';

export function vmfKL(mu: tf.Tensor2D, kappa: number): tf.Tensor {
  const q: Distribution = new VonMisesFisher({
    meanDirection: mu,
    concentration: kappa,
    sampler: 'wood',
  });
  return klDivergence(q, new HypersphericalUniform({ dim: mu.shape[1] }));
}
