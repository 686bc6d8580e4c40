import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** The `tf.Variable`s behind the trainable weights of `layers` (built layers only). */
export function trainableVariablesOf(layers: tfl.layers.Layer[]): tf.Variable[] {
  return layers.flatMap((layer) => layer.trainableWeights.map((w) => w.read() as tf.Variable));
}

/**
 * Every weight (trainable or not, e.g. batch-norm running statistics) of `layers`, named
 * `<layer name>/<weight name>`: the names used by save and load.
 */
export function namedWeightsOf(
  layers: tfl.layers.Layer[],
): { name: string; weight: tfl.LayerVariable }[] {
  return layers.flatMap((layer) =>
    layer.weights.map((weight) => ({
      name: `${layer.name}/${weight.originalName.split('/').pop()}`,
      weight,
    })),
  );
}
