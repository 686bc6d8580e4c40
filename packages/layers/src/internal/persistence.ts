import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { check } from './validate';
import { namedWeightsOf } from './variables';

/** The `format` field vaekit writes into saved model artifacts. */
export const ARTIFACT_FORMAT = 'vaekit-model';

/** Resolve a URL (`'indexeddb://x'`, `'http://...'`, ...) or pass an IOHandler through. */
function handlerFor(target: string | tf.io.IOHandler, mode: 'save' | 'load'): tf.io.IOHandler {
  if (typeof target !== 'string') return target;
  const handlers = mode === 'save' ? tf.io.getSaveHandlers(target) : tf.io.getLoadHandlers(target);
  check(
    handlers.length >= 1,
    `${mode} target`,
    'a URL with a registered tf.io handler (indexeddb://, localstorage://, downloads://, http(s)://; file:// needs @tensorflow/tfjs-node) or an IOHandler such as tf.io.withSaveHandler / tf.io.fromMemory',
    `'${target}'`,
  );
  return handlers[0]!;
}

/**
 * Save `layers`' weights (all of them: batch-norm running statistics too) and a JSON config with
 * tf.io: `modelTopology = { class_name, config }`, weights named `<layer>/<weight>`.
 */
export async function saveModel(
  className: string,
  config: object,
  layers: tfl.layers.Layer[],
  target: string | tf.io.IOHandler,
): Promise<tf.io.SaveResult> {
  const handler = handlerFor(target, 'save');
  check(
    typeof handler.save === 'function',
    'save target',
    'an IOHandler with a save method',
    'a handler without one',
  );
  const named: tf.NamedTensorMap = {};
  for (const { name, weight } of namedWeightsOf(layers)) named[name] = weight.read();
  const { data, specs } = await tf.io.encodeWeights(named);
  return handler.save!({
    format: ARTIFACT_FORMAT,
    generatedBy: '@vaekit/layers',
    convertedBy: null,
    modelTopology: { class_name: className, config: JSON.parse(JSON.stringify(config)) },
    weightSpecs: specs,
    weightData: data,
  });
}

/** Load artifacts saved by {@link saveModel}: the config and the weights by name. */
export async function loadArtifacts(
  className: string,
  target: string | tf.io.IOHandler,
): Promise<{ config: unknown; weights: tf.NamedTensorMap }> {
  const handler = handlerFor(target, 'load');
  check(
    typeof handler.load === 'function',
    'load target',
    'an IOHandler with a load method',
    'a handler without one',
  );
  const artifacts = await handler.load!();
  const topology = artifacts.modelTopology as { class_name?: string; config?: unknown } | undefined;
  check(
    artifacts.format === ARTIFACT_FORMAT && topology?.class_name === className,
    'loaded artifacts',
    `a ${className} saved by @vaekit/layers (format '${ARTIFACT_FORMAT}')`,
    `format '${artifacts.format}', class '${topology?.class_name}'`,
  );
  check(
    artifacts.weightSpecs !== undefined && artifacts.weightData !== undefined,
    'loaded artifacts',
    'with weights',
    'no weights',
  );
  const weights = tf.io.decodeWeights(artifacts.weightData!, artifacts.weightSpecs!);
  return { config: topology!.config, weights };
}

/** Write `weights` (by `<layer>/<weight>` name) into `layers`; every weight must be present. */
export function assignWeights(layers: tfl.layers.Layer[], weights: tf.NamedTensorMap): void {
  for (const { name, weight } of namedWeightsOf(layers)) {
    const value = weights[name];
    check(value !== undefined, `weight '${name}'`, 'present in the saved model', 'missing');
    check(
      value!.shape.length === weight.shape.length &&
        value!.shape.every((n, i) => n === weight.shape[i]),
      `weight '${name}'`,
      `of shape [${weight.shape.join(', ')}]`,
      `shape [${value!.shape.join(', ')}]`,
    );
    weight.write(value!);
  }
}
