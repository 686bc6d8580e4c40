import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { onWasm } from './test-support/bits';
import { type KernelFunc, WasmKernelReplacement } from './wasm-kernel-replacement';

const KERNEL = 'VaekitReplacementTestKernel';

/** tfjs's stand-in: returns its input plus 1, so each layer of a chain shows in the result. */
const original = ((args: { inputs: Record<string, unknown> }) =>
  (args.inputs['x'] as number) + 1) as unknown as KernelFunc;

/** A fix that multiplies what the previous kernel returns by `factor`. */
function times(fix: string, factor: number): WasmKernelReplacement {
  return new WasmKernelReplacement(fix, {
    [KERNEL]: (previous) => (args) => (previous(args) as unknown as number) * factor,
  });
}

function run(x: number): number {
  const kernelFunc = tf.getKernel(KERNEL, 'wasm')!.kernelFunc;
  return kernelFunc({ inputs: { x } as never, backend: undefined as never, attrs: {} }) as never;
}

describe('WasmKernelReplacement', () => {
  afterEach(() => {
    if (tf.getKernel(KERNEL, 'wasm') !== undefined) tf.unregisterKernel(KERNEL, 'wasm');
  });

  it('wraps the registered kernel once, and skips kernels not registered', () => {
    const fix = times('double', 2);
    expect(fix.register()).toEqual([]);
    expect(fix.active).toBe(false);
    tf.registerKernel({ kernelName: KERNEL, backendName: 'wasm', kernelFunc: original });
    expect(fix.register()).toEqual([KERNEL]);
    expect(fix.register()).toEqual([]);
    expect(fix.active).toBe(true);
    expect(run(3)).toBe(8);
    expect(fix.previousKernel(KERNEL)).toBe(original);
    expect(fix.originalKernel(KERNEL)).toBe(original);
  });

  it('chains different fixes of a kernel: each one knows the kernel it replaced and tfjs own', () => {
    tf.registerKernel({ kernelName: KERNEL, backendName: 'wasm', kernelFunc: original });
    const first = times('double', 2);
    const second = times('triple', 3);
    first.register();
    const firstKernel = tf.getKernel(KERNEL, 'wasm')!.kernelFunc;
    second.register();
    expect(run(3)).toBe(24);
    expect(second.previousKernel(KERNEL)).toBe(firstKernel);
    expect(second.originalKernel(KERNEL)).toBe(original);
  });

  it('adopts its fix from another copy of the module instead of wrapping it again', () => {
    // A test runner that re-evaluates modules per file, or a bundle with two copies of the
    // package, makes a second instance of each fix while tfjs's registry keeps the first's.
    tf.registerKernel({ kernelName: KERNEL, backendName: 'wasm', kernelFunc: original });
    times('double', 2).register();
    times('triple', 3).register();
    const copy = times('double', 2);
    expect(copy.register()).toEqual([]);
    expect(copy.active).toBe(true);
    expect(run(3)).toBe(24); // not 48: the chain holds each fix once
    expect(copy.previousKernel(KERNEL)).toBe(original);
    expect(copy.originalKernel(KERNEL)).toBe(original);
    const tripleCopy = times('triple', 3);
    tripleCopy.register();
    expect(run(3)).toBe(24);
    expect(tripleCopy.originalKernel(KERNEL)).toBe(original);
  });

  it.runIf(onWasm)(
    "a fresh copy of a fix's module compares with tfjs's kernel, not with the first copy",
    async () => {
      const first = await import('./wasm-softplus');
      first.registerWasmSoftplusFix();
      vi.resetModules();
      const second = await import('./wasm-softplus');
      expect(second).not.toBe(first);
      expect(second.registerWasmSoftplusFix()).toEqual([]);
      expect(second.isWasmSoftplusFixRegistered()).toBe(true);
      const tfjs = first.originalWasmSoftplusKernel();
      expect(tfjs).toBeDefined();
      // tfjs's own kernel carries no vaekit layer.
      expect(Object.getOwnPropertySymbols(tfjs)).toEqual([]);
      expect(second.originalWasmSoftplusKernel()).toBe(tfjs);
      expect(tf.getKernel(tf.Softplus, 'wasm')!.kernelFunc).not.toBe(tfjs);
    },
  );
});
