import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Distribution } from '@vaekit/distributions';
import type {
  HeadApplyOptions,
  PosteriorHeadConfig,
  PosteriorHeadOptions,
} from '../posterior-head';
import type { PriorConfig } from '../priors';
import { HeadBase } from './head-base';
import { check } from './validate';

/** The settings every head of a distribution on the sphere shares (vMF, Power Spherical). */
export interface SphericalHeadSettings {
  /** Ambient dimension `d >= 2` (the latent lives on `S^{d-1}`). */
  latentDim: number;
  /** Fixed concentration `kappa >= 0` (default 50 when `learnKappa` is false). */
  kappa?: number;
  /** Learn `kappa = softplus(Dense(features)) + kappaMin` per example instead. Default false. */
  learnKappa?: boolean;
  /** Lower bound added to a learned kappa (default 1). */
  kappaMin?: number;
}

/** Default fixed concentration when neither `kappa` nor `learnKappa` is given. */
const DEFAULT_KAPPA = 50;

/**
 * Shared part of the posterior heads on the unit sphere: a linear map of the features,
 * normalised, is the mean direction; the concentration is fixed or learned per example. A
 * subclass names its family and builds its distribution from `(mu, kappa)`.
 *
 * ```
 * mu = v / ||v||,  v = W_mu h + b_mu  (e_1 when v = 0);   kappa = fixed,  or  softplus(w_k^T h + b_k) + kappaMin
 * ```
 * References: Davidson et al. 2018, "Hyperspherical Variational Auto-Encoders"; De Cao & Aziz
 * 2020, "The Power Spherical distribution".
 *
 * @example
 * ```ts
 * class MyHead extends SphericalHeadBase<MyHeadConfig> {
 *   constructor(config: Omit<MyHeadConfig, 'family'>, options: PosteriorHeadOptions = {}) {
 *     super({ ...config, family: 'my' }, options);
 *   }
 *   protected posterior(mu: tf.Tensor, kappa: number | tf.Tensor) { return new MyDistribution(mu, kappa); }
 * }
 * ```
 */
export abstract class SphericalHeadBase<
  C extends PosteriorHeadConfig & SphericalHeadSettings,
> extends HeadBase<C> {
  readonly layers: tfl.layers.Layer[];
  /** The posterior lives on the unit sphere `S^{d-1}`. */
  readonly support = 'sphere' as const;
  /** The uniform distribution on `S^{d-1}`. */
  readonly defaultPrior: PriorConfig = { kind: 'hyperspherical-uniform' };
  /** The fixed concentration, or `null` when it is learned. */
  readonly kappa: number | null;
  private readonly directionLayer: tfl.layers.Layer;
  private readonly kappaLayer: tfl.layers.Layer | null;
  private readonly kappaMin: number;

  protected constructor(config: C, options: PosteriorHeadOptions) {
    super(config, options);
    const { family, kappa, learnKappa = false, kappaMin = 1 } = config;
    check(
      this.latentDim >= 2,
      `${family} head latentDim`,
      'an integer >= 2 (the sphere S^{d-1} lives in R^d)',
      this.latentDim,
    );
    check(
      !(learnKappa && kappa !== undefined),
      `${family} head kappa`,
      'left out when learnKappa is true',
      kappa,
    );
    check(
      kappa === undefined || (typeof kappa === 'number' && Number.isFinite(kappa) && kappa >= 0),
      `${family} head kappa`,
      'a finite number >= 0',
      kappa,
    );
    check(
      Number.isFinite(kappaMin) && kappaMin >= 0,
      `${family} head kappaMin`,
      'a finite number >= 0',
      kappaMin,
    );
    this.kappa = learnKappa ? null : (kappa ?? DEFAULT_KAPPA);
    this.kappaMin = kappaMin;
    this.directionLayer = this.dense('direction', this.latentDim);
    this.kappaLayer = learnKappa ? this.dense('kappa', 1) : null;
    this.layers =
      this.kappaLayer === null ? [this.directionLayer] : [this.directionLayer, this.kappaLayer];
  }

  /** The posterior with mean direction `mu` `[B, d]` and concentration `kappa`, owning both. */
  protected abstract posterior(mu: tf.Tensor, kappa: number | tf.Tensor): Distribution;

  apply(features: tf.Tensor, _options: HeadApplyOptions = {}): Distribution {
    const [direction, kappa] = tf.tidy(() => {
      const v = this.directionLayer.apply(features) as tf.Tensor;
      // A zero vector (e.g. all-zero features) has no direction: it maps to e_1.
      const squaredNorm = tf.sum(tf.square(v), -1, true);
      const e1 = tf.concat([tf.ones([1]), tf.zeros([this.latentDim - 1])]);
      const safe = tf.add(v, tf.mul(tf.step(tf.sub(1e-30, squaredNorm)), e1)); // step: zero gradient
      const mu = tf.div(safe, tf.norm(safe, 'euclidean', -1, true));
      if (this.kappaLayer === null) return [mu];
      const raw = tf.squeeze(this.kappaLayer.apply(features) as tf.Tensor, [-1]);
      return [mu, tf.add(tf.softplus(raw), this.kappaMin)];
    });
    return this.posterior(direction!, kappa ?? (this.kappa as number));
  }
}
