import { describe, expect, it } from 'vitest';
import { mulberry32 } from './test-support/bits';
import { isSharedMemory, wasmKernels } from './wasm-kernels';

/** A stand-in for tfjs-backend-wasm's backend object: its memory and a bump allocator. */
function fakeBackend(memory: WebAssembly.Memory) {
  let next = 1 << 16;
  return {
    wasm: {
      wasmMemory: memory,
      _malloc: (bytes: number) => {
        const at = next;
        next += Math.ceil(bytes / 16) * 16;
        return at;
      },
      _free: () => undefined,
    },
    dataIdMap: new Map(),
  };
}

/** Run softplus and a 5x7 by 7x9 GEMM (B transposed, bias, ReLU clamp) in one backend's memory. */
function compute(memory: WebAssembly.Memory): Float32Array {
  const backend = fakeBackend(memory);
  const kernels = wasmKernels(backend);
  if (kernels === undefined) throw new Error('the kernels did not instantiate');
  const [m, k, n] = [5, 7, 9];
  const u = mulberry32(11);
  const put = (values: number) => {
    const at = backend.wasm._malloc(values * 4);
    const view = new Float32Array(memory.buffer, at, values);
    for (let i = 0; i < values; i++) view[i] = u() * 8 - 4;
    return at;
  };
  const x = put(37);
  const y = backend.wasm._malloc(37 * 4);
  kernels.exports.vk_softplus(x, y, 37);
  const a = put(m * k);
  const b = put(n * k);
  const bias = put(n);
  const c = backend.wasm._malloc(m * n * 4);
  const scratch = kernels.scratch(kernels.exports.vk_matmul_scratch_floats(m, k, n) * 4);
  kernels.exports.vk_matmul(a, b, bias, c, scratch, m, k, n, 0, 1, 0, Number.POSITIVE_INFINITY, 1);
  return Float32Array.from([
    ...new Float32Array(memory.buffer, y, 37),
    ...new Float32Array(memory.buffer, c, m * n),
  ]);
}

describe('wasmKernels', () => {
  it("runs on tfjs's threaded build's shared memory, bit for bit as on an unshared one", () => {
    const unshared = new WebAssembly.Memory({ initial: 32 });
    const shared = new WebAssembly.Memory({ initial: 32, maximum: 32768, shared: true });
    expect(isSharedMemory(unshared)).toBe(false);
    expect(isSharedMemory(shared)).toBe(true);
    const ours = compute(shared);
    const reference = compute(unshared);
    expect(Buffer.from(ours.buffer)).toEqual(Buffer.from(reference.buffer));
    // Not trivially equal: softplus and a clamped GEMM of non-zero inputs.
    expect(ours.some((v) => v > 0)).toBe(true);
    expect(ours.slice(37).some((v) => v === 0)).toBe(true);
    expect(ours.slice(37).some((v) => v > 1)).toBe(true);
  });

  it('is undefined (the fixes use tfjs kernels) where the backend exposes no memory', () => {
    expect(wasmKernels({ wasm: {} })).toBeUndefined();
  });
});
