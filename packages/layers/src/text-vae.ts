import * as tf from '@tensorflow/tfjs-core';
import type { Distribution } from '@vaekit/distributions';
import { keepDistribution } from './internal/keep';
import { resolvePrior } from './internal/resolve-prior';
import { check } from './internal/validate';
import { VAEBase, loadVAE } from './internal/vae-base';
import type { LatentVariableModel, ModelCallOptions } from './latent-variable-model';
import { LSTMTextDecoder, type TokenLikelihood } from './lstm-text-decoder';
import { LSTMTextEncoder } from './lstm-text-encoder';
import { type PosteriorHead, type PosteriorHeadConfig, posteriorHead } from './posterior-head';
import { type PriorConfig, createPrior } from './priors';
import { SPECIAL_TOKENS } from './special-tokens';
import type { GenerateOptions } from './text-generation';
import { deriveSeed } from '@vaekit/distributions/internal';

/**
 * Configuration of a {@link TextVAE}: plain JSON, so a run directory can store it and rebuild
 * the model.
 */
export interface TextVAEConfig {
  /** Vocabulary size `V` (special tokens included). */
  vocabSize: number;
  /** Token embedding size `E` (default 256). */
  embeddingDim?: number;
  /** Encoder LSTM hidden size (default 256). */
  hiddenUnits?: number;
  /** Decoder LSTM hidden size (default: `hiddenUnits`). */
  decoderHiddenUnits?: number;
  /** The posterior family and its settings (`latentDim` included). */
  head: PosteriorHeadConfig;
  /**
   * The prior `p(z)` (default: the head family's `defaultPrior`, `{ kind: 'standard-normal' }`
   * for the Gaussian families, `{ kind: 'hyperspherical-uniform' }` for vMF). Its support must
   * be the posterior's.
   */
  prior?: PriorConfig;
  /** Word-dropout rate of the decoder inputs in training (Bowman et al. 2016; default 0). */
  wordDropout?: number;
  /** Id of `<pad>` (default {@link SPECIAL_TOKENS}`.pad` = 0). */
  padId?: number;
  /** Id of `<bos>` (default {@link SPECIAL_TOKENS}`.bos` = 2). */
  bosId?: number;
  /** Id of `<eos>` (default {@link SPECIAL_TOKENS}`.eos` = 3). */
  eosId?: number;
  /** Id of `<unk>`, the word-dropout token (default {@link SPECIAL_TOKENS}`.unk` = 1). */
  unkId?: number;
  /** Seed of the initial weights. */
  seed?: number;
}

type FullTextVAEConfig = Required<Omit<TextVAEConfig, 'seed'>> & { seed?: number };

/**
 * A VAE for sentences: LSTM encoder over the tokens (padding masked), a posterior head
 * (Gaussian, BN-VAE, Su's BN-VAE or vMF), and an LSTM language-model decoder conditioned on `z`
 * (initial state and every input), trained with teacher forcing and word dropout. Implements
 * {@link LatentVariableModel}.
 *
 * Sentences are int32 `[B, T]` rows `<bos> w_1 .. w_n <eos> <pad> ..`, with the special-token ids
 * of {@link SPECIAL_TOKENS} (`<pad>` 0, `<unk>` 1, `<bos>` 2, `<eos>` 3) unless configured.
 * ```
 * q(z|x) = head(LSTM_enc(x)),   p(z) = createPrior(prior ?? head.defaultPrior, d),
 * log p(x|z) = sum_{t>=1, x_t != pad} log softmax(W_o h_t + b_o)[x_t],   h_t = LSTM_dec([E x_{t-1}; z], h_{t-1})
 * ```
 * The encoder embedding, encoder LSTM and posterior head (BN scaler included) are the inference
 * network (`encoderVariables`); the decoder embedding, `z -> state` map, LSTM and output layer
 * the generative network (`decoderVariables`).
 *
 * References: Bowman et al. 2016, "Generating Sentences from a Continuous Space" (model, word
 * dropout); Zhu et al. 2020 (BN-VAE); Su 2020, kexue.fm 7381; Xu & Durrett 2018 (vMF for text);
 * Hochreiter & Schmidhuber 1997 (LSTM).
 *
 * @example
 * ```ts
 * const vae = new TextVAE({ vocabSize: 5000, head: { family: 'bn', latentDim: 32, gamma: 0.6 }, wordDropout: 0.3 });
 * optimizer.minimize(() => {
 *   const q = vae.encode(tokens, { training: true });
 *   const logLik = vae.decode(q.rsample(), { training: true }).logProb(tokens);
 *   return tf.neg(tf.mean(tf.sub(logLik, klDivergence(q, vae.prior))));
 * }, false, vae.trainableVariables);
 * vae.generate(vae.prior.sample(4), { method: 'beam', beamWidth: 5, maxLength: 20 });
 * ```
 */
