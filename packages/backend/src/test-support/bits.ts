/** Helpers shared by this package's tests (not part of the published API). */
import type * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/** A small seeded uniform generator on [0, 1) (Mulberry32), for reproducible test inputs. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A tensor's values as raw bytes. */
export function tensorBytes(t: tf.Tensor): Buffer {
  const x = t.dataSync() as Float32Array;
  return Buffer.from(x.buffer, x.byteOffset, x.byteLength);
}

/** Bit-for-bit equality of two tensors (so NaN equals NaN and -0 differs from 0). */
export function expectBitIdentical(actual: tf.Tensor, expected: tf.Tensor): void {
  expect(actual.shape).toEqual(expected.shape);
  expect(actual.dtype).toBe(expected.dtype);
  expect(Buffer.compare(tensorBytes(actual), tensorBytes(expected))).toBe(0);
}
