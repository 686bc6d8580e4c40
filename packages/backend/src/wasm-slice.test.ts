import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  isWasmSliceFixRegistered,
  originalWasmSliceKernel,
  registerWasmSliceFix,
} from './wasm-slice';
import {
  expectBitIdentical,
  mulberry32,
  onWasm,
  runKernel,
  seededTensor,
} from './test-support/bits';

const SPECIAL = [-0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];

/** A tensor of `dtype` with random values (float32 includes -0, NaN and infinities). */
function randomTensor(
  shape: number[],
  dtype: 'float32' | 'int32' | 'bool',
  seed: number,
): tf.Tensor {
  return seededTensor(shape, seed, {
    dtype,
    float: (u, i) => (i % 97 === 5 ? SPECIAL[i % 4]! : u() * 2 - 1),
  });
}

/** Run one of the original (replaced) wasm kernels directly; its outputs as tensors. */
function runOriginal(
  kernelName: string,
  inputs: tf.NamedTensorMap,
  attrs: tf.NamedAttrMap,
): tf.Tensor[] {
  return runKernel(kernelName, originalWasmSliceKernel(kernelName), inputs, attrs);
}

/** Random `begin` and `size` (some -1) within `shape`. */
function randomSlice(shape: number[], u: () => number): { begin: number[]; size: number[] } {
  const begin = shape.map((n) => Math.floor(u() * n));
  const size = shape.map((n, i) => {
    if (u() < 0.15) return -1;
    return Math.floor(u() * (n - begin[i]! + 1));
  });
  return { begin, size };
}

