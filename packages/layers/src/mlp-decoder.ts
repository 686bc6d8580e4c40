import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { BernoulliLikelihood, GaussianLikelihood } from './image-likelihoods';
import { check } from './internal/validate';
import { trainableVariablesOf } from './internal/variables';
import { type MLPActivation, checkMLP } from './mlp-encoder';
import { deriveSeed } from '@vaekit/distributions/internal';

/** Configuration of an {@link MLPDecoder} (JSON). */
export interface MLPDecoderConfig {
  /** Latent dimension `d`. */
  latentDim: number;
  /** Values per output row (pixels, e.g. 784). */
  outputDim: number;
  /** Units of each hidden layer, at least one (e.g. `[256, 512]`). */
  hiddenUnits: number[];
  /** Hidden activation (default `'relu'`). */
  activation?: MLPActivation;
  /** `'bernoulli'` (binarised pixels; default) or `'gaussian'`. */
  likelihood?: 'bernoulli' | 'gaussian';
  /**
   * Gaussian likelihood only: a fixed standard deviation `sigma > 0` for every pixel, or
   * `'learned'` (default): a second output layer gives `log sigma^2` per pixel from `z`.
   */
  gaussianScale?: number | 'learned';
}

/**
 * The generative network of an image VAE: an MLP from `z` to the parameters of a pixel
 * likelihood.
 *
 * ```
 * h_l = act(W_l h_{l-1} + b_l),  h_0 = z
 * bernoulli:  logits = W_o h_L + b_o,            p(x|z) = prod_k Bernoulli(x_k; sigmoid(logits_k))
 * gaussian:   mu = W_o h_L + b_o, log sigma^2 = W_s h_L + b_s (or fixed),  p(x|z) = prod_k N(x_k; mu_k, sigma_k^2)
 * ```
 * Reference: Kingma & Welling 2014, "Auto-Encoding Variational Bayes", appendix C.
 *
 * @example
 * ```ts
 * const decoder = new MLPDecoder({ latentDim: 32, outputDim: 784, hiddenUnits: [256, 512] });
 * decoder.apply(z).logProb(images); // [N]
 * ```
 */
export class MLPDecoder {
  readonly config: Required<MLPDecoderConfig>;
  readonly layers: tfl.layers.Layer[];
  private readonly hidden: tfl.layers.Layer[];
  private readonly output: tfl.layers.Layer;
  private readonly logVariance: tfl.layers.Layer | null;

  constructor(config: MLPDecoderConfig, options: { name?: string; seed?: number } = {}) {
    const {
      latentDim,
      outputDim,
      hiddenUnits,
      activation = 'relu',
      likelihood = 'bernoulli',
      gaussianScale = 'learned',
    } = config;
    check(
      Number.isInteger(latentDim) && latentDim >= 1,
      'MLPDecoder latentDim',
      'a positive integer',
      latentDim,
    );
    check(
      Number.isInteger(outputDim) && outputDim >= 1,
      'MLPDecoder outputDim',
      'a positive integer',
      outputDim,
    );
    checkMLP('MLPDecoder', hiddenUnits, activation);
    check(
      likelihood === 'bernoulli' || likelihood === 'gaussian',
      'MLPDecoder likelihood',
      "'bernoulli' or 'gaussian'",
      likelihood,
    );
    check(
      gaussianScale === 'learned' ||
        (typeof gaussianScale === 'number' && gaussianScale > 0 && Number.isFinite(gaussianScale)),
      'MLPDecoder gaussianScale',
      "'learned' or a finite number > 0",
      gaussianScale,
    );
    this.config = {
      latentDim,
      outputDim,
      hiddenUnits: [...hiddenUnits],
      activation,
      likelihood,
      gaussianScale,
    };
    const name = options.name ?? 'decoder';
    let k = 0;
    const init = () => tfl.initializers.glorotUniform({ seed: deriveSeed(options.seed, k++) });
    this.hidden = hiddenUnits.map((units, i) =>
      tfl.layers.dense({ units, activation, name: `${name}_dense${i}`, kernelInitializer: init() }),
    );
    this.output = tfl.layers.dense({
      units: outputDim,
      name: `${name}_output`,
      kernelInitializer: init(),
    });
    this.logVariance =
      likelihood === 'gaussian' && gaussianScale === 'learned'
        ? tfl.layers.dense({ units: outputDim, name: `${name}_logvar`, kernelInitializer: init() })
        : null;
    this.layers = [...this.hidden, this.output, ...(this.logVariance ? [this.logVariance] : [])];
  }

  /** `p(x | z)` for latents `[N, d]`: a {@link BernoulliLikelihood} or a {@link GaussianLikelihood}. */
  apply(z: tf.Tensor): BernoulliLikelihood | GaussianLikelihood {
    check(
      z.rank === 2 && z.shape[1] === this.config.latentDim,
      'MLPDecoder z',
      `of shape [N, ${this.config.latentDim}]`,
      `shape [${z.shape.join(', ')}]`,
    );
    const params = tf.tidy(() => {
      let h: tf.Tensor = z;
      for (const layer of this.hidden) h = layer.apply(h) as tf.Tensor;
      const out = this.output.apply(h) as tf.Tensor2D;
      if (this.config.likelihood === 'bernoulli') return [out];
      const logVar =
        this.logVariance !== null
          ? (this.logVariance.apply(h) as tf.Tensor)
          : tf.scalar(2 * Math.log(this.config.gaussianScale as number));
      return [out, logVar];
    });
    return this.config.likelihood === 'bernoulli'
      ? new BernoulliLikelihood(params[0] as tf.Tensor2D)
      : new GaussianLikelihood(params[0] as tf.Tensor2D, params[1]!);
  }

  /** Trainable variables of the decoder. */
  get trainableVariables(): tf.Variable[] {
    return trainableVariablesOf(this.layers);
  }
}
