import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { onWasm, ulpErrors as ulpErrorsOf, unaryValues } from './test-support/bits';
import {
  isWasmSoftplusFixRegistered,
  originalWasmSoftplusKernel,
  registerWasmSoftplusFix,
} from './wasm-softplus';

/** softplus in float64: the reference (log1p and exp of a float64 are within 1 ulp of 2^-52). */
function softplus64(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x === Number.POSITIVE_INFINITY) return x;
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** For each x: how many float32 values lie between y and the exactly rounded softplus(x). */
function ulpErrors(xs: Float32Array, ys: Float32Array): Int32Array {
  return ulpErrorsOf(xs, ys, softplus64);
}

function ours(xs: Float32Array): Float32Array {
  return unaryValues(tf.Softplus, xs);
}

/** tfjs-backend-wasm's own kernel, the one the fix replaced. */
function original(xs: Float32Array): Float32Array {
  return unaryValues(tf.Softplus, xs, { kernel: originalWasmSoftplusKernel() });
}

/**
 * Every 2^12-th float32 bit pattern (both signs, every exponent: 1M values), then 1M values
 * spaced evenly on [-20, 20], where softplus does its work.
 */
function sweep(): Float32Array {
  const bits = new Uint32Array(2 ** 20 + 2 ** 20);
  for (let i = 0; i < 2 ** 20; i++) bits[i] = (i << 12) >>> 0;
  const xs = new Float32Array(bits.buffer);
  for (let i = 0; i < 2 ** 20; i++) xs[2 ** 20 + i] = -20 + (40 * i) / 2 ** 20;
  return xs.filter((x) => !Number.isNaN(x));
}

describe('registerWasmSoftplusFix', () => {
  it.runIf(onWasm)('is registered by selectBackend on wasm, and idempotent', () => {
    expect(isWasmSoftplusFixRegistered()).toBe(true);
    expect(registerWasmSoftplusFix()).toEqual([]);
  });

  it.runIf(onWasm)(
    'is within 3 ulp of the exactly rounded softplus on every input swept',
    () => {
      const xs = sweep();
      const errors = ulpErrors(xs, ours(xs));
      let worst = 0;
      let exact = 0;
      let withinOne = 0;
      for (const e of errors) {
        worst = Math.max(worst, e);
        if (e === 0) exact++;
        if (e <= 1) withinOne++;
      }
      expect(worst).toBeLessThanOrEqual(3);
      // Most are exactly rounded (87% of this sweep, 95.6% of every 16th float32): a systematic
      // error, such as a wrong coefficient, fails here first.
      expect(exact / xs.length).toBeGreaterThan(0.85);
      expect(withinOne / xs.length).toBeGreaterThan(0.995); // 99.995% of every 16th float32
      // tfjs's kernel, for the record: up to 7 ulp at its cut-offs |x| = 13.94.
      const originalWorst = ulpErrors(xs, original(xs)).reduce((a, b) => Math.max(a, b), 0);
      expect(originalWorst).toBeGreaterThan(worst);
    },
    60_000,
  );

  it.runIf(onWasm)('gives the limits at the extremes: inf, 0, NaN, subnormals, -0', () => {
    const xs = Float32Array.from([
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.NaN,
      -0,
      0,
      3.4e38,
      -3.4e38,
      1e-45, // the least subnormal: softplus = log 2
      -88, // e^-88 = 6.05e-39, a subnormal result
      -95,
      -103.9, // e^-103.9 rounds to the least subnormal
      -104.5, // below it: 0
      88.7,
      13.94,
      -13.94,
    ]);
    const ys = ours(xs);
    expect(ys[0]).toBe(Number.POSITIVE_INFINITY);
    expect(ys[1]).toBe(0);
    expect(ys[2]).toBeNaN();
    expect(ys[3]).toBe(Math.fround(Math.LN2));
    expect(ys[4]).toBe(Math.fround(Math.LN2));
    expect(ys[5]).toBe(Math.fround(3.4e38));
    expect(ys[6]).toBe(0);
    expect(ys[7]).toBe(Math.fround(Math.LN2));
    const errors = ulpErrors(xs.subarray(8), ys.subarray(8));
    for (const e of errors) expect(e).toBeLessThanOrEqual(3);
    expect(ys[10]).toBe(1.401298464324817e-45);
    expect(ys[11]).toBe(0);
  });

  it.runIf(onWasm)('computes the last n % 4 values as the SIMD lanes do', () => {
    const all = Float32Array.from({ length: 11 }, (_, i) => -9 + 1.7 * i);
    const whole = ours(all);
    for (const n of [1, 2, 3, 5, 6, 7, 9, 10]) {
      expect(Array.from(ours(all.subarray(0, n)))).toEqual(Array.from(whole.subarray(0, n)));
    }
    expect(ours(new Float32Array(0)).length).toBe(0);
    // Shape and dtype are the input's.
    const y = tf.softplus(tf.zeros([2, 3, 5]));
    expect(y.shape).toEqual([2, 3, 5]);
    expect(y.dtype).toBe('float32');
    y.dispose();
  });

  it.runIf(onWasm)('leaves no tensors behind', () => {
    const before = tf.memory().numTensors;
    ours(Float32Array.from([1, 2, 3]));
    expect(tf.memory().numTensors).toBe(before);
  });
});
