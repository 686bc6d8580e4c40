import * as tf from '@tensorflow/tfjs-core';

/** A tensor with a name, as optimizers save their state. */
export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

// tfjs types `applyGradients` as taking variables; it takes gradient tensors by variable name.
type GradientMap = Record<string, tf.Variable>;

const ACC_BETA1 = 'adam/accBeta1';
const ACC_BETA2 = 'adam/accBeta2';

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
    const copies = weights.map(({ name, tensor }) => ({ name, tensor: tensor.clone() }));
    // The step count comes back as a fresh scalar (the moments are the optimizer's own variables).
    for (const { name, tensor } of weights) if (name === 'iter') tensor.dispose();
    // tfjs's setWeights recomputes beta^t with pow(), which differs in the last bits from the
    // running product an uninterrupted run has: save the products for a bit-exact resume.
    const { accBeta1, accBeta2 } = this.biasCorrections();
    return [
      ...copies,
      { name: ACC_BETA1, tensor: accBeta1.clone() },
      { name: ACC_BETA2, tensor: accBeta2.clone() },
    ];
  }

  /** Restore a state from {@link AdamWithClipping.getState}. */
  async setState(state: NamedTensor[]): Promise<void> {
    const find = (name: string) => state.find((n) => n.name === name)?.tensor;
    await this.adam.setWeights(state.filter((n) => n.name !== ACC_BETA1 && n.name !== ACC_BETA2));
    const [b1, b2] = [find(ACC_BETA1), find(ACC_BETA2)];
    const { accBeta1, accBeta2 } = this.biasCorrections();
    if (b1 !== undefined) accBeta1.assign(b1);
    if (b2 !== undefined) accBeta2.assign(b2);
  }

  /** Adam's running products beta1^t and beta2^t (private in tfjs). */
  private biasCorrections(): { accBeta1: tf.Variable; accBeta2: tf.Variable } {
    return this.adam as unknown as { accBeta1: tf.Variable; accBeta2: tf.Variable };
  }

  dispose(): void {
    this.adam.dispose();
  }
}
