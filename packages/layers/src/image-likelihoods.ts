import * as tf from '@tensorflow/tfjs-core';
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
 * ```
 * Reference: Kingma & Welling 2014, appendix C.1.
 *
 * @example
 * ```ts
 * const px = new BernoulliLikelihood(logits);   // logits [N, 784]
 * px.logProb(images).shape;                      // [N]   (images [N, 28, 28] or [N, 784])
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
 * ```
 * Reference: Kingma & Welling 2014, appendix C.2.
 *
 * @example
 * ```ts
 * const px = new GaussianLikelihood(mean, tf.fill(mean.shape, Math.log(0.1 ** 2)));
 * px.logProb(images); // [N]
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

  /** Free the parameters. */
  dispose(): void {
    this.loc.dispose();
    this.logVariance.dispose();
  }
}
