import * as tf from '@tensorflow/tfjs-core';
import type { SampleOptions } from '@vaekit/distributions';
import { deriveSeed, stopGradient } from '@vaekit/distributions/internal';
import { bernoulliLogProb } from './bernoulli-log-prob';
import { check } from './internal/validate';
import type { Likelihood } from './latent-variable-model';

const LOG_TWO_PI = Math.log(2 * Math.PI);

/** Flatten `[N, ...]` to `[N, D]`, checking `D`. */
function flatten(x: tf.Tensor, dim: number, what: string): tf.Tensor2D {
  const rows = x.shape[0]!;
  check(
    x.rank >= 1 && x.size === rows * dim,
    what,
    `of shape [N, ...] with ${dim} values per row`,
    `shape [${x.shape.join(', ')}]`,
  );
  return tf.reshape(x, [rows, dim]) as tf.Tensor2D;
}

/**
 * Independent Bernoulli pixels given by logits `[N, D]`: the likelihood of binarised images.
 *
 * ```
 * log p(x | z) = sum_k x_k l_k - softplus(l_k),    l = decoder logits
 * sample:  x~_k = 1[u_k < sigmoid(l_k)],  u_k ~ U(0, 1)     (E[x~_k] = sigmoid(l_k))
 * ```
 * Reference: Kingma & Welling 2014, appendix C.1.
 *
 * @example
 * ```ts
 * const px = new BernoulliLikelihood(logits);   // logits [N, 784]
 * px.logProb(images).shape;                      // [N]   (images [N, 28, 28] or [N, 784])
 * px.sample({ seed: 1 });                        // [N, 784] of 0 and 1 (float32)
 * ```
 */
export class BernoulliLikelihood implements Likelihood {
  constructor(readonly logits: tf.Tensor2D) {}

  logProb(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => bernoulliLogProb(this.logits, flatten(x, this.logits.shape[1], 'x')));
  }

  /** Pixel probabilities `sigmoid(l)`, `[N, D]`. */
  mean(): tf.Tensor2D {
    return tf.sigmoid(this.logits);
  }

  /**
   * One binary image per row, `x~_k = 1[u_k < sigmoid(l_k)]`: float32 `[N, D]` of 0 and 1 (the
   * flattened shape `logProb` reads), without gradient. The same seed on the same backend gives
   * the same draw.
   */
  sample(options: SampleOptions = {}): tf.Tensor2D {
    return tf.tidy(() => {
      const u = tf.randomUniform(this.logits.shape, 0, 1, 'float32', deriveSeed(options.seed, 0));
      return tf.cast(tf.less(u, tf.sigmoid(this.logits)), 'float32') as tf.Tensor2D;
    });
  }

  /** Free the logits. */
  dispose(): void {
    this.logits.dispose();
  }
}

/**
 * Independent Gaussian pixels `N(mu_k, sigma_k^2)`, with `log sigma^2` from the decoder or fixed.
 *
 * ```
 * log p(x | z) = sum_k -1/2 (log 2 pi + log sigma_k^2 + (x_k - mu_k)^2 / sigma_k^2)
 * sample:  x~_k = mu_k + sigma_k eps_k,  eps_k ~ N(0, 1),  sigma_k = exp(1/2 log sigma_k^2)
 * ```
 * Reference: Kingma & Welling 2014, appendix C.2.
 *
 * @example
 * ```ts
 * const px = new GaussianLikelihood(mean, tf.fill(mean.shape, Math.log(0.1 ** 2)));
 * px.logProb(images); // [N]
 * px.sample({ seed: 1 }); // [N, D]
 * ```
 */
export class GaussianLikelihood implements Likelihood {
  constructor(
    readonly loc: tf.Tensor2D,
    readonly logVariance: tf.Tensor,
  ) {}

  logProb(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const flat = flatten(x, this.loc.shape[1], 'x');
      const sq = tf.div(tf.square(tf.sub(flat, this.loc)), tf.exp(this.logVariance));
      return tf.mul(tf.sum(tf.add(tf.add(sq, this.logVariance), LOG_TWO_PI), 1), -0.5);
    });
  }

  /** The mean `mu`, `[N, D]`. */
  mean(): tf.Tensor2D {
    return tf.clone(this.loc);
  }

  /**
   * One image per row, `x~ = mu + sigma * eps` with `eps ~ N(0, I)`: float32 `[N, D]`, without
   * gradient. The same seed on the same backend gives the same draw.
   */
  sample(options: SampleOptions = {}): tf.Tensor2D {
    return tf.tidy(() => {
      const eps = tf.randomNormal(this.loc.shape, 0, 1, 'float32', deriveSeed(options.seed, 0));
      const sigma = tf.exp(tf.mul(this.logVariance, 0.5));
      return stopGradient(tf.add(this.loc, tf.mul(sigma, eps))) as tf.Tensor2D;
    });
  }

  /** Free the parameters. */
  dispose(): void {
    this.loc.dispose();
    this.logVariance.dispose();
  }
}
