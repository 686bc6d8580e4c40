import * as tf from '@tensorflow/tfjs-core';

/** A tfjs kernel function. */
export type KernelFunc = tf.KernelConfig['kernelFunc'];

/** What a kernel function is called with. */
export type KernelArgs = Parameters<KernelFunc>[0];

/** The parts of tfjs-backend-wasm's `BackendWasm` that vaekit's kernels use. */
export interface WasmBackend extends tf.KernelBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/**
 * A set of wasm kernels replaced by functions built from the kernels they replace (each
 * replacement hands what it does not handle to the previous kernel): the registration shared by
 * vaekit's wasm kernel fixes.
 */
export class WasmKernelReplacement {
  private readonly previous = new Map<string, KernelFunc>();

  /** @param replacements for each kernel name, the replacement made from the previous kernel. */
  constructor(
    private readonly replacements: Readonly<
      Record<string, (previous: KernelFunc) => (args: KernelArgs) => unknown>
    >,
  ) {}

  /**
   * Replace the kernels registered for wasm now (idempotent; kernels not registered, e.g.
   * without the wasm backend, are skipped). Returns the names replaced by this call.
   */
  register(): string[] {
    const replaced: string[] = [];
    for (const [kernelName, replacement] of Object.entries(this.replacements)) {
      if (this.previous.has(kernelName)) continue;
      const config = tf.getKernel(kernelName, 'wasm');
      if (config === undefined) continue;
      tf.unregisterKernel(kernelName, 'wasm');
      tf.registerKernel({
        ...config,
        kernelFunc: replacement(config.kernelFunc) as unknown as KernelFunc,
      });
      this.previous.set(kernelName, config.kernelFunc);
      replaced.push(kernelName);
    }
    return replaced;
  }

  /** Whether every kernel of the set has been replaced in this process. */
  get active(): boolean {
    return this.previous.size === Object.keys(this.replacements).length;
  }

  /** The kernel that was replaced (for tests that compare with it). */
  previousKernel(kernelName: string): KernelFunc | undefined {
    return this.previous.get(kernelName);
  }
}
