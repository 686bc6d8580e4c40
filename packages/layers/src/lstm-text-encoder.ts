import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { FusedLSTM } from './fused-lstm';
import { check } from './internal/validate';
import { trainableVariablesOf } from './internal/variables';
import { SPECIAL_TOKENS } from './special-tokens';
import { TokenEmbedding } from './token-embedding';
import { deriveSeed } from '@vaekit/distributions/internal';

/** Configuration of an {@link LSTMTextEncoder} (JSON). */
export interface LSTMTextEncoderConfig {
  /** Vocabulary size `V`. */
  vocabSize: number;
  /** Embedding size `E`. */
  embeddingDim: number;
  /** LSTM hidden size `H` (the feature size). */
  hiddenUnits: number;
  /** Id of the padding token, masked out (default {@link SPECIAL_TOKENS}`.pad` = 0). */
  padId?: number;
}

/**
 * The inference network of a text VAE: token embedding, an LSTM that skips padded positions,
 * and its final hidden state as the sentence features (a posterior head maps them to q(z|x)).
 *
 * ```
 * e_t = E[x_t],   (h_t, c_t) = LSTM(e_t, h_{t-1}, c_{t-1})  for x_t != pad   (carried through padding)
 * features = h_T
 * ```
 * Reference: Bowman et al. 2016, "Generating Sentences from a Continuous Space"; Hochreiter &
 * Schmidhuber 1997, "Long Short-Term Memory".
 *
 * @example
 * ```ts
 * const encoder = new LSTMTextEncoder({ vocabSize: 5000, embeddingDim: 256, hiddenUnits: 256 });
 * encoder.apply(tokens).shape; // [B, 256]   (tokens [B, T] int32, right-padded with 0)
 * ```
 */
export class LSTMTextEncoder {
  readonly config: Required<LSTMTextEncoderConfig>;
  readonly embedding: TokenEmbedding;
  readonly lstm: FusedLSTM;
  readonly layers: tfl.layers.Layer[];

  constructor(config: LSTMTextEncoderConfig, options: { name?: string; seed?: number } = {}) {
    const { vocabSize, embeddingDim, hiddenUnits, padId = SPECIAL_TOKENS.pad } = config;
    check(
      Number.isInteger(padId) && padId >= 0 && padId < vocabSize,
      'LSTMTextEncoder padId',
      `an integer in [0, ${vocabSize})`,
      padId,
    );
    this.config = { vocabSize, embeddingDim, hiddenUnits, padId };
    const name = options.name ?? 'encoder';
    this.embedding = new TokenEmbedding({
      inputDim: vocabSize,
      outputDim: embeddingDim,
      seed: deriveSeed(options.seed, 0),
      name: `${name}_embedding`,
    });
    this.lstm = new FusedLSTM({
      units: hiddenUnits,
      seed: deriveSeed(options.seed, 1),
      name: `${name}_lstm`,
    });
    this.layers = [this.embedding, this.lstm];
  }

  /** Sentence features `[B, H]`: the LSTM state after the last non-padding token of each row. */
  apply(tokens: tf.Tensor): tf.Tensor2D {
    check(
      tokens.rank === 2 && (tokens.shape[1] ?? 0) >= 1,
      'LSTMTextEncoder tokens',
      'of shape [batch, time >= 1]',
      `shape [${tokens.shape.join(', ')}]`,
    );
    return tf.tidy(() => {
      const ids = tf.cast(tokens, 'int32');
      const mask = tf.notEqual(ids, tf.scalar(this.config.padId, 'int32'));
      return this.lstm.apply(this.embedding.apply(ids), { mask }) as tf.Tensor2D;
    });
  }

  /** Trainable variables of the embedding and the LSTM. */
  get trainableVariables(): tf.Variable[] {
    return trainableVariablesOf(this.layers);
  }
}
