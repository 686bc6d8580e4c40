import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { onWasm, ulpErrors as ulpErrorsOf, unaryValues } from './test-support/bits';
import { isWasmExpFixRegistered, originalWasmExpKernel, registerWasmExpFix } from './wasm-exp';

function ulpErrors(xs: Float32Array, ys: Float32Array): Int32Array {
  return ulpErrorsOf(xs, ys, Math.exp);
}

function ours(xs: Float32Array): Float32Array {
  return unaryValues(tf.Exp, xs);
}

/** tfjs-backend-wasm's own kernel, the one the fix replaced. */
function original(xs: Float32Array): Float32Array {
  return unaryValues(tf.Exp, xs, { kernel: originalWasmExpKernel() });
}

/**
 * Every 2^12-th float32 bit pattern whose e^x is finite and not 0 (both signs, every exponent),
 * then 1M values spaced evenly on [-104, 89], the whole range where e^x is neither 0 nor inf.
 */
function sweep(): Float32Array {
  const bits = new Uint32Array(2 ** 20);
  for (let i = 0; i < 2 ** 20; i++) bits[i] = (i << 12) >>> 0;
  const patterns = new Float32Array(bits.buffer).filter((x) => x > -104 && x < 88.72);
  const even = Float32Array.from({ length: 2 ** 20 }, (_, i) => -104 + (193 * i) / 2 ** 20);
  const xs = new Float32Array(patterns.length + even.length);
  xs.set(patterns);
  xs.set(even, patterns.length);
  return xs;
}

describe('registerWasmExpFix', () => {
  it.runIf(onWasm)('is registered by selectBackend on wasm, and idempotent', () => {
    expect(isWasmExpFixRegistered()).toBe(true);
    expect(registerWasmExpFix()).toEqual([]);
  });

  it.runIf(onWasm)(
    'is within 1 ulp of the exactly rounded e^x on every input swept, subnormal results included',
    () => {
      const xs = sweep();
      const errors = ulpErrors(xs, ours(xs));
      let worst = 0;
      let at = 0;
      let exact = 0;
      let withinOne = 0;
      errors.forEach((e, i) => {
        if (e > worst) [worst, at] = [e, xs[i]!];
        if (e === 0) exact++;
        if (e <= 1) withinOne++;
      });
      expect(worst, `x = ${at}`).toBeLessThanOrEqual(1);
      // Most are exactly rounded: a systematic error, such as a wrong coefficient, fails here.
      expect(exact / xs.length).toBeGreaterThan(0.9); // 93.5% of this sweep
      expect(withinOne).toBe(xs.length);
      // tfjs's kernel, for the record: within 1 ulp.
      const originalWorst = ulpErrors(xs, original(xs)).reduce((a, b) => Math.max(a, b), 0);
      expect(originalWorst).toBeLessThanOrEqual(1);
    },
    60_000,
  );

  it.runIf(onWasm)(
    'gives the limits at the extremes: inf, 0, NaN, the overflow and underflow edges',
    () => {
      const xs = Float32Array.from([
        Number.POSITIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
        Number.NaN,
        -0,
        0,
        3.4e38,
        -3.4e38,
        88.72, // just below the largest float32
        88.73, // above it: inf
        -87.3, // the least normal float32 is e^-87.34
        -103.9, // rounds to the least subnormal
        -104.5, // below it: 0
        1e-45,
      ]);
      const ys = ours(xs);
      expect(Array.from(ys.subarray(0, 7))).toEqual([
        Number.POSITIVE_INFINITY,
        0,
        Number.NaN,
        1,
        1,
        Number.POSITIVE_INFINITY,
        0,
      ]);
      expect(Number.isFinite(ys[7]!)).toBe(true);
      expect(ys[8]).toBe(Number.POSITIVE_INFINITY);
      const edges = ulpErrors(xs.subarray(7), ys.subarray(7));
      for (const e of edges) expect(e).toBeLessThanOrEqual(1);
      expect(ys[10]).toBe(1.401298464324817e-45);
      expect(ys[11]).toBe(0);
      expect(ys[12]).toBe(1);
    },
  );

  it.runIf(onWasm)(
    'computes the last n % 4 values as the SIMD lanes do; shape and dtype kept',
    () => {
      const all = Float32Array.from({ length: 11 }, (_, i) => -9 + 1.7 * i);
      const whole = ours(all);
      for (const n of [1, 2, 3, 5, 6, 7, 9, 10]) {
        expect(Array.from(ours(all.subarray(0, n)))).toEqual(Array.from(whole.subarray(0, n)));
      }
      expect(ours(new Float32Array(0)).length).toBe(0);
      const y = tf.exp(tf.zeros([2, 3, 5]));
      expect(y.shape).toEqual([2, 3, 5]);
      expect(y.dtype).toBe('float32');
      y.dispose();
      // int32 inputs go to tfjs's own kernel (which returns float32).
      const yi = tf.exp(tf.tensor1d([0, 1], 'int32'));
      expect(Array.from(yi.dataSync())).toEqual([1, Math.fround(Math.E)]);
      yi.dispose();
    },
  );

  it.runIf(onWasm)('leaves no tensors behind', () => {
    const before = tf.memory().numTensors;
    ours(Float32Array.from([1, 2, 3]));
    expect(tf.memory().numTensors).toBe(before);
  });
});
