import type * as tf from '@tensorflow/tfjs-core';
import type { WasmBackend } from './wasm-kernel-replacement';
import { relaxedSimdSupported } from './relaxed-simd';
import {
  WASM_FMA_GEMM_BASE64,
  WASM_FMA_GEMM_SHARED_BASE64,
  WASM_KERNELS_BASE64,
  WASM_KERNELS_SHARED_BASE64,
} from './wasm-kernels-binary';

/** The further parts of `BackendWasm` that vaekit's WebAssembly kernels use: heap and memory. */
export interface WasmBackendInternals extends WasmBackend {
  wasm: {
    _malloc(bytes: number): number;
    _free(pointer: number): void;
    asm?: { memory?: WebAssembly.Memory };
    wasmMemory?: WebAssembly.Memory;
  };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
}

/** The functions wasm/kernels.c exports (offsets are byte offsets in tfjs's heap). */
export interface KernelExports {
  vk_matmul(
    a: number,
    b: number,
    bias: number,
    c: number,
    scratch: number,
    m: number,
    k: number,
    n: number,
    transA: number,
    transB: number,
    lo: number,
    hi: number,
    clamp: number,
  ): void;
  vk_matmul_scratch_floats(m: number, k: number, n: number): number;
  vk_adam(
    x: number,
    g: number,
    m: number,
    v: number,
    xOut: number,
    mOut: number,
    vOut: number,
    n: number,
    beta1: number,
    oneMinusBeta1: number,
    beta2: number,
    oneMinusBeta2: number,
    oneMinusAccBeta1: number,
    oneMinusAccBeta2: number,
    epsilon: number,
    negLearningRate: number,
    scale: number,
    applyScale: number,
  ): void;
  vk_sum_squares(x: number, n: number): number;
  vk_sum_rows(x: number, out: number, rows: number, cols: number): void;
  vk_softplus(x: number, y: number, n: number): void;
  vk_exp(x: number, y: number, n: number): void;
  vk_standard_normal_kl(loc: number, scale: number, out: number, n: number): void;
  vk_bernoulli_log_prob(logits: number, x: number, out: number, rows: number, cols: number): void;
  vk_softmax_stats(
    logits: number,
    targets: number,
    shifted: number,
    max: number,
    total: number,
    picked: number,
    rows: number,
    cols: number,
  ): void;
  vk_softmax_grad(
    shifted: number,
    total: number,
    scale: number,
    targets: number,
    out: number,
    rows: number,
    cols: number,
  ): void;
}

/** What the fused multiply-add build of wasm/kernels.c exports (the matmul only). */
export type FmaGemmExports = Pick<KernelExports, 'vk_matmul' | 'vk_matmul_scratch_floats'>;

/**
 * The builds of wasm/kernels.c: `exact` (every kernel, float32 multiply then add as tfjs's) and
 * `fma` (the matmul only, with fused multiply-adds; needs WebAssembly relaxed SIMD).
 */
export type KernelBuild = 'exact' | 'fma';

/**
 * vaekit's WebAssembly kernels (wasm/kernels.c), instantiated on one tfjs wasm backend's own
 * memory: they read and write tensors where tfjs keeps them, by heap offset.
 */
export interface WasmKernels<E = KernelExports> {
  readonly exports: E;
  /** A tensor's byte offset in the heap. */
  offset(t: tf.TensorInfo): number;
  /** A scratch area of at least `bytes` bytes in the heap (reused; valid until the next call). */
  scratch(bytes: number): number;
}

/** Each build's module (base64), for an unshared and for a shared memory. */
const BINARIES: Record<KernelBuild, { unshared: string; shared: string }> = {
  exact: { unshared: WASM_KERNELS_BASE64, shared: WASM_KERNELS_SHARED_BASE64 },
  fma: { unshared: WASM_FMA_GEMM_BASE64, shared: WASM_FMA_GEMM_SHARED_BASE64 },
};

