import * as tf from '@tensorflow/tfjs-core';

/** A tensor with a name, as optimizers save their state. */
export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

// tfjs types `applyGradients` as taking variables; it takes gradient tensors by variable name.
type GradientMap = Record<string, tf.Variable>;

/**
 * Adam (Kingma & Ba 2015) with global-norm gradient clipping (Pascanu et al. 2013) and a
 * learning rate that can be changed between steps (for decay on plateau). Its whole state
 * (step count and both moment estimates) can be saved and restored, so a resumed run continues
 * the same trajectory.
 *
 * ```
 * g <- g * min(1, c / ||g||_2)            (||g|| over all variables together; c = 0 disables)
 * m <- b1 m + (1 - b1) g,  v <- b2 v + (1 - b2) g^2,  theta <- theta - lr m^ / (sqrt(v^) + eps)
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

  get learningRate(): number {
    return (this.adam as unknown as { learningRate: number }).learningRate;
  }

  set learningRate(value: number) {
    // AdamOptimizer reads `learningRate` on every step; tfjs has no public setter.
    (this.adam as unknown as { learningRate: number }).learningRate = value;
  }

  /**
   * Clip and apply gradients (a map from variable name to gradient). Returns the global norm
   * before clipping. The gradients are not disposed.
   */
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

  /** The optimizer state as named tensors (copies the caller owns). */
  async getState(): Promise<NamedTensor[]> {
    const weights = await this.adam.getWeights();
    return weights.map(({ name, tensor }) => ({ name, tensor: tensor.clone() }));
  }

  /** Restore a state from {@link AdamWithClipping.getState}. */
  async setState(state: NamedTensor[]): Promise<void> {
    await this.adam.setWeights(state);
  }

  dispose(): void {
    this.adam.dispose();
  }
}
