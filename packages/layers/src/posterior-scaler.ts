import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { batchMoments, updateMovingAverage } from './internal/batch-moments';
import type { Kwargs, LayerArgs, Shape } from './internal/layer-types';
import { check, checkRunningStatistics } from './internal/validate';

/** Arguments of {@link posteriorScaler} / {@link PosteriorScaler}. */
export interface PosteriorScalerArgs extends LayerArgs {
  /**
   * The constant `tau` in `(0, 1)`: the mean head's squared scale is at least `tau`, so the
   * batch-mean KL is at least `d/2 * tau`. Default `0.5` (Su's runs).
   */
  tau?: number;
  /** Momentum of the running statistics, in `[0, 1]`. Default `0.99` (Keras). */
  momentum?: number;
  /** `epsilon > 0` added to the batch variances. Default `1e-8` (Su). */
  epsilon?: number;
}

/**
 * Su's BN-VAE variant: one layer applied to the two raw encoder heads `[meanRaw, stdRaw]` that
 * returns `[mean, std]`, batch-normalised (no learnt centre or scale) and rescaled so that the
 * aggregate posterior matches the prior's first two moments (`E[mu] = 0`,
 * `E[mu^2] + E[sigma^2] = 1`).
 *
 * Mathematical details, per latent coordinate `j` (`theta_j` trainable, initialised at 0; `tau`
 * a constant in (0,1)):
 * ```
 * gamma_mu_j    = sqrt( tau + (1 - tau) * sigmoid(theta_j) )
 * gamma_sigma_j = sqrt( (1 - tau) * sigmoid(-theta_j) )          (gamma_mu^2 + gamma_sigma^2 = 1)
 * mean_ij = gamma_mu_j    * (meanRaw_ij - m_j) / sqrt(v_j + eps)
 * std_ij  = gamma_sigma_j * (stdRaw_ij  - m'_j) / sqrt(v'_j + eps)
 * ```
 * with batch mean / biased variance `m, v` (`m', v'`) of each head in training mode, and their
 * running averages at inference (`training: false`). In training mode each mean coordinate has
 * batch mean 0 and batch variance `gamma_mu_j^2`, so the batch-mean KL is at least
 * `1/2 sum_j gamma_mu_j^2 >= d/2 * tau`. The `std` output is used as `sigma` directly in
 * `z = mean + std * eps` (its sign does not matter; the KL uses `std^2`).
 *
 * Reference: Su Jianlin 2020, "Variational autoencoders (5): VAE + BN = a better VAE"
 * (变分自编码器（五）：VAE + BN = 更好的VAE), https://kexue.fm/archives/7381; builds on Zhu et al. 2020, "A Batch Normalized Inference Network Keeps the
 * KL Vanishing Away", ACL. Unlike the PyTorch snippet that fills the BN weight once, `theta` here
 * is a trained weight.
 *
 * @example
 * ```ts
 * const scaler = posteriorScaler({ tau: 0.5 });
 * const [mean, std] = scaler.apply([meanRaw, stdRaw], { training: true }) as tf.Tensor[];
 * const z = tf.add(mean, tf.mul(std, tf.randomNormal(mean.shape)));
 * ```
 */
export class PosteriorScaler extends tfl.layers.Layer {
  /** @nocollapse */
  static className = 'VaekitPosteriorScaler';
  readonly tau: number;
  readonly momentum: number;
  readonly epsilon: number;
  private theta: tfl.LayerVariable | null = null;
  private moving: tfl.LayerVariable[] = [];

