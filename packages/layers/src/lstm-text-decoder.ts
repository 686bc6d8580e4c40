import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { categoricalLogProb } from './categorical-log-prob';
import { FusedLSTM } from './fused-lstm';
import { gumbelMax } from './internal/gumbel-max';
import { nonPadRows, nonPadTokenLogProb } from './internal/non-pad-token-log-prob';
import { check } from './internal/validate';
import { trainableVariablesOf } from './internal/variables';
import type { Likelihood } from './latent-variable-model';
import { SPECIAL_TOKENS } from './special-tokens';
import { type GenerateOptions, type TextStepModel, generateTokens } from './text-generation';
import { TokenEmbedding } from './token-embedding';
import { wordDropout } from './word-dropout';
import type { SampleOptions } from '@vaekit/distributions';
import { deriveSeed } from '@vaekit/distributions/internal';

/** Configuration of an {@link LSTMTextDecoder} (JSON). */
export interface LSTMTextDecoderConfig {
  /** Vocabulary size `V`. */
  vocabSize: number;
  /** Embedding size `E`. */
  embeddingDim: number;
  /** LSTM hidden size `H`. */
  hiddenUnits: number;
  /** Latent dimension `d`. */
  latentDim: number;
  /** Id of `<pad>` (default {@link SPECIAL_TOKENS}`.pad` = 0). */
  padId?: number;
  /** Id of `<bos>` (default {@link SPECIAL_TOKENS}`.bos` = 2). */
  bosId?: number;
  /** Id of `<eos>` (default {@link SPECIAL_TOKENS}`.eos` = 3). */
  eosId?: number;
  /** Id of `<unk>`, the word-dropout token (default {@link SPECIAL_TOKENS}`.unk` = 1). */
  unkId?: number;
  /** Word-dropout rate `p` in [0, 1] applied to the inputs in training mode (default 0). */
  wordDropout?: number;
}

/**
 * The generative network of a text VAE: an LSTM language model conditioned on `z`, which sets
 * the initial state and is concatenated to every input embedding.
 *
 * ```
 * c_0 = W_z z + b_z,   h_0 = tanh(c_0)
 * (h_t, c_t) = LSTM([E[x_{t-1}]; z], h_{t-1}, c_{t-1}),    p(x_t | x_<t, z) = softmax(W_o h_t + b_o)
 * log p(x | z) = sum_{t >= 1, x_t != pad} log p(x_t | x_<t, z)             (teacher forcing, x_0 = <bos>)
 * ```
 * In training mode the inputs `x_<t` go through word dropout (Bowman et al. 2016). Generation:
 * greedy, temperature sampling or beam search ({@link GenerateOptions}).
 *
 * References: Bowman et al. 2016, "Generating Sentences from a Continuous Space"; He et al. 2019
 * (initial-state conditioning as in their code base); Hochreiter & Schmidhuber 1997.
 *
 * @example
 * ```ts
 * const decoder = new LSTMTextDecoder({ vocabSize: 5000, embeddingDim: 256, hiddenUnits: 256, latentDim: 32 });
 * decoder.apply(z).logProb(tokens);                  // [N]
 * decoder.generate(z, { method: 'beam', beamWidth: 5 }); // number[][]
 * ```
 */
export class LSTMTextDecoder implements TextStepModel {
  readonly config: Required<LSTMTextDecoderConfig>;
  readonly embedding: TokenEmbedding;
  readonly initState: tfl.layers.Layer;
  readonly lstm: FusedLSTM;
  readonly output: tfl.layers.Layer;
  readonly layers: tfl.layers.Layer[];

