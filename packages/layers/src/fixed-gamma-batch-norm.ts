import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { batchMoments, updateMovingAverage } from './internal/batch-moments';
import type { Kwargs, LayerArgs, Shape } from './internal/layer-types';
import { check, checkRunningStatistics } from './internal/validate';

/** Arguments of {@link fixedGammaBatchNorm} / {@link FixedGammaBatchNorm}. */
export interface FixedGammaBatchNormArgs extends LayerArgs {
  /**
   * The fixed scale `gamma > 0`: in training mode every output coordinate has batch standard
   * deviation `gamma`. Zhu et al. (2020) report `gamma` between about 0.3 and 1.0.
   */
  gamma: number;
  /** Whether the shift `beta` (initialised at 0) is trained. Default `true`. */
  learnBeta?: boolean;
  /**
   * Momentum of the running statistics, in `[0, 1]`:
   * `moving = momentum * moving + (1 - momentum) * batchStatistic`. Default `0.99` (Keras).
   */
  momentum?: number;
  /**
   * `epsilon > 0` added to the variance before the square root. Default `1e-8` (as Su): the
   * batch variance of the output is `gamma^2 v / (v + epsilon)` for a raw batch variance `v`, so
   * the KL bound holds as long as `v >> epsilon`, which a larger epsilon (PyTorch's 1e-5) would
   * give up exactly when the encoder's means collapse.
   */
  epsilon?: number;
}

/**
 * Batch normalisation of the posterior mean with a fixed scale `gamma` and a learnt shift `beta`:
 * the BN-VAE layer of Zhu et al. (2020).
 *
 * Mathematical details, per latent coordinate `j` of a batch `mu_1..mu_b`:
 * ```
 * training:   y_ij = gamma * (mu_ij - m_j) / sqrt(v_j + eps) + beta_j
 *             m_j = (1/b) sum_i mu_ij,   v_j = (1/b) sum_i (mu_ij - m_j)^2      (biased, as Keras)
 * inference:  the same with the running averages of m_j and v_j (momentum, like any batch norm)
 * ```
 * In training mode each output coordinate therefore has batch mean `beta_j` and batch variance
 * `gamma^2 v_j / (v_j + eps)` (that is `gamma^2` unless the raw means have collapsed to a
 * spread below `sqrt(eps)`), and since `sigma^2 - log sigma^2 - 1 >= 0` the batch-mean Gaussian KL
 * to `N(0, I)` is bounded below whatever the encoder does:
 * ```
 * (1/b) sum_i KL(N(y_i, sigma_i^2) || N(0, I))  >=  1/2 sum_j (beta_j^2 + gamma^2)  >=  d/2 gamma^2
 * ```
 * so the KL cannot vanish (no posterior collapse). Training needs a batch of at least 2 rows.
 *
 * Reference: Zhu, Bi, Liu, Ma, Li, Wu 2020, "A Batch Normalized Inference Network Keeps the KL
 * Vanishing Away", ACL (arXiv 2004.12585).
 *
 * @example
 * ```ts
 * const bn = fixedGammaBatchNorm({ gamma: 0.5 });
 * const mu = bn.apply(tf.randomNormal([64, 32]), { training: true }) as tf.Tensor; // [64, 32]
 * // each column of mu has mean 0 (= beta) and variance 0.25 (= gamma^2)
 * bn.klLowerBound(32); // 32/2 * (0 + 0.25) = 4
 * ```
 */
export class FixedGammaBatchNorm extends tfl.layers.Layer {
  /** @nocollapse */
  static className = 'VaekitFixedGammaBatchNorm';
  readonly gamma: number;
  readonly learnBeta: boolean;
  readonly momentum: number;
  readonly epsilon: number;
  private beta: tfl.LayerVariable | null = null;
  private movingMean: tfl.LayerVariable | null = null;
  private movingVariance: tfl.LayerVariable | null = null;