describe('registerWasmSliceFix', () => {
  it.runIf(onWasm)('is registered by selectBackend on wasm, and idempotent', () => {
    expect(isWasmSliceFixRegistered()).toBe(true);
    expect(registerWasmSliceFix()).toEqual([]);
  });

  it.runIf(onWasm)(
    'tf.slice is bit-identical to the original kernel (ranks 1-5, float32, int32, bool, contiguous or not)',
    () => {
      const u = mulberry32(7);
      const shapes = [[13], [7, 9], [5, 4, 6], [3, 4, 2, 5], [2, 3, 2, 3, 4], [1, 8, 1]];
      let cases = 0;
      for (const shape of shapes)
        for (const dtype of ['float32', 'int32', 'bool'] as const) {
          const x = randomTensor(shape, dtype, cases + 1);
          for (let trial = 0; trial < 12; trial++) {
            const { begin, size } = randomSlice(shape, u);
            tf.tidy(() => {
              const actual = tf.slice(x, begin, size);
              const [expected] = runOriginal(tf.Slice, { x }, { begin, size });
              expectBitIdentical(actual, expected!);
            });
            cases++;
          }
          x.dispose();
        }
      expect(cases).toBe(shapes.length * 3 * 12);
    },
  );

  it.runIf(onWasm)('tf.unstack along every axis is bit-identical to the original kernel', () => {
    for (const [shape, dtype] of [
      [[6, 4, 5], 'float32'],
      [[3, 7], 'int32'],
      [[2, 3, 4, 2], 'bool'],
    ] as const) {
      const x = randomTensor([...shape], dtype, 11);
      for (let axis = -shape.length; axis < shape.length; axis++) {
        tf.tidy(() => {
          const actual = tf.unstack(x, axis);
          const expected = runOriginal(tf.Unpack, { value: x }, { axis });
          expect(actual.length).toBe(expected.length);
          for (const [i, a] of actual.entries()) expectBitIdentical(a, expected[i]!);
        });
      }
      x.dispose();
    }
  });

  it.runIf(onWasm)(
    'tf.split (equal parts, sizes, -1, empty parts) is bit-identical to the original kernel',
    () => {
      const x = randomTensor([12, 6, 5], 'float32', 3);
      const cases: [number | number[], number][] = [
        [3, 0],
        [[5, 0, 7], 0],
        [[2, -1, 1], 1],
        [5, -1],
        [[1, 1, 1, 1, 1], 2],
      ];
      for (const [splits, axis] of cases) {
        tf.tidy(() => {
          const actual = tf.split(x, splits, axis);
          const expected = runOriginal(tf.SplitV, { x }, { numOrSizeSplits: splits, axis });
          expect(actual.length).toBe(expected.length);
          for (const [i, a] of actual.entries()) expectBitIdentical(a, expected[i]!);
        });
      }
      x.dispose();
    },
  );

  it('matches an independent plain-JS slice', () => {
    tf.tidy(() => {
      const values = Array.from({ length: 4 * 5 * 3 }, (_, i) => i);
      const x = tf.tensor3d(values, [4, 5, 3]);
      const y = tf.slice(x, [1, 2, 1], [2, 3, 2]);
      const expected: number[] = [];
      for (let i = 1; i < 3; i++)
        for (let j = 2; j < 5; j++) for (let k = 1; k < 3; k++) expected.push(i * 15 + j * 3 + k);
      expect(Array.from(y.dataSync())).toEqual(expected);
      const steps = tf.unstack(x, 1);
      expect(Array.from(steps[3]!.dataSync())).toEqual(
        [0, 1, 2, 3].flatMap((i) => [0, 1, 2].map((k) => i * 15 + 3 * 3 + k)),
      );
    });
  });

  it.runIf(onWasm)(
    'does not copy the whole input out of the heap (no readSync) and leaks no tensors',
    () => {
      const x = randomTensor([64, 8, 16], 'float32', 5);
      const backend = tf.backend();
      const readSync = backend.readSync;
      let reads = 0;
      backend.readSync = function (this: tf.KernelBackend, dataId: object) {
        reads++;
        return readSync.call(this, dataId);
      };
      const before = tf.memory().numTensors;
      try {
        tf.dispose(tf.unstack(x));
        tf.dispose(tf.split(x, [10, 54]));
        tf.slice(x, [3, 1, 2], [5, 6, 7]).dispose();
      } finally {
        backend.readSync = readSync;
      }
      expect(reads).toBe(0);
      expect(tf.memory().numTensors).toBe(before);
      x.dispose();
    },
  );

  it.runIf(onWasm)('slices stay correct when allocating the output grows the heap', () => {
    // A 64 MiB tensor sliced into a near-copy of itself forces new heap allocations.
    const n = 16 * 2 ** 20;
    const x = tf.tidy(() => tf.cast(tf.range(0, n, 1, 'int32'), 'int32'));
    const y = tf.slice(x, [1], [n - 1]);
    const z = tf.slice(x, [n - 3], [2]);
    expect(Array.from(y.dataSync().subarray(n - 4))).toEqual([n - 3, n - 2, n - 1]);
    expect(Array.from(z.dataSync())).toEqual([n - 3, n - 2]);
    tf.dispose([x, y, z]);
  });

  it('gradients through slice, unstack and split are correct', () => {
    tf.tidy(() => {
      const x = randomTensor([4, 3, 2], 'float32', 9);
      const clean = tf.where(tf.isFinite(x), x, tf.zerosLike(x));
      const g = tf.grad((t: tf.Tensor) => {
        const a = tf.sum(tf.slice(t, [1, 0, 0], [2, 3, 2]));
        const b = tf.sum(tf.mul(tf.unstack(t)[3]!, 2));
        const c = tf.sum(tf.mul(tf.split(t, [1, 2], 1)[1]!, 3));
        return tf.add(tf.add(a, b), c);
      })(clean);
      // d/dt: 1 on rows 1-2, 2 on row 3, plus 3 on columns 1-2 of axis 1.
      const expected: number[] = [];
      for (let i = 0; i < 4; i++)
        for (let j = 0; j < 3; j++)
          for (let k = 0; k < 2; k++)
            expected.push((i === 1 || i === 2 ? 1 : 0) + (i === 3 ? 2 : 0) + (j >= 1 ? 3 : 0));
      expect(Array.from(g.dataSync())).toEqual(expected);
    });
  });
});