  constructor(config: LSTMTextDecoderConfig, options: { name?: string; seed?: number } = {}) {
    const {
      vocabSize,
      embeddingDim,
      hiddenUnits,
      latentDim,
      padId = SPECIAL_TOKENS.pad,
      bosId = SPECIAL_TOKENS.bos,
      eosId = SPECIAL_TOKENS.eos,
      unkId = SPECIAL_TOKENS.unk,
      wordDropout: rate = 0,
    } = config;
    for (const [key, value] of Object.entries({
      vocabSize,
      embeddingDim,
      hiddenUnits,
      latentDim,
    })) {
      check(
        Number.isInteger(value) && value >= 1,
        `LSTMTextDecoder ${key}`,
        'a positive integer',
        value,
      );
    }
    for (const [key, value] of Object.entries({ padId, bosId, eosId, unkId })) {
      check(
        Number.isInteger(value) && value >= 0 && value < vocabSize,
        `LSTMTextDecoder ${key}`,
        `an integer in [0, ${vocabSize})`,
        value,
      );
    }
    check(
      typeof rate === 'number' && rate >= 0 && rate <= 1,
      'LSTMTextDecoder wordDropout',
      'a number in [0, 1]',
      rate,
    );
    this.config = {
      vocabSize,
      embeddingDim,
      hiddenUnits,
      latentDim,
      padId,
      bosId,
      eosId,
      unkId,
      wordDropout: rate,
    };
    const name = options.name ?? 'decoder';
    const glorot = (k: number) =>
      tfl.initializers.glorotUniform({ seed: deriveSeed(options.seed, k) });
    this.embedding = new TokenEmbedding({
      inputDim: vocabSize,
      outputDim: embeddingDim,
      seed: deriveSeed(options.seed, 0),
      name: `${name}_embedding`,
    });
    this.initState = tfl.layers.dense({
      units: hiddenUnits,
      name: `${name}_init`,
      kernelInitializer: glorot(1),
    });
    this.lstm = new FusedLSTM({
      units: hiddenUnits,
      returnSequences: true,
      seed: deriveSeed(options.seed, 2),
      name: `${name}_lstm`,
    });
    this.output = tfl.layers.dense({
      units: vocabSize,
      name: `${name}_output`,
      kernelInitializer: glorot(3),
    });
    this.layers = [this.embedding, this.initState, this.lstm, this.output];
  }

  get vocabSize(): number {
    return this.config.vocabSize;
  }

  get bosId(): number {
    return this.config.bosId;
  }

  get eosId(): number {
    return this.config.eosId;
  }

  /** `[h_0, c_0]` with `c_0 = W_z z + b_z`, `h_0 = tanh(c_0)`. */
  initialState(z: tf.Tensor): tf.Tensor[] {
    this.checkZ(z);
    return tf.tidy(() => {
      const c0 = this.initState.apply(z) as tf.Tensor;
      return [tf.tanh(c0), c0];
    });
  }

  /**
   * The LSTM's outputs `h_1 .. h_T`, `[N, T, H]`, for input tokens `[N, T]` (teacher forcing):
   * what {@link logits} projects onto the vocabulary. With `lengths` (one integer in `[1, T]` per
   * row), row `n` is computed for its first `lengths[n]` steps only (the FusedLSTM's `lengths`):
   * the same outputs there, bit for bit, and its last state repeated after them.
   */
  hiddenStates(
    z: tf.Tensor,
    inputs: tf.Tensor,
    options: { lengths?: ArrayLike<number> } = {},
  ): tf.Tensor3D {
    this.checkZ(z);
    check(
      inputs.rank === 2 && inputs.shape[0] === z.shape[0] && (inputs.shape[1] ?? 0) >= 1,
      'LSTMTextDecoder inputs',
      `of shape [${z.shape[0]}, time >= 1]`,
      `shape [${inputs.shape.join(', ')}]`,
    );
    return tf.tidy(() => {
      const T = inputs.shape[1]!;
      const [h0, c0] = this.initialState(z);
      const embedded = this.embedding.apply(inputs) as tf.Tensor;
      const x = tf.concat([embedded, tf.tile(tf.expandDims(z, 1), [1, T, 1])], 2);
      const kwargs = options.lengths === undefined ? {} : { lengths: options.lengths };
      return this.lstm.apply([x, h0!, c0!], kwargs) as tf.Tensor3D;
    });
  }

  /** Vocabulary logits `W_o h + b_o`, `[M, V]`, of hidden states `[M, H]`. */
  project(hidden: tf.Tensor2D): tf.Tensor2D {
    return this.output.apply(hidden) as tf.Tensor2D;
  }

  /** Next-token logits `[N, T, V]` for input tokens `[N, T]` (teacher forcing). */
  logits(z: tf.Tensor, inputs: tf.Tensor): tf.Tensor3D {
    return tf.tidy(() => {
      const hs = this.hiddenStates(z, inputs);
      const [N, T] = inputs.shape as [number, number];
      return tf.reshape(this.project(tf.reshape(hs, [N * T, this.config.hiddenUnits])), [
        N,
        T,
        this.config.vocabSize,
      ]) as tf.Tensor3D;
    });
  }

  /** Create the weights (runs a one-token forward pass once); the other methods call it. */
  build(): void {
    if (this.lstm.built && this.output.built) return;
    tf.tidy(() => {
      this.logits(
        tf.zeros([1, this.config.latentDim]),
        tf.fill([1, 1], this.config.bosId, 'int32'),
      );
    });
  }

