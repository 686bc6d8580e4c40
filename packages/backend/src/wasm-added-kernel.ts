import * as tf from '@tensorflow/tfjs-core';
import type { KernelArgs } from './wasm-kernel-replacement';
import { wasmKernels } from './wasm-kernels';

/**
 * A kernel vaekit adds to the wasm backend under a name of its own (not a replacement of a tfjs
 * kernel), computed by its kernels module: `@vaekit/distributions` and `@vaekit/layers` look the
 * name up and use the kernel where a backend has one. Registered only once the wasm backend is
 * initialised and the module instantiates on its memory, so a registered kernel always runs.
 */
export class WasmAddedKernel {
  constructor(
    readonly kernelName: string,
    private readonly kernelFunc: (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[],
  ) {}

  /** Register the kernel (idempotent, across module copies too): the names registered now. */
  register(): string[] {
    if (this.active) return [];
    const backend = tf.findBackend('wasm');
    if (backend === null || wasmKernels(backend) === undefined) return [];
    tf.registerKernel({
      kernelName: this.kernelName,
      backendName: 'wasm',
      kernelFunc: this.kernelFunc as unknown as tf.KernelFunc,
    });
    return [this.kernelName];
  }

  /** Whether the kernel is registered for wasm (by this copy of vaekit or another). */
  get active(): boolean {
    return tf.getKernel(this.kernelName, 'wasm') !== undefined;
  }
}