export class TextVAE extends VAEBase<FullTextVAEConfig> implements LatentVariableModel {
  protected readonly kind = 'TextVAE';
  /** The configuration with its defaults filled in. */
  readonly config: FullTextVAEConfig;
  readonly encoder: LSTMTextEncoder;
  readonly head: PosteriorHead;
  readonly decoder: LSTMTextDecoder;
  readonly prior: Distribution;

  constructor(config: TextVAEConfig) {
    super();
    check(
      typeof config === 'object' && config !== null && typeof config.head === 'object',
      'TextVAE config',
      'an object with a head',
      config,
    );
    check(
      Number.isInteger(config.vocabSize) && config.vocabSize >= 5,
      'TextVAE vocabSize',
      'an integer >= 5 (4 special tokens and a word)',
      config.vocabSize,
    );
    const head = posteriorHead(
      { ...config.head },
      { name: 'posterior', seed: deriveSeed(config.seed, 1) },
    );
    const hiddenUnits = config.hiddenUnits ?? 256;
    const full: FullTextVAEConfig = {
      vocabSize: config.vocabSize,
      embeddingDim: config.embeddingDim ?? 256,
      hiddenUnits,
      decoderHiddenUnits: config.decoderHiddenUnits ?? hiddenUnits,
      head: { ...config.head },
      prior: resolvePrior('TextVAE', head, config.prior),
      wordDropout: config.wordDropout ?? 0,
      padId: config.padId ?? SPECIAL_TOKENS.pad,
      bosId: config.bosId ?? SPECIAL_TOKENS.bos,
      eosId: config.eosId ?? SPECIAL_TOKENS.eos,
      unkId: config.unkId ?? SPECIAL_TOKENS.unk,
      ...(config.seed !== undefined ? { seed: config.seed } : {}),
    };
    this.config = full;
    this.encoder = new LSTMTextEncoder(
      {
        vocabSize: full.vocabSize,
        embeddingDim: full.embeddingDim,
        hiddenUnits: full.hiddenUnits,
        padId: full.padId,
      },
      { name: 'encoder', seed: deriveSeed(config.seed, 0) },
    );
    this.head = head;
    this.decoder = new LSTMTextDecoder(
      {
        vocabSize: full.vocabSize,
        embeddingDim: full.embeddingDim,
        hiddenUnits: full.decoderHiddenUnits,
        latentDim: this.head.latentDim,
        padId: full.padId,
        bosId: full.bosId,
        eosId: full.eosId,
        unkId: full.unkId,
        wordDropout: full.wordDropout,
      },
      { name: 'decoder', seed: deriveSeed(config.seed, 2) },
    );
    this.prior = keepDistribution(createPrior(this.config.prior, this.head.latentDim));
    // Build every layer now, so that weights exist before the first optimizer step.
    tf.tidy(() => {
      const tokens = tf.tensor2d(
        [
          [full.bosId, full.eosId],
          [full.bosId, full.eosId],
        ],
        [2, 2],
        'int32',
      );
      const q = this.encode(tokens);
      this.decode(q.mean()).logProb(tokens);
      this.decoder.step(
        tf.tensor1d([full.bosId, full.bosId], 'int32'),
        q.mean(),
        this.decoder.initialState(q.mean()),
      );
    });
  }

  /** `q(z | x)` for sentences `x` `[B, T]` (int32, right-padded): batch `[B]`, event `[d]`. */
  encode(x: tf.Tensor, options: ModelCallOptions = {}): Distribution {
    const features = this.encoder.apply(x);
    try {
      return this.head.apply(features, { training: options.training === true });
    } finally {
      features.dispose();
    }
  }

  /**
   * `p(x | z)` for latents `[N, d]`; its `logProb(x)` (x `[N, T]`) is `[N]`. In training mode
   * the decoder inputs get word dropout, drawn from `options.seed` when given.
   */
  decode(z: tf.Tensor, options: ModelCallOptions = {}): TokenLikelihood {
    return this.decoder.apply(z, { training: options.training === true, seed: options.seed });
  }

  /**
   * Generate sentences from latents `z` `[N, d]`: greedy (default), temperature sampling (`seed`
   * makes it reproducible) or beam search. Token ids after `<bos>`, without `<eos>`.
   */
  generate(z: tf.Tensor, options: GenerateOptions = {}): number[][] {
    return this.decoder.generate(z, options);
  }

  /** Load a model saved by {@link TextVAE.save}: identical outputs to the saved one. */
  static load(target: string | tf.io.IOHandler): Promise<TextVAE> {
    return loadVAE('TextVAE', target, (config) => new TextVAE(config as TextVAEConfig));
  }
}
