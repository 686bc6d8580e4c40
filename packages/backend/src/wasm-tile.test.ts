import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { isWasmTileFixRegistered, originalWasmTileKernel, registerWasmTileFix } from './wasm-tile';
import { expectBitIdentical, onWasm, runKernel, seededTensor } from './test-support/bits';

function randomTensor(
  shape: number[],
  dtype: 'float32' | 'int32' | 'bool',
  seed: number,
): tf.Tensor {
  return seededTensor(shape, seed, { dtype, float: (u, i) => (i % 31 === 3 ? -0 : u() * 2 - 1) });
}

function originalTile(x: tf.Tensor, reps: number[]): tf.Tensor {
  return runKernel(tf.Tile, originalWasmTileKernel(), { x }, { reps })[0]!;
}

describe('registerWasmTileFix', () => {
  it.runIf(onWasm)('is registered by selectBackend on wasm, and idempotent', () => {
    expect(isWasmTileFixRegistered()).toBe(true);
    expect(registerWasmTileFix()).toEqual([]);
  });

  it.runIf(onWasm)(
    'tf.tile is bit-identical to the original kernel (ranks 1-5, float32, int32, bool)',
    () => {
      const cases: [number[], number[]][] = [
        [[7], [3]],
        [[7], [1]],
        [
          [4, 6],
          [5, 1],
        ], // an importance-weighted bound's tile(x, [K, 1])
        [
          [4, 6],
          [1, 3],
        ],
        [
          [4, 6],
          [2, 3],
        ],
        [
          [3, 1, 5],
          [2, 4, 1],
        ],
        [
          [2, 3, 4],
          [3, 2, 2],
        ],
        [
          [2, 2, 3, 2],
          [1, 2, 2, 3],
        ],
        [
          [1, 2, 1, 3, 2],
          [2, 1, 3, 1, 2],
        ],
        [
          [3, 4],
          [0, 2],
        ],
      ];
      let n = 0;
      for (const [shape, reps] of cases)
        for (const dtype of ['float32', 'int32', 'bool'] as const)
          tf.tidy(() => {
            const x = randomTensor(shape, dtype, ++n);
            expectBitIdentical(tf.tile(x, reps), originalTile(x, reps));
          });
      expect(n).toBe(cases.length * 3);
    },
  );

  it('matches an independent plain-JS tile', () => {
    tf.tidy(() => {
      const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
      expect(Array.from(tf.tile(x, [2, 2]).dataSync())).toEqual([
        1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6, 1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6,
      ]);
      expect(Array.from(tf.tile(tf.tensor1d([7, 8]), [3]).dataSync())).toEqual([7, 8, 7, 8, 7, 8]);
    });
  });

  it('tf.tile gradients (a sum over the copies) are correct', () => {
    tf.tidy(() => {
      const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
      const w = tf.tensor2d(
        Array.from({ length: 12 }, (_, i) => i),
        [6, 2],
      );
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.tile(t, [3, 1]), w)))(x);
      // dx[i, j] = sum_k w[i + 2k, j]
      expect(Array.from(g.dataSync())).toEqual([12, 15, 18, 21]);
    });
  });

  it.runIf(onWasm)('reads no tensor out of the heap and leaks nothing', () => {
    const x = randomTensor([16, 32], 'float32', 1);
    const backend = tf.backend();
    const readSync = backend.readSync;
    let reads = 0;
    backend.readSync = function (this: tf.KernelBackend, dataId: object) {
      reads++;
      return readSync.call(this, dataId);
    };
    const before = tf.memory().numTensors;
    try {
      tf.tile(x, [50, 1]).dispose();
    } finally {
      backend.readSync = readSync;
    }
    expect(reads).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
