import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { selectBackend } from './select-backend';

describe('selectBackend', () => {
  it('rejects an unknown name, listing the valid choices', async () => {
    await expect(selectBackend('tpu')).rejects.toThrow(
      "Unknown backend 'tpu'. Valid choices: auto, node-gpu, node, wasm, wasm-fma, webgpu, webgl, cpu.",
    );
  });

  it('rejects an unknown wasm kernel fix before loading anything, listing the valid ones', async () => {
    const before = tf.getBackend();
    await expect(
      selectBackend('cpu', { wasmKernelFixes: ['softplus-simd', 'fast-exp'] }),
    ).rejects.toThrow(
      "Unknown wasm kernel fix 'fast-exp'. Valid fixes: transposed-matmul, simd-gemm,",
    );
    expect(tf.getBackend()).toBe(before);
  });

  it('auto skips tfjs-node when it is not installed and says why', async () => {
    const previous = tf.getBackend();
    const selection = await selectBackend('auto');
    expect(['node-gpu', 'node', 'wasm']).toContain(selection.choice);
    if (selection.choice === 'wasm') {
      expect(selection.skipped.map((s) => s.choice)).toEqual(['node-gpu', 'node']);
      expect(selection.skipped[0]!.reason).toMatch(/not installed/);
    }
    await selectBackend(previous as 'wasm' | 'cpu');
  });

  it('naming an unavailable backend throws with the reason', async () => {
    await expect(selectBackend('node')).rejects.toThrow(/Backend 'node' is not available/);
  });
});