  constructor(args: PosteriorScalerArgs = {}) {
    const { tau = 0.5, momentum = 0.99, epsilon = 1e-8, ...base } = args;
    check(
      typeof tau === 'number' && tau > 0 && tau < 1,
      'posteriorScaler tau',
      'a number in the open interval (0, 1)',
      tau,
    );
    checkRunningStatistics('posteriorScaler', momentum, epsilon);
    super(base);
    this.tau = tau;
    this.momentum = momentum;
    this.epsilon = epsilon;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shapes = inputShape as Shape[];
    check(
      Array.isArray(shapes[0]) && shapes.length === 2,
      'posteriorScaler input',
      'a list of two tensors [meanRaw, stdRaw]',
      JSON.stringify(inputShape),
    );
    const [a, b] = shapes as [Shape, Shape];
    const d = a[a.length - 1];
    check(
      typeof d === 'number' && b[b.length - 1] === d,
      'posteriorScaler inputs',
      'two tensors with the same known last dimension',
      JSON.stringify(inputShape),
    );
    const dim = [d as number];
    this.theta = this.addWeight('theta', dim, 'float32', tfl.initializers.zeros(), undefined, true);
    this.moving = [
      this.addWeight('moving_mean_mu', dim, 'float32', tfl.initializers.zeros(), undefined, false),
      this.addWeight(
        'moving_variance_mu',
        dim,
        'float32',
        tfl.initializers.ones(),
        undefined,
        false,
      ),
      this.addWeight(
        'moving_mean_sigma',
        dim,
        'float32',
        tfl.initializers.zeros(),
        undefined,
        false,
      ),
      this.addWeight(
        'moving_variance_sigma',
        dim,
        'float32',
        tfl.initializers.ones(),
        undefined,
        false,
      ),
    ];
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape[] {
    const shapes = inputShape as Shape[];
    return [shapes[0]!, shapes[1]!];
  }

  override computeMask(): tf.Tensor | tf.Tensor[] {
    return [null, null] as unknown as tf.Tensor[];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor[] {
    return tf.tidy(() => {
      check(
        Array.isArray(inputs) && inputs.length === 2,
        'posteriorScaler input',
        'a list [meanRaw, stdRaw]',
        'a single tensor',
      );
      const [meanRaw, stdRaw] = inputs as tf.Tensor[];
      const [gammaMu, gammaSigma] = this.scalesOf(this.theta!.read());
      const training = kwargs['training'] === true;
      const normalise = (x: tf.Tensor, head: 0 | 1): tf.Tensor => {
        const movingMean = this.moving[2 * head]!;
        const movingVariance = this.moving[2 * head + 1]!;
        if (!training) {
          return tf.mul(
            tf.sub(x, movingMean.read()),
            tf.rsqrt(tf.add(movingVariance.read(), this.epsilon)),
          );
        }
        const { mean, variance } = batchMoments(x, 'posteriorScaler');
        updateMovingAverage(movingMean, mean, this.momentum);
        updateMovingAverage(movingVariance, variance, this.momentum);
        return tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.epsilon)));
      };
      return [tf.mul(normalise(meanRaw!, 0), gammaMu), tf.mul(normalise(stdRaw!, 1), gammaSigma)];
    });
  }

  /**
   * The current scales `[gamma_mu, gamma_sigma]`, each of shape `[d]` (a built layer):
   * `gamma_mu = sqrt(tau + (1-tau) sigmoid(theta))`, `gamma_sigma = sqrt((1-tau) sigmoid(-theta))`.
   */
  scales(): [tf.Tensor1D, tf.Tensor1D] {
    check(
      this.theta !== null,
      'posteriorScaler',
      'built (called once) before reading its scales',
      'an unbuilt layer',
    );
    return tf.tidy(() => this.scalesOf(this.theta!.read())) as [tf.Tensor1D, tf.Tensor1D];
  }

  /** The guaranteed batch-mean KL in training mode, `1/2 sum_j gamma_mu_j^2 >= d/2 * tau` (a built layer). */
  klLowerBound(): number {
    const [gammaMu, gammaSigma] = this.scales();
    const g = gammaMu.dataSync();
    gammaMu.dispose();
    gammaSigma.dispose();
    let sum = 0;
    for (let j = 0; j < g.length; j++) sum += g[j]! * g[j]!;
    return 0.5 * sum;
  }

  private scalesOf(theta: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const gammaMu = tf.sqrt(tf.add(tf.mul(tf.sigmoid(theta), 1 - this.tau), this.tau));
    const gammaSigma = tf.sqrt(tf.mul(tf.sigmoid(tf.neg(theta)), 1 - this.tau));
    return [gammaMu, gammaSigma];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), tau: this.tau, momentum: this.momentum, epsilon: this.epsilon };
  }
}
tf.serialization.registerClass(PosteriorScaler);

/**
 * Create a {@link PosteriorScaler} (Su's BN-VAE variant): apply it to `[meanRaw, stdRaw]` to get
 * `[mean, std]` with `gamma_mu = sqrt(tau + (1-tau) sigmoid(theta))` on the batch-normalised mean
 * and `gamma_sigma = sqrt((1-tau) sigmoid(-theta))` on the batch-normalised std; batch-mean KL
 * `>= d/2 * tau` in training mode.
 *
 * @throws Error if `tau` is outside `(0, 1)`, `momentum` outside `[0, 1]` or `epsilon <= 0`; when
 *   called in training mode on a batch of one row.
 * @example
 * ```ts
 * const h = tf.input({ shape: [64] });
 * const [mean, std] = posteriorScaler({ tau: 0.5 }).apply([
 *   tf.layers.dense({ units: 32 }).apply(h), tf.layers.dense({ units: 32 }).apply(h),
 * ]) as tf.SymbolicTensor[];
 * ```
 */
export function posteriorScaler(args: PosteriorScalerArgs = {}): PosteriorScaler {
  return new PosteriorScaler(args);
}
