import * as tf from '@tensorflow/tfjs-core';
import { type KernelArgs, type KernelFunc, WasmKernelReplacement } from './wasm-kernel-replacement';

const replacement = new WasmKernelReplacement('identity-shares', {
  [tf.Identity]: (previous) => (args) => identityKernel(args, previous),
});

/**
 * Share instead of copy in the `Identity` kernel of `@tensorflow/tfjs-backend-wasm` 4.x.
 *
 * `tf.clone` (and every op that clones: `broadcastTo` to the same shape, the gradients of
 * identities, `keep(x.clone())`) runs the `Identity` kernel, which on wasm copies the whole
 * tensor. tfjs tensors are immutable (a variable's `assign` points it at new data), so a copy is
 * never needed: this replacement returns the input's data with its reference count raised, as
 * wasm's own `Reshape` kernel and the cpu backend's `Identity` kernel do. Values are the input's,
 * bit for bit. String tensors go to the original kernel.
 *
 * Idempotent; a no-op when the wasm backend is not registered.
 *
 * @returns the kernel names that were replaced by this call (empty when already replaced).
 * @example
 * ```ts
 * await tf.setBackend('wasm');
 * registerWasmIdentityFix(); // ['Identity']
 * ```
 */
export function registerWasmIdentityFix(): string[] {
  return replacement.register();
}

/** Whether {@link registerWasmIdentityFix} has replaced the wasm `Identity` kernel in this process. */
export function isWasmIdentityFixRegistered(): boolean {
  return replacement.active;
}

function identityKernel(args: KernelArgs, original: KernelFunc): tf.TensorInfo {
  const x = args.inputs['x'] as tf.TensorInfo;
  if (x.dtype === 'string') return original(args as never) as tf.TensorInfo;
  (args.backend as tf.KernelBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}
