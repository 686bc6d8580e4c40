import * as tf from '@tensorflow/tfjs-core';
import type { Distribution } from '@vaekit/distributions';
import { ImageVAE, type PosteriorHeadConfig, TextVAE } from '@vaekit/layers';
import type { Likelihood, ModelCallOptions } from '@vaekit/objectives';
import type { TrainConfig } from '../config/train-config';
import type { Vocabulary } from '../data/vocabulary';
import { LATENT_FAMILIES } from '../registry/latent-families';
import type { TrainableModel } from './trainable-model';

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
  /** The `@vaekit/layers` VAE underneath: its config (architecture, posterior head) and layers. */
  readonly vae: ImageVAE | TextVAE;
  /** Text: the vocabulary of the model's ids. */
  readonly vocabulary?: Vocabulary;
  /** Text: the most tokens a decoded sentence has, `<eos>` included (the length cap + 1). */
  readonly maxLength?: number;
  /**
   * Decode latents `[N, d]` to images (pixel means) or sentences (greedy decoding, or sampling
   * at `temperature` with `seed` when a temperature is given).
   */
  decodeLatents(z: tf.Tensor, options?: DecodeOptions): Decoded;
}

/** Options of {@link RunModel.decodeLatents}. */
export interface DecodeOptions {
  /** Text: sample each word at this softmax temperature instead of greedy decoding. */
  temperature?: number;
  /** Seed of the sampling. */
  seed?: number;
}

/** What a model is built for: image shape, or a vocabulary and the longest sentence. */
export type ModelData =
  | { kind: 'image'; imageShape: [number, number] }
  | { kind: 'text'; vocabulary: Vocabulary; maxLength: number };

/**
 * The posterior-head configuration a {@link TrainConfig} asks for, from its latent family's
 * entry in {@link LATENT_FAMILIES}.
 *
 * @example
 * ```ts
 * headConfig(resolveConfig({ latent: 'bn', gamma: 0.6 })); // { family: 'bn', latentDim: 32, gamma: 0.6 }
 * ```
 */
export function headConfig(
  config: Pick<TrainConfig, 'latent' | 'latentDim' | 'gamma' | 'tau' | 'kappa'>,
): PosteriorHeadConfig {
  return LATENT_FAMILIES.get(config.latent).headConfig(config);
}

/**
 * Build the model a config describes, with initial weights seeded by `config.seed`: an
 * {@link ImageVAE} (MLP) for image data, a `TextVAE` (LSTM) for text. The same in Node and in
 * the browser, so a model trained in either loads in the other.
 *
 * @example
 * ```ts
 * const model = createModel(resolveConfig({ latentDim: 8 }), { kind: 'image', imageShape: [28, 28] });
 * ```
 */
export function createModel(
  config: Pick<
    TrainConfig,
    | 'latent'
    | 'latentDim'
    | 'gamma'
    | 'tau'
    | 'kappa'
    | 'hidden'
    | 'likelihood'
    | 'embedding'
    | 'wordDropout'
    | 'seed'
  >,
  data: ModelData,
): RunModel {
  if (data.kind === 'image') {
    const [h, w] = data.imageShape;
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
  const vocabulary = data.vocabulary;
  return new TextRunModel(
    new TextVAE({
      vocabSize: vocabulary.size,
      embeddingDim: config.embedding,
      hiddenUnits: config.hidden[0]!,
      head: headConfig(config),
      wordDropout: config.wordDropout,
      seed: config.seed,
    }),
    vocabulary,
    data.maxLength + 1,
  );
}

/** What {@link loadRunModel} needs besides the saved model: for text, the vocabulary and the length cap. */
export type SavedModelData =
  | { kind: 'image' }
  | { kind: 'text'; vocabulary: Vocabulary; maxLength: number };

/**
 * Load a model saved by {@link RunModel.save} (a run directory's `model/`, or a model the web
 * app trained) through a tf.io handler: its architecture comes from the saved topology, so no
 * config is needed, and it decodes as the model {@link createModel} built.
 *
 * @throws Error when the saved model is not the kind asked for, or a text model's output layer
 *   does not match the vocabulary.
 * @example
 * ```ts
 * const model = await loadRunModel(tf.io.fromMemory(artifacts), { kind: 'image' });
 * ```
 */
export async function loadRunModel(
  handler: tf.io.IOHandler,
  data: SavedModelData,
): Promise<RunModel> {
  if (data.kind === 'image') return new ImageRunModel(await ImageVAE.load(handler));
  const vae = await TextVAE.load(handler);
  if (vae.config.vocabSize !== data.vocabulary.size) {
    vae.dispose();
    throw new Error(
      `the vocabulary has ${data.vocabulary.size} tokens but the model's output layer ${vae.config.vocabSize}`,
    );
  }
  return new TextRunModel(vae, data.vocabulary, data.maxLength + 1);
}

/**
 * The centre of a posterior: its mean, or for a distribution on the sphere (vMF, Power
 * Spherical) its mean direction, a point on the sphere (their mean lies inside the ball).
 *
 * @example
 * ```ts
 * const centres = posteriorCenter(model.encode(x, { training: false })); // [B, d]
 * ```
 */
export function posteriorCenter(q: Distribution): tf.Tensor {
  const direction = (q as { meanDirection?: unknown }).meanDirection;
  return direction instanceof tf.Tensor ? direction : q.mean();
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

  async save(handler: tf.io.IOHandler): Promise<void> {
    await this.vae.save(handler);
  }

  abstract decodeLatents(z: tf.Tensor, options?: DecodeOptions): Decoded;

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

  /** Greedy decoding of each latent (deterministic) or sampling at a temperature, words joined by spaces. */
  decodeLatents(z: tf.Tensor, options: DecodeOptions = {}): string[] {
    const ids =
      options.temperature !== undefined && options.temperature > 0
        ? this.vae.generate(z, {
            method: 'sample',
            temperature: options.temperature,
            ...(options.seed !== undefined ? { seed: options.seed } : {}),
            maxLength: this.maxLength,
          })
        : this.vae.generate(z, { method: 'greedy', maxLength: this.maxLength });
    return ids.map((row) => this.vocabulary.decode(row).join(' '));
  }
}
