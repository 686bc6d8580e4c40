import { describe, expect, it } from 'vitest';
import {
  DEFAULT_WASM_KERNEL_FIXES,
  WASM_KERNEL_FIXES,
  registerWasmKernelFixes,
  registeredWasmKernelFixes,
} from './wasm-kernel-fixes';
import { onWasm } from './test-support/bits';

describe('registerWasmKernelFixes', () => {
  it.runIf(onWasm)('selectBackend registers every default fix on wasm, and not fma-gemm', () => {
    expect(registeredWasmKernelFixes()).toEqual(DEFAULT_WASM_KERNEL_FIXES);
    expect(DEFAULT_WASM_KERNEL_FIXES).toEqual(WASM_KERNEL_FIXES.filter((f) => f !== 'fma-gemm'));
  });

  it('registering again replaces nothing', () => {
    registerWasmKernelFixes();
    expect(registerWasmKernelFixes()).toEqual([]);
  });

  it('rejects an unknown fix, naming the valid ones', () => {
    expect(() => registerWasmKernelFixes(['gather-rows', 'faster'])).toThrow(
      `Unknown wasm kernel fix 'faster'. Valid fixes: ${WASM_KERNEL_FIXES.join(', ')}.`,
    );
  });
});
