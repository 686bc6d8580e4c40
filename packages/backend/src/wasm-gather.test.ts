import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  isWasmGatherFixRegistered,
  originalWasmGatherKernel,
  registerWasmGatherFix,
} from './wasm-gather';
import {
  expectBitIdentical,
  mulberry32,
  onWasm,
  runKernel,
  seededTensor,
} from './test-support/bits';

function randomTensor(
  shape: number[],
  dtype: 'float32' | 'int32' | 'bool',
  seed: number,
): tf.Tensor {
  return seededTensor(shape, seed, {
    dtype,
    float: (u, i) => (i % 53 === 7 ? Number.NaN : u() * 2 - 1),
  });
}

/** The original wasm kernel, run directly (tf.gather's reshaping of the output included). */
function originalGather(x: tf.Tensor, indices: tf.Tensor, axis: number, batchDims: number) {
  return runKernel(
    tf.GatherV2,
    originalWasmGatherKernel(),
    { x, indices },
    { axis, batchDims },
  )[0]!;
}

describe('registerWasmGatherFix', () => {
  it.runIf(onWasm)('is registered by selectBackend on wasm, and idempotent', () => {
    expect(isWasmGatherFixRegistered()).toBe(true);
    expect(registerWasmGatherFix()).toEqual([]);
  });

  it.runIf(onWasm)(
    'tf.gather is bit-identical to the original kernel (axes, batchDims, dtypes, index shapes)',
    () => {
      const u = mulberry32(3);
      const cases: { shape: number[]; axis: number; batchDims: number; indexShape: number[] }[] = [
        { shape: [50, 8], axis: 0, batchDims: 0, indexShape: [37] }, // embedding rows
        { shape: [400], axis: 0, batchDims: 0, indexShape: [23] }, // flat, slices of 1
        { shape: [6, 9, 4], axis: 1, batchDims: 0, indexShape: [5, 2] },
        { shape: [6, 9, 4], axis: 2, batchDims: 0, indexShape: [7] },
        // batchDims > 0 is handed to the original kernel (which crashes for batchDims 2 here).
        { shape: [3, 5, 4, 2], axis: 2, batchDims: 1, indexShape: [3, 6] },
        { shape: [5, 3], axis: -1, batchDims: 0, indexShape: [4] },
      ];
      let n = 0;
      for (const { shape, axis, batchDims, indexShape } of cases)
        for (const dtype of ['float32', 'int32', 'bool'] as const) {
          tf.tidy(() => {
            const x = randomTensor(shape, dtype, ++n);
            const dim = shape.at(axis)!;
            const size = indexShape.reduce((a, b) => a * b, 1);
            const indices = tf.tensor(
              Int32Array.from({ length: size }, () => Math.floor(u() * dim)),
              indexShape,
              'int32',
            );
            const actual = tf.gather(x, indices, axis, batchDims);
            const expected = tf.reshape(
              originalGather(x, indices, axis < 0 ? axis + shape.length : axis, batchDims),
              actual.shape,
            );
            expectBitIdentical(actual, expected);
          });
        }
      expect(n).toBe(cases.length * 3);
    },
  );

  it('gathers with batchDims as the cpu backend defines it (plain-JS reference)', () => {
    // [2, 2, 3, 1] with batchDims 1, axis 2: out[b, o, i] = x[b, o, idx[b, i]].
    tf.tidy(() => {
      const x = tf.tensor4d(
        Array.from({ length: 12 }, (_, i) => i),
        [2, 2, 3, 1],
      );
      const idx = tf.tensor2d(
        [
          [2, 0],
          [1, 1],
        ],
        [2, 2],
        'int32',
      );
      const y = tf.gather(x, idx, 2, 1);
      expect(y.shape).toEqual([2, 2, 2, 1]);
      if (!onWasm) expect(Array.from(y.dataSync())).toEqual([2, 0, 5, 3, 7, 7, 10, 10]);
    });
  });

  it('matches an independent plain-JS gather', () => {
    tf.tidy(() => {
      const table = tf.tensor2d([0, 1, 10, 11, 20, 21, 30, 31], [4, 2]);
      const rows = tf.gather(table, tf.tensor1d([3, 0, 3, 2], 'int32'));
      expect(Array.from(rows.dataSync())).toEqual([30, 31, 0, 1, 30, 31, 20, 21]);
      const cols = tf.gather(table, tf.tensor1d([1, 1, 0], 'int32'), 1);
      expect(Array.from(cols.dataSync())).toEqual([1, 1, 0, 11, 11, 10, 21, 21, 20, 31, 31, 30]);
    });
  });

  it.runIf(onWasm)('rejects out-of-range indices as the original does', () => {
    const table = tf.zeros([4, 2]);
    for (const bad of [4, -1]) {
      const indices = tf.tensor1d([0, bad], 'int32');
      expect(() => tf.gather(table, indices)).toThrow(/index value .* is not in \[0, 3\]/);
      indices.dispose();
    }
    table.dispose();
  });

  it.runIf(onWasm)('reads no tensor out of the heap and leaks nothing', () => {
    const table = randomTensor([500, 64], 'float32', 1);
    const indices = tf.tensor1d([5, 499, 0, 17], 'int32');
    const backend = tf.backend();
    const readSync = backend.readSync;
    let reads = 0;
    backend.readSync = function (this: tf.KernelBackend, dataId: object) {
      reads++;
      return readSync.call(this, dataId);
    };
    const before = tf.memory().numTensors;
    try {
      tf.gather(table, indices).dispose();
    } finally {
      backend.readSync = readSync;
    }
    expect(reads).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([table, indices]);
  });
});
