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
 * What a vaekit replacement kernel carries (under a `Symbol.for` key, so that every copy of this
 * module in a process sees it): the fix that made it and the kernel it replaced.
 */
interface Layer {
  readonly fix: string;
  readonly previous: KernelFunc;
}

const LAYER = Symbol.for('@vaekit/backend:wasm-kernel-layer');

function layerOf(kernelFunc: KernelFunc): Layer | undefined {
  return (kernelFunc as unknown as { [LAYER]?: Layer })[LAYER];
}

/**
 * A set of wasm kernels replaced by functions built from the kernels they replace (each
 * replacement hands what it does not handle to the previous kernel): the registration shared by
 * vaekit's wasm kernel fixes.
 *
 * tfjs keeps its kernel registry on `globalThis`, so it outlives a module: a second copy of a fix
 * in the same process (a bundle that inlines @vaekit/backend beside the package, or a test runner
 * that re-evaluates modules per file) finds the first copy's kernel registered. Each replacement
 * is therefore marked with its fix's name and the kernel it replaced; a copy that finds its fix
 * already in a kernel's chain adopts it instead of wrapping it again, so the chain holds each fix
 * once and {@link previousKernel} is always the kernel the fix really replaced.
 */
export class WasmKernelReplacement {
  private readonly previous = new Map<string, KernelFunc>();

  /**
   * @param fix the fix's name (as in `WASM_KERNEL_FIXES`): the same name means the same fix.
   * @param replacements for each kernel name, the replacement made from the previous kernel.
   */
  constructor(
    readonly fix: string,
    private readonly replacements: Readonly<
      Record<string, (previous: KernelFunc) => (args: KernelArgs) => unknown>
    >,
  ) {}

  /**
   * Replace the kernels registered for wasm now (idempotent, in this copy and across copies;
   * kernels not registered, e.g. without the wasm backend, are skipped). Returns the names
   * replaced by this call (not those adopted from another copy of the fix).
   */
  register(): string[] {
    const replaced: string[] = [];
    for (const [kernelName, replacement] of Object.entries(this.replacements)) {
      if (this.previous.has(kernelName)) continue;
      const config = tf.getKernel(kernelName, 'wasm');
      if (config === undefined) continue;
      const existing = findLayer(config.kernelFunc, this.fix);
      if (existing !== undefined) {
        this.previous.set(kernelName, existing.previous);
        continue;
      }
      const kernelFunc = replacement(config.kernelFunc) as unknown as KernelFunc;
      const layer: Layer = { fix: this.fix, previous: config.kernelFunc };
      Object.defineProperty(kernelFunc, LAYER, { value: layer });
      tf.unregisterKernel(kernelName, 'wasm');
      tf.registerKernel({ ...config, kernelFunc });
      this.previous.set(kernelName, config.kernelFunc);
      replaced.push(kernelName);
    }
    return replaced;
  }

  /** Whether every kernel of the set has been replaced (by this copy of the fix or another). */
  get active(): boolean {
    return this.previous.size === Object.keys(this.replacements).length;
  }

  /**
   * The kernel that this fix replaced (for tests that compare with it): tfjs's own, or an earlier
   * vaekit fix of the same kernel (never this fix itself).
   */
  previousKernel(kernelName: string): KernelFunc | undefined {
    return this.previous.get(kernelName);
  }

  /** tfjs's own kernel under every vaekit fix of `kernelName` (for tests that compare with it). */
  originalKernel(kernelName: string): KernelFunc | undefined {
    let kernelFunc = this.previous.get(kernelName);
    for (let layer = kernelFunc && layerOf(kernelFunc); layer; layer = layerOf(layer.previous)) {
      kernelFunc = layer.previous;
    }
    return kernelFunc;
  }
}

/** The layer of `fix` in the chain of replacements that ends in `kernelFunc`, if there is one. */
function findLayer(kernelFunc: KernelFunc, fix: string): Layer | undefined {
  for (let layer = layerOf(kernelFunc); layer; layer = layerOf(layer.previous)) {
    if (layer.fix === fix) return layer;
  }
  return undefined;
}
