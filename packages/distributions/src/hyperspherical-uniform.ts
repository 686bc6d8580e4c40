import * as tf from '@tensorflow/tfjs-core';
import { Distribution } from './distribution';
import { deriveSeed } from './internal/seed';
import { broadcastShapes } from './internal/shapes';
import { check } from './internal/validate';
import { registerKL } from './kl';
import { logSphereSurfaceArea } from './special/log-sphere-surface-area';

/** Constructor arguments of {@link HypersphericalUniform}. */
export interface HypersphericalUniformArgs {
  /** Ambient dimension `d >= 2`: the distribution lives on the unit sphere `S^{d-1}` in `R^d`. */
  dim: number;
  /** Batch shape (default `[]`). */
  batchShape?: number[];
}

/**
 * The uniform distribution on the unit hypersphere `S^{d-1} = { z in R^d : ||z|| = 1 }`, the
 * prior of the hyperspherical (vMF) VAE. It is the von Mises-Fisher distribution with
 * concentration 0.
 *
 * Mathematical details:
 * ```
 * |S^{d-1}| = 2 pi^(d/2) / Gamma(d/2)                    (surface area)
 * log p(z)  = -log |S^{d-1}|                              (constant on the sphere)
 * entropy   =  log |S^{d-1}|,   mean = 0
 * sample:     z = eps / ||eps||,  eps ~ N(0, I_d)         (Muller 1959)
 * ```
 * `logProb` checks the event shape only: it does not check that the value lies on the sphere.
 * The distribution has no parameters, so `rsample` equals `sample`.
 *
 * Reference: Davidson et al. 2018, "Hyperspherical Variational Auto-Encoders" (UAI);
 * M. E. Muller 1959, "A note on a method for generating points uniformly on n-dimensional spheres".
 *
 * @example
 * ```ts
 * const prior = new HypersphericalUniform({ dim: 3 });
 * prior.sample(5, { seed: 1 }).shape;           // [5, 3], unit rows
 * prior.entropy().dataSync()[0];                // log(4 pi) = 2.5310...
 * ```
 */
export class HypersphericalUniform extends Distribution {
  readonly dim: number;

  constructor({ dim, batchShape = [] }: HypersphericalUniformArgs) {
    check(
      Number.isInteger(dim) && dim >= 2,
      'dim',
      'an integer >= 2 (the sphere S^{d-1} lives in R^d)',
      dim,
    );
    check(
      Array.isArray(batchShape) && batchShape.every((n) => Number.isInteger(n) && n >= 1),
      'batchShape',
      'a list of positive integers',
      batchShape,
    );
    super(batchShape, [dim]);
    this.dim = dim;
  }

  /** `log |S^{d-1}| = log 2 + (d/2) log pi - log Gamma(d/2)`, in float64. */
  logSurfaceArea(): number {
    return logSphereSurfaceArea(this.dim);
  }

  protected _rsample(sampleShape: number[], seed: number | undefined): tf.Tensor {
    const eps = tf.randomNormal(
      this.sampleEventShape(sampleShape),
      0,
      1,
      'float32',
      deriveSeed(seed, 0),
    );
    return tf.mul(eps, tf.rsqrt(tf.maximum(tf.sum(tf.square(eps), -1, true), 1e-30)));
  }

  protected _logProb(value: tf.Tensor): tf.Tensor {
    const shape = broadcastShapes(value.shape.slice(0, -1), this.batchShape, 'value batch shape');
    return tf.fill(shape, -this.logSurfaceArea());
  }

  protected override _entropy(): tf.Tensor {
    return tf.fill(this.batchShape, this.logSurfaceArea());
  }

  protected _mean(): tf.Tensor {
    return tf.zeros([...this.batchShape, this.dim]);
  }

  protected _detached(): HypersphericalUniform {
    return new HypersphericalUniform({ dim: this.dim, batchShape: this.batchShape });
  }
}

/** `KL(U(S^{d-1}) || U(S^{d-1})) = 0`, shape: the broadcast of the two batch shapes. */
export function klHypersphericalUniformHypersphericalUniform(
  p: HypersphericalUniform,
  q: HypersphericalUniform,
): tf.Tensor {
  check(
    p.dim === q.dim,
    'KL(HypersphericalUniform || HypersphericalUniform)',
    `over the same dimension ${q.dim}`,
    `dimension ${p.dim}`,
  );
  return tf.zeros(broadcastShapes(p.batchShape, q.batchShape, 'KL batch shapes'));
}

registerKL(
  HypersphericalUniform,
  HypersphericalUniform,
  klHypersphericalUniformHypersphericalUniform,
);
