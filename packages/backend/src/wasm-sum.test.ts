import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { isWasmSumFixRegistered, originalWasmSumKernel, registerWasmSumFix } from './wasm-sum';
import { expectBitIdentical, onWasm, runKernel, seededTensor } from './test-support/bits';

/** Values of mixed magnitudes (so the order of the additions shows), with -0 columns. */
function randomTensor(shape: number[], seed: number): tf.Tensor {
  const last = shape.at(-1)!;
  return seededTensor(shape, seed, {
    float: (u, i) => (i % last === 0 ? -0 : (u() * 2 - 1) * 10 ** Math.floor(u() * 8 - 4)),
  });
}

function originalSum(x: tf.Tensor, axis: number[], keepDims: boolean): tf.Tensor {
  return runKernel(tf.Sum, originalWasmSumKernel(), { x }, { axis, keepDims })[0]!;
}

describe('registerWasmSumFix', () => {
  it.runIf(onWasm)('is registered by selectBackend on wasm, and idempotent', () => {
    expect(isWasmSumFixRegistered()).toBe(true);
    expect(registerWasmSumFix()).toEqual([]);
  });

  it.runIf(onWasm)('sums over leading axes bit-identically to the original kernel', () => {
    const cases: [number[], number[]][] = [
      [[128, 64], [0]], // a bias gradient
      [
        [1, 40, 33],
        [0, 1],
      ],
      [[7, 5, 3], [0]],
      [
        [7, 5, 3],
        [0, 1],
      ],
      [
        [3, 4, 5, 6],
        [0, 1, 2],
      ],
      [
        [3, 4, 5, 6],
        [1, 0, 2],
      ], // listed out of order: the original's order of additions
      [[1000, 3], [0]],
      [[2, 1], [-2]],
    ];
    let n = 0;
    for (const [shape, axis] of cases)
      for (const keepDims of [false, true])
        tf.tidy(() => {
          const x = randomTensor(shape, ++n);
          expectBitIdentical(tf.sum(x, axis, keepDims), originalSum(x, axis, keepDims));
        });
    expect(n).toBe(cases.length * 2);
  });

  it('leaves other sums to the original kernel (innermost axes, all axes, int32, middle axes)', () => {
    tf.tidy(() => {
      const x = tf.tensor3d(
        Array.from({ length: 24 }, (_, i) => i),
        [2, 3, 4],
      );
      expect(Array.from(tf.sum(x, 2).dataSync())).toEqual([6, 22, 38, 54, 70, 86]);
      expect(tf.sum(x).dataSync()[0]).toBe(276);
      expect(Array.from(tf.sum(x, 1).dataSync())).toEqual([12, 15, 18, 21, 48, 51, 54, 57]);
      expect(Array.from(tf.sum(tf.cast(x, 'int32'), 0).dataSync())).toEqual(
        Array.from({ length: 12 }, (_, i) => 2 * i + 12),
      );
    });
  });

  it('matches an independent plain-JS column sum, with keepDims', () => {
    tf.tidy(() => {
      const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
      const s = tf.sum(x, 0, true);
      expect(s.shape).toEqual([1, 2]);
      expect(Array.from(s.dataSync())).toEqual([9, 12]);
    });
  });

  it('gradients of a bias (sum over the batch) are correct', () => {
    tf.tidy(() => {
      const b = tf.tensor1d([0.5, -1]);
      const g = tf.grad((t: tf.Tensor) =>
        tf.sum(tf.mul(tf.add(tf.ones([3, 2]), t), tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]))),
      )(b);
      expect(Array.from(g.dataSync())).toEqual([9, 12]);
    });
  });

  it.runIf(onWasm)('reads no tensor out of the heap and leaks nothing', () => {
    const x = randomTensor([64, 32], 1);
    const backend = tf.backend();
    const readSync = backend.readSync;
    let reads = 0;
    backend.readSync = function (this: tf.KernelBackend, dataId: object) {
      reads++;
      return readSync.call(this, dataId);
    };
    const before = tf.memory().numTensors;
    try {
      tf.sum(x, 0).dispose();
    } finally {
      backend.readSync = readSync;
    }
    expect(reads).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
