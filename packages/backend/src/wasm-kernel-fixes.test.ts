import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  WASM_KERNEL_FIXES,
  registerWasmKernelFixes,
  registeredWasmKernelFixes,
} from './wasm-kernel-fixes';

describe('registerWasmKernelFixes', () => {
  it('selectBackend registers every fix on wasm; registering again replaces nothing', () => {
    if (tf.getBackend() === 'wasm') expect(registeredWasmKernelFixes()).toEqual(WASM_KERNEL_FIXES);
    registerWasmKernelFixes();
    expect(registerWasmKernelFixes()).toEqual([]);
  });

  it('rejects an unknown fix, naming the valid ones', () => {
    expect(() => registerWasmKernelFixes(['gather-rows', 'faster'])).toThrow(
      `Unknown wasm kernel fix 'faster'. Valid fixes: ${WASM_KERNEL_FIXES.join(', ')}.`,
    );
  });
});
