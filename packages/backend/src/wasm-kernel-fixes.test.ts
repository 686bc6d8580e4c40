import { describe, expect, it } from 'vitest';
import {
  WASM_KERNEL_FIXES,
  registerWasmKernelFixes,
  registeredWasmKernelFixes,
} from './wasm-kernel-fixes';
import { onWasm } from './test-support/bits';

describe('registerWasmKernelFixes', () => {
  it.runIf(onWasm)('selectBackend registers every fix on wasm', () => {
    expect(registeredWasmKernelFixes()).toEqual(WASM_KERNEL_FIXES);
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
