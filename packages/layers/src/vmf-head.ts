import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type Distribution, VonMisesFisher } from '@vaekit/distributions';
import { HeadBase } from './internal/head-base';
import { check } from './internal/validate';
import type { HeadApplyOptions, PosteriorHeadOptions } from './posterior-head';
import type { PriorConfig } from './priors';

/** JSON configuration of a {@link vmfHead} (Davidson et al. 2018; Xu & Durrett 2018). */
export interface VMFHeadConfig {
  family: 'vmf';
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
 * A von Mises-Fisher {@link VonMisesFisher} that owns its parameter tensors (`dispose()` frees
 * the mean direction and a tensor concentration too).
 */
class OwnedVonMisesFisher extends VonMisesFisher {
  constructor(meanDirection: tf.Tensor, concentration: number | tf.Tensor) {
    super({ meanDirection, concentration });
    this.own(meanDirection);
    if (concentration instanceof tf.Tensor) this.own(concentration);
  }
}

/**
 * The hyperspherical posterior head (vMF-VAE), latent family `'vmf'`: a linear map of the
 * features, normalised to the unit sphere, is the mean direction of a von Mises-Fisher posterior;
 * the concentration is a fixed hyperparameter (Xu & Durrett 2018: the KL is then a constant and cannot collapse) or
 * learned per example (Davidson et al. 2018).
 *
 * Mathematical details:
 * ```
 * mu = v / ||v||,  v = W_mu h + b_mu  (e_1 when v = 0);      kappa = fixed,  or  softplus(w_k^T h + b_k) + kappaMin
 * q(z|x) = vMF(mu, kappa) on S^{d-1},       p(z) = Uniform(S^{d-1})
 * KL(q || p) = kappa A_d(kappa) + log C_d(kappa) + log |S^{d-1}|       (independent of mu)
 * ```
 * References: Davidson, Falorsi, De Cao, Kipf, Tomczak 2018, "Hyperspherical Variational
 * Auto-Encoders" (UAI); Xu & Durrett 2018, "Spherical Latent Spaces for Stable Variational
 * Autoencoders" (EMNLP).
 *
 * @example
 * ```ts
 * const head = vmfHead({ latentDim: 32, kappa: 80 });
 * const q = head.apply(features);                    // VonMisesFisher, batch [B], event [32]
 * klDivergence(q, createPrior(head.defaultPrior, 32)); // the same constant for every row
 * ```
 */
export class VMFHead extends HeadBase<VMFHeadConfig> {
  readonly layers: tfl.layers.Layer[];
  /** vMF posteriors live on the unit sphere `S^{d-1}`. */
  readonly support = 'sphere' as const;
  /** The uniform distribution on `S^{d-1}`. */
  readonly defaultPrior: PriorConfig = { kind: 'hyperspherical-uniform' };
  /** The fixed concentration, or `null` when it is learned. */
  readonly kappa: number | null;
  private readonly directionLayer: tfl.layers.Layer;
  private readonly kappaLayer: tfl.layers.Layer | null;
  private readonly kappaMin: number;

  constructor(config: Omit<VMFHeadConfig, 'family'>, options: PosteriorHeadOptions = {}) {
    super({ ...config, family: 'vmf' }, options);
    const { kappa, learnKappa = false, kappaMin = 1 } = config;
    check(
      this.latentDim >= 2,
      'vmf head latentDim',
      'an integer >= 2 (the sphere S^{d-1} lives in R^d)',
      this.latentDim,
    );
    check(
      !(learnKappa && kappa !== undefined),
      'vmf head kappa',
      'left out when learnKappa is true',
      kappa,
    );
    check(
      kappa === undefined || (typeof kappa === 'number' && Number.isFinite(kappa) && kappa >= 0),
      'vmf head kappa',
      'a finite number >= 0',
      kappa,
    );
    check(
      Number.isFinite(kappaMin) && kappaMin >= 0,
      'vmf head kappaMin',
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
    return new OwnedVonMisesFisher(direction!, kappa ?? (this.kappa as number));
  }
}

/**
 * Create a {@link VMFHead} (Davidson et al. 2018; Xu & Durrett 2018): a von Mises-Fisher
 * posterior with normalised mean direction and a fixed (`kappa`, default 50) or learned
 * (`learnKappa: true`) concentration; default prior uniform on the sphere.
 *
 * @throws Error if `latentDim < 2`, `kappa < 0`, or both `kappa` and `learnKappa` are given.
 * @example
 * ```ts
 * const fixed = vmfHead({ latentDim: 16, kappa: 80 });
 * const learned = vmfHead({ latentDim: 16, learnKappa: true, kappaMin: 1 });
 * ```
 */
export function vmfHead(args: Omit<VMFHeadConfig, 'family'> & PosteriorHeadOptions): VMFHead {
  const { name, seed, ...config } = args;
  return new VMFHead(config, { name, seed });
}