/** The compiled modules, per build and memory kind (`null`: cannot compile). */
const compiled = new Map<string, WebAssembly.Module | null>();
/** Each build's kernels per wasm backend instance (`null`: cannot run there). */
const instances: Record<KernelBuild, WeakMap<object, WasmKernels<unknown> | null>> = {
  exact: new WeakMap(),
  fma: new WeakMap(),
};

function compile(build: KernelBuild, shared: boolean): WebAssembly.Module | null {
  const key = `${build}:${shared}`;
  const cached = compiled.get(key);
  if (cached !== undefined) return cached;
  let module: WebAssembly.Module | null = null;
  if (build === 'exact' || relaxedSimdSupported()) {
    try {
      const binary = atob(BINARIES[build][shared ? 'shared' : 'unshared']);
      const bytes = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
      module = new WebAssembly.Module(bytes);
    } catch {
      // No WebAssembly SIMD (or threads), or synchronous compilation refused: not used.
      module = null;
    }
  }
  compiled.set(key, module);
  return module;
}

/**
 * Whether a memory is shared: tfjs-backend-wasm's threaded build (on cross-origin-isolated
 * pages) runs on a shared memory, which only a module declaring a shared memory may import.
 */
export function isSharedMemory(memory: WebAssembly.Memory): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
}

/** The build's module instantiated on `memory`, or `undefined` where that cannot be done. */
function instantiate(
  build: KernelBuild,
  memory: WebAssembly.Memory,
): WebAssembly.Instance | undefined {
  const module = compile(build, isSharedMemory(memory));
  if (module === null) return undefined;
  try {
    return new WebAssembly.Instance(module, { env: { memory } });
  } catch {
    // A memory this build cannot import: the fixes hand every call to tfjs's own kernels.
    return undefined;
  }
}

/**
 * The kernels for this wasm backend instance (the build for its memory: unshared, or shared
 * under tfjs's threaded build), or `undefined` where they cannot run (the backend does not expose
 * its memory, this engine has no WebAssembly SIMD, or the module cannot import the memory).
 */
export function wasmKernels(backend: unknown): WasmKernels | undefined {
  return kernelsOf<KernelExports>('exact', backend);
}

/**
 * The fused multiply-add GEMM for this wasm backend instance, or `undefined` where it cannot run
 * (as {@link wasmKernels}, or this engine has no WebAssembly relaxed SIMD).
 */
export function wasmFmaGemm(backend: unknown): WasmKernels<FmaGemmExports> | undefined {
  return kernelsOf<FmaGemmExports>('fma', backend);
}

function kernelsOf<E>(build: KernelBuild, backend: unknown): WasmKernels<E> | undefined {
  const wasmBackend = backend as WasmBackendInternals;
  const perBackend = instances[build];
  const cached = perBackend.get(wasmBackend) as WasmKernels<E> | null | undefined;
  if (cached !== undefined) return cached ?? undefined;
  const memory = wasmBackend.wasm?.asm?.memory ?? wasmBackend.wasm?.wasmMemory;
  const instance = memory instanceof WebAssembly.Memory ? instantiate(build, memory) : undefined;
  if (instance === undefined) {
    perBackend.set(wasmBackend, null);
    return undefined;
  }
  let scratchPointer = 0;
  let scratchBytes = 0;
  const kernels: WasmKernels<E> = {
    exports: instance.exports as unknown as E,
    offset(t) {
      const data = wasmBackend.dataIdMap.get(t.dataId);
      if (data === undefined) throw new Error('tensor is not on this wasm backend');
      return data.memoryOffset;
    },
    scratch(bytes) {
      if (bytes > scratchBytes) {
        if (scratchPointer !== 0) wasmBackend.wasm._free(scratchPointer);
        scratchBytes = Math.max(bytes, Math.ceil(scratchBytes * 1.5));
        scratchPointer = wasmBackend.wasm._malloc(scratchBytes);
        if (scratchPointer === 0) {
          scratchBytes = 0;
          throw new Error(`wasm backend: out of memory allocating ${bytes} bytes of scratch`);
        }
      }
      return scratchPointer;
    },
  };
  perBackend.set(wasmBackend, kernels);
  return kernels;
}
