import * as tf from '@tensorflow/tfjs-core';
import type { TensorData } from './checkpoint-manifest';

/**
 * Copies tensors' values to plain {@link TensorData} (for {@link writeCheckpoint}). Accepts a
 * name → tensor record or tfjs `NamedTensor`s (`{ name, tensor }`, as from
 * `optimizer.getWeights()`). Only float32 and int32 tensors are supported. The tensors are
 * not disposed.
 *
 * @example
 * ```ts
 * const weights = await snapshotTensors({ 'dense/kernel': kernel, 'dense/bias': bias });
 * const slots = await snapshotTensors(await optimizer.getWeights());
 * ```
 */
export async function snapshotTensors(
  tensors: Record<string, tf.Tensor> | readonly { name: string; tensor: tf.Tensor }[],
): Promise<Record<string, TensorData>> {
  const entries: [string, tf.Tensor][] = Array.isArray(tensors)
    ? (tensors as readonly { name: string; tensor: tf.Tensor }[]).map((n) => [n.name, n.tensor])
    : Object.entries(tensors as Record<string, tf.Tensor>);
  const out: Record<string, TensorData> = {};
  for (const [name, t] of entries) {
    if (name in out) throw new Error(`snapshotTensors: duplicate tensor name '${name}'`);
    if (t.dtype !== 'float32' && t.dtype !== 'int32') {
      throw new Error(
        `snapshotTensors: tensor '${name}' has dtype ${t.dtype}; only float32 and int32 are supported`,
      );
    }
    const values = await t.data();
    out[name] = {
      shape: [...t.shape],
      dtype: t.dtype,
      data:
        t.dtype === 'float32'
          ? Float32Array.from(values as Float32Array)
          : Int32Array.from(values as Int32Array),
    };
  }
  return out;
}

/**
 * Turns {@link TensorData} back into tensors, by name (the caller owns and disposes them).
 *
 * @example
 * ```ts
 * const { weights } = await readCheckpoint(dir);
 * const tensors = restoreTensors(weights);
 * variable.assign(tensors['dense/kernel']!);
 * tf.dispose(Object.values(tensors));
 * ```
 */
export function restoreTensors(record: Record<string, TensorData>): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  for (const [name, t] of Object.entries(record)) out[name] = tf.tensor(t.data, t.shape, t.dtype);
  return out;
}