  /** One decoding step (see {@link TextStepModel}). */
  step(
    tokens: tf.Tensor1D,
    z: tf.Tensor,
    state: tf.Tensor[],
  ): { logits: tf.Tensor2D; state: tf.Tensor[] } {
    this.build();
    const [h, c, logits] = tf.tidy(() => {
      const x = tf.concat([this.embedding.apply(tokens) as tf.Tensor, z], 1);
      const [hNext, cNext] = this.lstm.step(x, [state[0]!, state[1]!]);
      return [hNext, cNext, this.output.apply(hNext) as tf.Tensor2D];
    });
    return { logits: logits as tf.Tensor2D, state: [h!, c!] };
  }

  /** `p(x | z)` for latents `z` `[N, d]` (word dropout on its inputs when `training`). */
  apply(z: tf.Tensor, options: { training?: boolean; seed?: number } = {}): TokenLikelihood {
    this.checkZ(z);
    return new TokenLikelihood(this, z, options);
  }

  /** Generate sentences from latents `z` `[N, d]` (token ids after `<bos>`, without `<eos>`). */
  generate(z: tf.Tensor, options: GenerateOptions = {}): number[][] {
    this.checkZ(z);
    return generateTokens(this, z, options);
  }

  /** Trainable variables of the decoder. */
  get trainableVariables(): tf.Variable[] {
    this.build();
    return trainableVariablesOf(this.layers);
  }

  private checkZ(z: tf.Tensor): void {
    check(
      z.rank === 2 && z.shape[1] === this.config.latentDim,
      'LSTMTextDecoder z',
      `of shape [N, ${this.config.latentDim}]`,
      `shape [${z.shape.join(', ')}]`,
    );
  }
}

/** Options of {@link TokenLikelihood.sample}. */
export interface TokenSampleOptions extends SampleOptions {
  /**
   * Ancestral sampling: the most tokens drawn after `<bos>`, `<eos>` included (default 30); the
   * result has `maxLength + 1` columns.
   */
  maxLength?: number;
  /**
   * Sentences `x` `[N, T]` to condition on instead: each position is drawn from the
   * teacher-forced conditional `p(x_t | x_<t, z)` given the prefix of `x` (what `logProb(x)`
   * scores), independently, and the result is shaped like `x`.
   */
  teacherForcing?: tf.Tensor;
}

/**
 * The token likelihood `p(x | z)` of an {@link LSTMTextDecoder}: `logProb(x)` for sentences `x`
 * `[N, T]` (`<bos> w_1 .. w_n <eos> <pad> ..`) is `sum_t log p(x_t | x_<t, z)` over the non-pad
 * targets `x_1 .. x_{T-1}`, with the `<eos>` token counted; shape `[N]`. `sample` draws sentences
 * from it.
 *
 * ```
 * log p(x | z) = sum_{t >= 1, x_t != pad} log softmax(logits_t(x_<t, z))[x_t]
 * sample():                    x~_t ~ p(x_t | x~_<t, z), t = 1, 2, .. until <eos> (ancestral: x~ ~ p(x | z))
 * sample({ teacherForcing: x }):  x~_t ~ p(x_t | x_<t, z) independently for every non-pad target of x
 * ```
 * Reference: Bowman et al. 2016, "Generating Sentences from a Continuous Space".
 *
 * @example
 * ```ts
 * const px = decoder.apply(z, { training: true, seed: 3 });
 * px.logProb(tokens);                          // [N]
 * px.sample({ seed: 1, maxLength: 20 });       // int32 [N, 21]: <bos> w.. <eos> <pad>..
 * px.sample({ seed: 1, teacherForcing: tokens }); // int32, shaped like tokens
 * ```
 */
export class TokenLikelihood implements Likelihood {
  constructor(
    private readonly decoder: LSTMTextDecoder,
    readonly z: tf.Tensor,
    private readonly options: { training?: boolean; seed?: number } = {},
  ) {}

  /** Teacher-forced logits `[N, T-1, V]` predicting `x_1 .. x_{T-1}` (inputs `x_0 .. x_{T-2}`, word-dropped in training). */
  logits(x: tf.Tensor): tf.Tensor3D {
    return tf.tidy(() => this.decoder.logits(this.z, this.decoderInputs(x)));
  }

