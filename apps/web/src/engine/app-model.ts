import * as tf from '@tensorflow/tfjs-core';
import { VonMisesFisher, type Distribution } from '@vaekit/distributions';
import { ImageVAE, type PosteriorHeadConfig, TextVAE } from '@vaekit/layers';
import type { Decoded, TrainSettings } from '../shared/types';
import { BOS, EOS, PAD, UNK, type Vocabulary } from './vocabulary';

/** The posterior-head configuration of a latent kind (the CLI's `headConfig`). */
export function headConfig(
  s: Pick<TrainSettings, 'latent' | 'latentDim' | 'gamma' | 'tau' | 'kappa'>,
): PosteriorHeadConfig {
  const latentDim = s.latentDim;
  switch (s.latent) {
    case 'gaussian':
      return { family: 'gaussian', latentDim };
    case 'bn':
      return { family: 'bn-gaussian', latentDim, gamma: s.gamma };
    case 'bn-su':
      return { family: 'bn-su-gaussian', latentDim, tau: s.tau };
    case 'vmf':
      return s.kappa === 'learned'
        ? { family: 'vmf', latentDim, learnKappa: true }
        : { family: 'vmf', latentDim, kappa: s.kappa };
  }
}

/** The centre of a posterior: its mean, or a vMF's mean direction (a point on the sphere). */
export function posteriorCenter(q: Distribution): tf.Tensor {
  return q instanceof VonMisesFisher ? q.meanDirection : q.mean();
}

/**
 * An image or text VAE with what the app shows of it: decoding latents to pictures or
 * sentences, and the rows a text model reads.
 */
export class AppModel {
  readonly kind: 'image' | 'text';

  constructor(
    readonly vae: ImageVAE | TextVAE,
    readonly vocabulary?: Vocabulary,
    /** Text: the longest sentence generated (tokens). */
    readonly maxLength = 20,
  ) {
    this.kind = vae instanceof ImageVAE ? 'image' : 'text';
    if (this.kind === 'text' && vocabulary === undefined)
      throw new Error('a text model needs its vocabulary');
  }

  get family(): PosteriorHeadConfig['family'] {
    return this.vae.head.config.family;
  }

  get latentDim(): number {
    return this.vae.head.latentDim;
  }

  get imageSide(): number | undefined {
    if (!(this.vae instanceof ImageVAE)) return undefined;
    const side = Math.round(Math.sqrt(this.vae.config.inputDim));
    return side * side === this.vae.config.inputDim ? side : undefined;
  }

  /** Posterior centres of inputs `x` (inference mode). */
  centers(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => posteriorCenter(this.vae.encode(x, { training: false })));
  }

  /**
   * Decode latents `[N, d]`: pixel means for images; sentences for text (greedy decoding, or
   * sampling at `temperature` when given).
   */
  decode(z: tf.Tensor, options: { temperature?: number; seed?: number } = {}): Decoded {
    if (this.vae instanceof ImageVAE) {
      const vae = this.vae;
      const means = tf.tidy(() => vae.decode(z).mean());
      const data = means.dataSync() as Float32Array;
      means.dispose();
      const side = this.imageSide ?? 1;
      return {
        kind: 'image',
        data: Float32Array.from(data),
        n: z.shape[0]!,
        height: side,
        width: this.vae.config.inputDim / side,
      };
    }
    const ids =
      options.temperature !== undefined && options.temperature > 0
        ? this.vae.generate(z, {
            method: 'sample',
            temperature: options.temperature,
            ...(options.seed !== undefined ? { seed: options.seed } : {}),
            maxLength: this.maxLength,
          })
        : this.vae.generate(z, { method: 'greedy', maxLength: this.maxLength });
    return { kind: 'text', sentences: ids.map((row) => this.vocabulary!.decode(row).join(' ')) };
  }

  /** `<bos> w_1 .. w_n <eos> <pad> ..` rows, int32 `[B, T]`, as the CLI's text models read. */
  static sentenceRows(sentences: readonly (readonly number[])[]): tf.Tensor2D {
    const width = Math.max(...sentences.map((s) => s.length)) + 2;
    const rows = new Int32Array(sentences.length * width);
    sentences.forEach((s, i) => {
      rows[i * width] = BOS;
      for (let t = 0; t < s.length; t++) rows[i * width + 1 + t] = s[t]!;
      rows[i * width + 1 + s.length] = EOS;
    });
    return tf.tensor2d(rows, [sentences.length, width], 'int32');
  }

  dispose(): void {
    this.vae.dispose();
  }
}

/** A new model for a browser training run. */
export function createAppModel(
  settings: TrainSettings,
  data: { inputDim?: number; vocabulary?: Vocabulary; maxLength?: number },
): AppModel {
  if (settings.task === 'image') {
    return new AppModel(
      new ImageVAE({
        inputDim: data.inputDim!,
        hiddenUnits: [settings.hidden],
        head: headConfig(settings),
        likelihood: 'bernoulli',
        seed: settings.seed,
      }),
    );
  }
  return new AppModel(
    new TextVAE({
      vocabSize: data.vocabulary!.size,
      embeddingDim: settings.embedding,
      hiddenUnits: settings.hidden,
      head: headConfig(settings),
      wordDropout: settings.wordDropout,
      padId: PAD,
      bosId: BOS,
      eosId: EOS,
      unkId: UNK,
      seed: settings.seed,
    }),
    data.vocabulary,
    (data.maxLength ?? 19) + 1,
  );
}
