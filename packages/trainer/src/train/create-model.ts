import * as tf from '@tensorflow/tfjs-core';
import { type Distribution, VonMisesFisher } from '@vaekit/distributions';
import { ImageVAE, type PosteriorHeadConfig, TextVAE } from '@vaekit/layers';
import { Vocabulary } from '../data/vocabulary';
import type { Likelihood, ModelCallOptions } from '@vaekit/objectives';
import type { TrainConfig } from '../config/train-config';
import { fileIOHandler } from '../io/file-io-handler';
import type { TrainableModel } from './trainable-model';
import type { TrainingData } from './training-data';

/** What a model can show a person: decoded images (pixel means in [0,1]) or sentences. */
export type Decoded = Float32Array[] | string[];

/**
 * A trainable model of a run, with what the CLI and the run artefacts need on top of training:
 * decoding latents to images or sentences, and the centre of a posterior (its mean, or for a
 * vMF its mean direction, which lies on the sphere).
 */
export interface RunModel extends TrainableModel {
  readonly kind: 'image' | 'text';
  readonly latentDim: number;
  /** Decode latents `[N, d]` to images or sentences (pixel means; greedy decoding for text). */
  decodeLatents(z: tf.Tensor, options?: { seed?: number }): Decoded;
}

/** The posterior-head configuration a {@link TrainConfig} asks for. */
export function headConfig(config: TrainConfig): PosteriorHeadConfig {
  const latentDim = config.latentDim;
  switch (config.latent) {
    case 'gaussian':
      return { family: 'gaussian', latentDim };
    case 'bn':
      return { family: 'bn-gaussian', latentDim, gamma: config.gamma };
    case 'bn-su':
      return { family: 'bn-su-gaussian', latentDim, tau: config.tau };
    case 'vmf':
      return config.kappa === 'learned'
        ? { family: 'vmf', latentDim, learnKappa: true }
        : { family: 'vmf', latentDim, kappa: config.kappa };
  }
}

/**
 * Build the model a config describes, with initial weights seeded by `config.seed`: an
 * {@link ImageVAE} (MLP) for image data, a `TextVAE` (LSTM) for text.
 */
export function createModel(config: TrainConfig, data: TrainingData): RunModel {
  if (data.kind === 'image') {
    const [h, w] = data.imageShape!;
    return new ImageRunModel(
      new ImageVAE({
        inputDim: h * w,
        hiddenUnits: config.hidden,
        head: headConfig(config),
        likelihood: config.likelihood,
        seed: config.seed,
      }),
    );
  }
  const vocabulary = data.vocabulary!;
  return new TextRunModel(
    new TextVAE({
      vocabSize: vocabulary.size,
      embeddingDim: config.embedding,
      hiddenUnits: config.hidden[0]!,
      head: headConfig(config),
      wordDropout: config.wordDropout,
      padId: Vocabulary.PAD,
      bosId: Vocabulary.BOS,
      eosId: Vocabulary.EOS,
      unkId: Vocabulary.UNK,
      seed: config.seed,
    }),
    vocabulary,
    config.maxLength + 1,
  );
}

/** The centre of a posterior: its mean, or a vMF's mean direction (a point on the sphere). */
export function posteriorCenter(q: Distribution): tf.Tensor {
  return q instanceof VonMisesFisher ? q.meanDirection : q.mean();
}

/** The parts of an {@link ImageVAE} and a {@link TextVAE} a run needs, the same for both. */
type VAE = ImageVAE | TextVAE;

/** Adapts a layers VAE to {@link RunModel}: weights by name, saving to a directory. */
abstract class VAERunModel<M extends VAE> implements RunModel {
  abstract readonly kind: 'image' | 'text';

  constructor(readonly vae: M) {}

  get prior(): Distribution {
    return this.vae.prior;
  }

  get latentDim(): number {
    return this.vae.head.latentDim;
  }

  get encoderVariables(): tf.Variable[] {
    return this.vae.encoderVariables;
  }

  get decoderVariables(): tf.Variable[] {
    return this.vae.decoderVariables;
  }

  encode(x: tf.Tensor, options?: ModelCallOptions): Distribution {
    return this.vae.encode(x, options);
  }

  decode(z: tf.Tensor, options?: ModelCallOptions): Likelihood {
    return this.vae.decode(z, options);
  }

  namedWeights(): { name: string; tensor: tf.Tensor }[] {
    const names = this.vae.weightNames();
    return this.vae.getWeights().map((tensor, i) => ({ name: names[i]!, tensor }));
  }

  loadNamedWeights(weights: Record<string, tf.Tensor>): void {
    const names = this.vae.weightNames();
    const missing = names.filter((n) => !(n in weights));
    if (missing.length > 0) {
      throw new Error(`checkpoint does not match the model: missing weights ${missing.join(', ')}`);
    }
    this.vae.setWeights(names.map((n) => weights[n]!));
  }

  async save(dir: string): Promise<void> {
    await this.vae.save(fileIOHandler(dir));
  }

  abstract decodeLatents(z: tf.Tensor, options?: { seed?: number }): Decoded;

  dispose(): void {
    this.vae.dispose();
  }
}

class ImageRunModel extends VAERunModel<ImageVAE> {
  readonly kind = 'image' as const;

  decodeLatents(z: tf.Tensor): Float32Array[] {
    const means = tf.tidy(() => this.vae.decode(z).mean());
    const n = means.shape[0]!;
    const d = means.shape[1]!;
    const flat = means.dataSync() as Float32Array;
    means.dispose();
    return Array.from({ length: n }, (_, i) => flat.slice(i * d, (i + 1) * d));
  }
}

class TextRunModel extends VAERunModel<TextVAE> {
  readonly kind = 'text' as const;

  constructor(
    vae: TextVAE,
    readonly vocabulary: Vocabulary,
    readonly maxLength: number,
  ) {
    super(vae);
  }

  /** Greedy decoding of each latent (deterministic), words joined by spaces. */
  decodeLatents(z: tf.Tensor): string[] {
    return this.vae
      .generate(z, { method: 'greedy', maxLength: this.maxLength })
      .map((ids) => this.vocabulary.decode(ids).join(' '));
  }
}
