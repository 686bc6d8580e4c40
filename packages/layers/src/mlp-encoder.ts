import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { check } from './internal/validate';
import { trainableVariablesOf } from './internal/variables';
import { deriveSeed } from '@vaekit/distributions/internal';

/** Hidden-layer activations of the MLPs. */
export type MLPActivation = 'relu' | 'tanh' | 'elu' | 'softplus' | 'sigmoid';

const ACTIVATIONS: readonly MLPActivation[] = ['relu', 'tanh', 'elu', 'softplus', 'sigmoid'];

/** Configuration of an {@link MLPEncoder} (JSON). */
export interface MLPEncoderConfig {
  /** Values per input row (pixels of a flattened image, e.g. 784). */
  inputDim: number;
  /** Units of each hidden layer, at least one (e.g. `[512, 256]`). */
  hiddenUnits: number[];
  /** Hidden activation (default `'relu'`). */
  activation?: MLPActivation;
}

/** Validate an MLP's sizes and activation; shared by encoder and decoder. */
export function checkMLP(what: string, hiddenUnits: number[], activation: string): void {
  check(
    Array.isArray(hiddenUnits) &&
      hiddenUnits.length >= 1 &&
      hiddenUnits.every((u) => Number.isInteger(u) && u >= 1),
    `${what} hiddenUnits`,
    'a non-empty list of positive integers',
    hiddenUnits,
  );
  check(
    ACTIVATIONS.includes(activation as MLPActivation),
    `${what} activation`,
    `one of ${ACTIVATIONS.join(', ')}`,
    activation,
  );
}

/**
 * The feature network of an image VAE encoder: a multilayer perceptron over flattened pixels.
 *
 * ```
 * h_0 = flatten(x),   h_l = act(W_l h_{l-1} + b_l),   features = h_L
 * ```
 * A posterior head maps the features to `q(z|x)`. Reference: Kingma & Welling 2014,
 * "Auto-Encoding Variational Bayes", appendix C.
 *
 * @example
 * ```ts
 * const encoder = new MLPEncoder({ inputDim: 784, hiddenUnits: [512, 256] });
 * encoder.apply(images).shape; // [N, 256]
 * ```
 */
export class MLPEncoder {
  readonly config: Required<MLPEncoderConfig>;
  readonly layers: tfl.layers.Layer[];

  constructor(config: MLPEncoderConfig, options: { name?: string; seed?: number } = {}) {
    const { inputDim, hiddenUnits, activation = 'relu' } = config;
    check(
      Number.isInteger(inputDim) && inputDim >= 1,
      'MLPEncoder inputDim',
      'a positive integer',
      inputDim,
    );
    checkMLP('MLPEncoder', hiddenUnits, activation);
    this.config = { inputDim, hiddenUnits: [...hiddenUnits], activation };
    const name = options.name ?? 'encoder';
    this.layers = hiddenUnits.map((units, i) =>
      tfl.layers.dense({
        units,
        activation,
        name: `${name}_dense${i}`,
        kernelInitializer: tfl.initializers.glorotUniform({ seed: deriveSeed(options.seed, i) }),
      }),
    );
  }

  /** Features `[N, hiddenUnits.at(-1)]` of inputs `[N, ...]` (flattened to `[N, inputDim]`). */
  apply(x: tf.Tensor): tf.Tensor2D {
    return tf.tidy(() => {
      const rows = x.shape[0]!;
      check(
        x.size === rows * this.config.inputDim,
        'MLPEncoder input',
        `of shape [N, ...] with ${this.config.inputDim} values per row`,
        `shape [${x.shape.join(', ')}]`,
      );
      let h: tf.Tensor = tf.reshape(tf.cast(x, 'float32'), [rows, this.config.inputDim]);
      for (const layer of this.layers) h = layer.apply(h) as tf.Tensor;
      return h as tf.Tensor2D;
    });
  }

  /** Trainable variables of the hidden layers. */
  get trainableVariables(): tf.Variable[] {
    return trainableVariablesOf(this.layers);
  }
}
