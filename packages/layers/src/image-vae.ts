import * as tf from '@tensorflow/tfjs-core';
import type { Distribution } from '@vaekit/distributions';
import type { BernoulliLikelihood, GaussianLikelihood } from './image-likelihoods';
import { keepDistribution } from './internal/keep';
import { resolvePrior } from './internal/resolve-prior';
import { check } from './internal/validate';
import { VAEBase, loadVAE } from './internal/vae-base';
import type { LatentVariableModel, ModelCallOptions } from './latent-variable-model';
import { MLPDecoder } from './mlp-decoder';
import { type MLPActivation, MLPEncoder } from './mlp-encoder';
import { type PosteriorHead, type PosteriorHeadConfig, posteriorHead } from './posterior-head';
import { type PriorConfig, createPrior } from './priors';
import { deriveSeed } from '@vaekit/distributions/internal';

/**
 * Configuration of an {@link ImageVAE}: plain JSON, so a run directory can store it and rebuild
 * the model (`new ImageVAE(config)`, then load the weights).
 */
export interface ImageVAEConfig {
  /** Pixels per image (flattened), e.g. 784 for 28x28 MNIST. */
  inputDim: number;
  /** Encoder hidden layers (default `[512, 256]`). */
  hiddenUnits?: number[];
  /** Decoder hidden layers (default: `hiddenUnits` reversed). */
  decoderHiddenUnits?: number[];
  /** Hidden activation (default `'relu'`). */
  activation?: MLPActivation;
  /** The posterior family and its settings (`latentDim` included). */
  head: PosteriorHeadConfig;
  /**
   * The prior `p(z)` (default: the head family's `defaultPrior`, `{ kind: 'standard-normal' }`
   * for the Gaussian families, `{ kind: 'hyperspherical-uniform' }` for vMF). Its support must
   * be the posterior's.
   */
  prior?: PriorConfig;
  /** Pixel likelihood: `'bernoulli'` (binarised pixels, default) or `'gaussian'`. */
  likelihood?: 'bernoulli' | 'gaussian';
  /** Gaussian likelihood: fixed pixel std `sigma > 0` or `'learned'` (default). */
  gaussianScale?: number | 'learned';
  /** Seed of the initial weights. */
  seed?: number;
}

type FullImageVAEConfig = Required<Omit<ImageVAEConfig, 'seed'>> & { seed?: number };

/**
 * A VAE for images: MLP encoder, a posterior head (Gaussian, BN-VAE, Su's BN-VAE or vMF), and
 * an MLP decoder with a Bernoulli or Gaussian pixel likelihood. Implements
 * {@link LatentVariableModel}, so every objective of `@vaekit/objectives` trains it.
 *
 * ```
 * q(z|x) = head(MLP_enc(x)),   p(z) = createPrior(prior ?? head.defaultPrior, d),   p(x|z) = Bernoulli(sigmoid(MLP_dec(z)))  or  N(MLP_dec(z), sigma^2)
 * ```
 * The posterior head (and the BN-VAE scaler in it) belongs to the encoder: `encoderVariables`
 * are the inference network's parameters (phi), `decoderVariables` the generative network's
 * (theta); e.g. PIWAE (Rainforth et al. 2018) gives each list its own objective.
 *
 * References: Kingma & Welling 2014, "Auto-Encoding Variational Bayes"; Zhu et al. 2020 (BN-VAE);
 * Davidson et al. 2018 (hyperspherical VAE).
 *
 * @example
 * ```ts
 * const vae = new ImageVAE({ inputDim: 784, head: { family: 'bn', latentDim: 32, gamma: 0.6 } });
 * const optimizer = tf.train.adam(1e-3);
 * optimizer.minimize(() => {
 *   const q = vae.encode(x, { training: true });
 *   const z = q.rsample();
 *   const elbo = tf.sub(vae.decode(z).logProb(x), klDivergence(q, vae.prior));
 *   return tf.neg(tf.mean(elbo));
 * }, false, vae.trainableVariables);
 * await vae.save(tf.io.withSaveHandler(async (artifacts) => ...));
 * ```
 */
export class ImageVAE extends VAEBase<FullImageVAEConfig> implements LatentVariableModel {
  protected readonly kind = 'ImageVAE';
  /** The configuration with its defaults filled in. */
  readonly config: FullImageVAEConfig;
  readonly encoder: MLPEncoder;
  readonly head: PosteriorHead;
  readonly decoder: MLPDecoder;
  readonly prior: Distribution;

  constructor(config: ImageVAEConfig) {
    super();
    check(
      typeof config === 'object' && config !== null && typeof config.head === 'object',
      'ImageVAE config',
      'an object with a head',
      config,
    );
    const head = posteriorHead(
      { ...config.head },
      { name: 'posterior', seed: deriveSeed(config.seed, 1) },
    );
    const hiddenUnits = config.hiddenUnits ?? [512, 256];
    const full = {
      inputDim: config.inputDim,
      hiddenUnits: [...hiddenUnits],
      decoderHiddenUnits: [...(config.decoderHiddenUnits ?? [...hiddenUnits].reverse())],
      activation: config.activation ?? 'relu',
      head: { ...config.head },
      prior: resolvePrior('ImageVAE', head, config.prior),
      likelihood: config.likelihood ?? 'bernoulli',
      gaussianScale: config.gaussianScale ?? 'learned',
      ...(config.seed !== undefined ? { seed: config.seed } : {}),
    } as FullImageVAEConfig;
    this.config = full;
    this.encoder = new MLPEncoder(
      { inputDim: full.inputDim, hiddenUnits: full.hiddenUnits, activation: full.activation },
      { name: 'encoder', seed: deriveSeed(config.seed, 0) },
    );
    this.head = head;
    this.decoder = new MLPDecoder(
      {
        latentDim: this.head.latentDim,
        outputDim: full.inputDim,
        hiddenUnits: full.decoderHiddenUnits,
        activation: full.activation,
        likelihood: full.likelihood,
        gaussianScale: full.gaussianScale,
      },
      { name: 'decoder', seed: deriveSeed(config.seed, 2) },
    );
    this.prior = keepDistribution(createPrior(this.config.prior, this.head.latentDim));
    // Build every layer now, so that weights exist before the first optimizer step.
    tf.tidy(() => {
      const q = this.encode(tf.zeros([2, full.inputDim]));
      this.decode(q.mean());
    });
  }

  /** `q(z | x)` for images `x` `[B, ...]` (flattened to `[B, inputDim]`): batch `[B]`, event `[d]`. */
  encode(x: tf.Tensor, options: ModelCallOptions = {}): Distribution {
    const features = this.encoder.apply(x);
    try {
      return this.head.apply(features, { training: options.training === true });
    } finally {
      features.dispose();
    }
  }

  /** `p(x | z)` for latents `[N, d]`; its `logProb(x)` is `[N]`. */
  decode(z: tf.Tensor, _options: ModelCallOptions = {}): BernoulliLikelihood | GaussianLikelihood {
    return this.decoder.apply(z);
  }

  /** Load a model saved by {@link ImageVAE.save}: identical outputs to the saved one. */
  static load(target: string | tf.io.IOHandler): Promise<ImageVAE> {
    return loadVAE('ImageVAE', target, (config) => new ImageVAE(config as ImageVAEConfig));
  }
}
