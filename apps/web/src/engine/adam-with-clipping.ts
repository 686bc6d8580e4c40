import * as tf from '@tensorflow/tfjs-core';

type GradientMap = Record<string, tf.Variable>;

/**
 * Adam (Kingma & Ba 2015) with global-norm gradient clipping (Pascanu et al. 2013), as the CLI's
 * trainer (`@vaekit/trainer`'s AdamWithClipping, which the browser cannot import: its package
 * also reads files with node:fs).
 *
 * ```
 * g <- g * min(1, c / ||g||_2)      (||g|| over all variables together; c = 0 disables)
 * ```
 */
export class AdamWithClipping {
  private readonly adam: tf.AdamOptimizer;

  constructor(
    learningRate: number,
    readonly clipNorm: number,
  ) {
    this.adam = tf.train.adam(learningRate);
  }

  /** Clip and apply gradients (variable name to gradient); returns the norm before clipping. */
  apply(gradients: tf.NamedTensorMap): number {
    const names = Object.keys(gradients);
    const norm = tf.tidy(() =>
      tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(gradients[n]!))))),
    );
    const value = norm.dataSync()[0]!;
    norm.dispose();
    if (this.clipNorm > 0 && value > this.clipNorm) {
      const scale = this.clipNorm / value;
      const clipped = tf.tidy(() =>
        Object.fromEntries(names.map((n) => [n, tf.mul(gradients[n]!, scale)])),
      );
      this.adam.applyGradients(clipped as unknown as GradientMap);
      tf.dispose(Object.values(clipped));
    } else {
      this.adam.applyGradients(gradients as unknown as GradientMap);
    }
    return value;
  }

  dispose(): void {
    this.adam.dispose();
  }
}
