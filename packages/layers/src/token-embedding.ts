import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  type InitializerSpec,
  type Initializer,
  resolveInitializer,
  serializeInitializer,
} from './internal/initializers';
import type { Kwargs, LayerArgs, Shape } from './internal/layer-types';
import { check } from './internal/validate';
import { customOp, deriveSeed, runCustomOp } from '@vaekit/distributions/internal';

/** Arguments of {@link tokenEmbedding} / {@link TokenEmbedding}. */
export interface TokenEmbeddingArgs extends LayerArgs {
  /** Vocabulary size `V` (a positive integer): token ids are in `[0, V)`. */
  inputDim: number;
  /** Embedding size `E` (a positive integer). */
  outputDim: number;
  /** Seed of the default initializer (uniform in `[-0.05, 0.05]`, as tfjs-layers). */
  seed?: number;
  /** Initializer of the `[V, E]` table. */
  embeddingsInitializer?: InitializerSpec;
}

/**
 * Token embedding lookup `e = E[ids]`, a drop-in for `tf.layers.embedding` (same `embeddings`
 * weight `[V, E]`) whose gradient works on every backend.
 *
 * Mathematical details:
 * ```
 * forward:   y[n, :] = E[ids[n], :]
 * backward:  dE = sum_n onehot(ids[n]) dy[n, :]      (a scatter-add, duplicates summed)
 * ```
 * tfjs differentiates `gather` with the `UnsortedSegmentSum` kernel, which the wasm backend does
 * not implement (training a `tf.layers.embedding` on wasm throws "Kernel 'UnsortedSegmentSum'
 * not registered"). This layer computes the same scatter-add with `ScatterNd` (which sums
 * duplicate indices and exists on wasm, cpu, webgl and tfjs-node) through `tf.customGrad`.
 *
 * Reference: Bengio, Ducharme, Vincent, Jauvin 2003, "A Neural Probabilistic Language Model", JMLR.
 *
 * @example
 * ```ts
 * const embed = tokenEmbedding({ inputDim: 5000, outputDim: 256 });
 * const e = embed.apply(tf.tensor2d([[1, 5, 9]], undefined, 'int32')) as tf.Tensor; // [1, 3, 256]
 * ```
 */
export class TokenEmbedding extends tfl.layers.Layer {
  /** @nocollapse */
  static className = 'VaekitTokenEmbedding';
  readonly inputDim: number;
  readonly outputDim: number;
  readonly seed: number | undefined;
  private readonly init: Initializer;
  private embeddings: tfl.LayerVariable | null = null;

  constructor(args: TokenEmbeddingArgs) {
    const { inputDim, outputDim, seed, embeddingsInitializer, ...base } = args;
    check(
      Number.isInteger(inputDim) && inputDim >= 1,
      'tokenEmbedding inputDim',
      'a positive integer',
      inputDim,
    );
    check(
      Number.isInteger(outputDim) && outputDim >= 1,
      'tokenEmbedding outputDim',
      'a positive integer',
      outputDim,
    );
    super(base);
    this.inputDim = inputDim;
    this.outputDim = outputDim;
    this.seed = seed;
    this.init = resolveInitializer(embeddingsInitializer, () =>
      tfl.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: deriveSeed(seed, 0) }),
    );
  }

  override build(): void {
    this.embeddings = this.addWeight(
      'embeddings',
      [this.inputDim, this.outputDim],
      'float32',
      this.init,
    );
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return [...shape, this.outputDim];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const ids = Array.isArray(inputs) ? inputs[0]! : inputs;
      return embeddingLookup(this.embeddings!.read(), ids);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {
      ...super.getConfig(),
      inputDim: this.inputDim,
      outputDim: this.outputDim,
      embeddingsInitializer: serializeInitializer(
        this.init,
      ) as unknown as tf.serialization.ConfigDictValue,
    };
    if (this.seed !== undefined) config['seed'] = this.seed;
    return config;
  }
}
tf.serialization.registerClass(TokenEmbedding);

/**
 * `table[ids]` (shape `ids.shape + [E]`) with a scatter-add gradient for `table` that works on
 * every backend (see {@link TokenEmbedding}).
 */
export function embeddingLookup(table: tf.Tensor, ids: tf.Tensor): tf.Tensor {
  const [V, E] = table.shape as [number, number];
  return tf.tidy(() => {
    const flatIds = tf.cast(tf.reshape(ids, [-1]), 'int32');
    const op = customOp((tableIn: tf.Tensor2D, idsIn: tf.Tensor1D, save: tf.GradSaveFunc) => {
      save([idsIn]);
      return {
        value: tf.gather(tableIn, idsIn),
        gradFunc: (dy: tf.Tensor2D, [savedIds]: tf.Tensor[]) => [
          tf.scatterND(tf.reshape(savedIds!, [-1, 1]), dy, [V, E]),
          tf.zeros(savedIds!.shape),
        ],
      };
    });
    const rows = runCustomOp(() => op(table, flatIds));
    return tf.reshape(rows, [...ids.shape, E]);
  });
}

/**
 * Create a {@link TokenEmbedding} layer: an embedding lookup that trains on every backend,
 * including wasm (a `ScatterNd` gradient instead of tfjs's `UnsortedSegmentSum`).
 *
 * @throws Error if `inputDim` or `outputDim` is not a positive integer.
 * @example
 * ```ts
 * const embed = tokenEmbedding({ inputDim: 5000, outputDim: 256, seed: 1 });
 * ```
 */
export function tokenEmbedding(args: TokenEmbeddingArgs): TokenEmbedding {
  return new TokenEmbedding(args);
}