  constructor(args: FixedGammaBatchNormArgs) {
    const { gamma, learnBeta = true, momentum = 0.99, epsilon = 1e-8, ...base } = args;
    check(
      typeof gamma === 'number' && Number.isFinite(gamma) && gamma > 0,
      'fixedGammaBatchNorm gamma',
      'a finite number > 0',
      gamma,
    );
    checkRunningStatistics('fixedGammaBatchNorm', momentum, epsilon);
    super(base);
    this.gamma = gamma;
    this.learnBeta = learnBeta;
    this.momentum = momentum;
    this.epsilon = epsilon;
    this.supportsMasking = true;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const d = shape[shape.length - 1];
    check(
      typeof d === 'number' && d >= 1,
      'fixedGammaBatchNorm input',
      'a tensor whose last dimension is known',
      `shape [${shape.join(', ')}]`,
    );
    const dim = [d as number];
    this.beta = this.addWeight(
      'beta',
      dim,
      'float32',
      tfl.initializers.zeros(),
      undefined,
      this.learnBeta,
    );
    this.movingMean = this.addWeight(
      'moving_mean',
      dim,
      'float32',
      tfl.initializers.zeros(),
      undefined,
      false,
    );
    this.movingVariance = this.addWeight(
      'moving_variance',
      dim,
      'float32',
      tfl.initializers.ones(),
      undefined,
      false,
    );
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const beta = this.beta!.read();
      if (kwargs['training'] !== true) {
        const scale = tf.mul(
          tf.rsqrt(tf.add(this.movingVariance!.read(), this.epsilon)),
          this.gamma,
        );
        return tf.add(tf.mul(tf.sub(x, this.movingMean!.read()), scale), beta);
      }
      const { mean, variance } = batchMoments(x, 'fixedGammaBatchNorm');
      updateMovingAverage(this.movingMean!, mean, this.momentum);
      updateMovingAverage(this.movingVariance!, variance, this.momentum);
      const scale = tf.mul(tf.rsqrt(tf.add(variance, this.epsilon)), this.gamma);
      return tf.add(tf.mul(tf.sub(x, mean), scale), beta);
    });
  }

  /**
   * The guaranteed batch-mean KL in training mode, `1/2 sum_j (beta_j^2 + gamma^2)` (nats), for a
   * built layer (before building: `d/2 * gamma^2` with `beta = 0`, which needs `dim`).
   */
  klLowerBound(dim?: number): number {
    if (this.beta === null) {
      check(dim !== undefined, 'klLowerBound dim', 'given before the layer is built', dim);
      return 0.5 * (dim as number) * this.gamma * this.gamma;
    }
    const beta = this.beta.read().dataSync();
    let sum = 0;
    for (let j = 0; j < beta.length; j++) sum += beta[j]! * beta[j]! + this.gamma * this.gamma;
    return 0.5 * sum;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      gamma: this.gamma,
      learnBeta: this.learnBeta,
      momentum: this.momentum,
      epsilon: this.epsilon,
    };
  }
}
tf.serialization.registerClass(FixedGammaBatchNorm);

/**
 * Create a {@link FixedGammaBatchNorm} layer (Zhu et al. 2020's BN-VAE): batch norm on the
 * posterior mean with scale fixed to `gamma` and a learnt shift, so that in training mode the
 * batch-mean KL is at least `1/2 sum_j (beta_j^2 + gamma^2)`.
 *
 * @throws Error if `gamma <= 0`, `momentum` is outside `[0, 1]` or `epsilon <= 0`; when called in
 *   training mode on a batch of one row.
 * @example
 * ```ts
 * const model = tf.sequential({ layers: [
 *   tf.layers.dense({ units: 16, inputShape: [784] }),
 *   fixedGammaBatchNorm({ gamma: 0.6 }),
 * ] });
 * ```
 */
export function fixedGammaBatchNorm(args: FixedGammaBatchNormArgs): FixedGammaBatchNorm {
  return new FixedGammaBatchNorm(args);
}