  /** The decoder's inputs `x_0 .. x_{T-2}` of sentences `x` `[N, T]`, word-dropped in training. */
  private decoderInputs(x: tf.Tensor): tf.Tensor {
    check(
      x.rank === 2 && (x.shape[1] ?? 0) >= 2,
      'TokenLikelihood x',
      'of shape [N, T >= 2] (<bos> first)',
      `shape [${x.shape.join(', ')}]`,
    );
    return tf.tidy(() => {
      const { padId, bosId, unkId, wordDropout: rate } = this.decoder.config;
      const [N, T] = x.shape as [number, number];
      let inputs = tf.slice(tf.cast(x, 'int32'), [0, 0], [N, T - 1]);
      if (this.options.training === true && rate > 0) {
        inputs = wordDropout(inputs, {
          rate,
          unkId,
          protectedIds: [bosId, padId],
          seed: this.options.seed,
        });
      }
      return inputs;
    });
  }

  /**
   * `log p(x | z)`, shape `[N]`. Where the batch has padding and the backend keeps tensors in
   * host memory, only the non-pad positions are projected onto the vocabulary
   * ({@link nonPadTokenLogProb}): the same values and gradients (up to the sign of zero) at the
   * cost of the real tokens only.
   */
  logProb(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const inputs = this.decoderInputs(x); // checks x
      const [N, T] = x.shape as [number, number];
      const { padId, hiddenUnits } = this.decoder.config;
      const targets = tf.slice(tf.cast(x, 'int32'), [0, 1], [N, T - 1]) as tf.Tensor2D;
      const rows = nonPadRows(targets, padId);
      if (rows === null) {
        return categoricalLogProb(this.decoder.logits(this.z, inputs), targets, { padId });
      }
      // Each row's steps after its last target are not computed (nothing there reaches the loss).
      const lengths = new Int32Array(N).fill(1);
      for (const m of rows) lengths[Math.floor(m / (T - 1))] = (m % (T - 1)) + 1;
      const hidden = tf.reshape(this.decoder.hiddenStates(this.z, inputs, { lengths }), [
        N * (T - 1),
        hiddenUnits,
      ]) as tf.Tensor2D;
      return nonPadTokenLogProb(hidden, targets, rows, (h) => this.decoder.project(h));
    });
  }

  /**
   * One sentence per latent, int32, without gradient. By default a draw `x~ ~ p(x | z)` by
   * ancestral sampling (temperature 1, no word dropout): rows `<bos> w_1 .. w_n <eos> <pad> ..`
   * of `maxLength + 1` tokens, a sentence without `<eos>` after `maxLength` tokens cut there. With
   * `teacherForcing: x`, one categorical draw per position under the teacher-forced logits of
   * `x` (word-dropped in training mode, as in `logProb`): shaped like `x`, `<bos>` and the
   * padding of `x` kept. The same seed on the same backend gives the same draw.
   *
   * @throws Error if `maxLength` is not a positive integer, or `teacherForcing` is not `[N, T >= 2]`.
   */
  sample(options: TokenSampleOptions = {}): tf.Tensor2D {
    const { seed, maxLength = 30, teacherForcing } = options;
    if (teacherForcing !== undefined) return this.sampleTeacherForced(teacherForcing, seed);
    check(
      Number.isInteger(maxLength) && maxLength >= 1,
      'TokenLikelihood sample maxLength',
      'a positive integer',
      maxLength,
    );
    const { padId, bosId, eosId } = this.decoder.config;
    const sentences = this.decoder.generate(this.z, {
      method: 'sample',
      temperature: 1,
      maxLength,
      seed: deriveSeed(seed, 0),
    });
    const T = maxLength + 1;
    const ids = new Int32Array(sentences.length * T).fill(padId);
    sentences.forEach((words, n) => {
      const row = [bosId, ...words, ...(words.length < maxLength ? [eosId] : [])];
      ids.set(row, n * T);
    });
    return tf.tensor2d(ids, [sentences.length, T], 'int32');
  }

  private sampleTeacherForced(x: tf.Tensor, seed: number | undefined): tf.Tensor2D {
    return tf.tidy(() => {
      const logits = this.logits(x); // checks x
      const [N, T] = x.shape as [number, number];
      const V = this.decoder.config.vocabSize;
      const draws = tf.reshape(
        gumbelMax(tf.reshape(logits, [N * (T - 1), V]) as tf.Tensor2D, 1, deriveSeed(seed, 0)),
        [N, T - 1],
      );
      const ids = tf.cast(x, 'int32');
      const targets = tf.slice(ids, [0, 1], [N, T - 1]);
      const pad = tf.equal(targets, tf.scalar(this.decoder.config.padId, 'int32'));
      return tf.concat([tf.slice(ids, [0, 0], [N, 1]), tf.where(pad, targets, draws)], 1);
    }) as tf.Tensor2D;
  }
}
