import * as tf from '@tensorflow/tfjs-core';

/**
 * Backends that keep tensors in host memory (wasm, cpu, tfjs-node's `tensorflow`): reading a
 * small tensor back costs a copy there, not a device synchronisation.
 */
const HOST_MEMORY_BACKENDS: ReadonlySet<string> = new Set(['wasm', 'cpu', 'tensorflow']);

/**
 * Whether the active backend keeps tensors in host memory, so that layers may read their
 * padding back to skip it ({@link HOST_MEMORY_BACKENDS}).
 */
export function onHostMemoryBackend(): boolean {
  return HOST_MEMORY_BACKENDS.has(tf.getBackend());
}
