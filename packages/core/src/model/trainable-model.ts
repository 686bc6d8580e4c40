import type * as tf from '@tensorflow/tfjs-core';
import type { LatentVariableModel } from '@vaekit/objectives';

/**
 * What the training loop needs of a model: the {@link LatentVariableModel} the objectives work
 * on, each network's trainable variables (PIWAE and DReG give the two networks different
 * losses), and every weight by a stable name for checkpoints (batch-norm running statistics
 * included), plus saving in the tf.io format a browser can load.
 */
export interface TrainableModel extends LatentVariableModel {
  readonly encoderVariables: tf.Variable[];
  readonly decoderVariables: tf.Variable[];
  /** Copies (the caller disposes them) of every weight, trainable or not, by a unique stable name. */
  namedWeights(): { name: string; tensor: tf.Tensor }[];
  /** Assign weights saved by {@link TrainableModel.namedWeights} (every name must be present). */
  loadNamedWeights(weights: Record<string, tf.Tensor>): void;
  /**
   * Save the model in the tf.io format through `handler` (the Node trainer's file handler, or
   * `tf.io.withSaveHandler` / a browser download in the web app).
   */
  save(handler: tf.io.IOHandler): Promise<void>;
  /** Free every tensor of the model. */
  dispose(): void;
}
