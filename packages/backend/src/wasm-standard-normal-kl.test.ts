import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { onWasm, ulpDistance } from './test-support/bits';
import {
  STANDARD_NORMAL_KL_KERNEL,
  isWasmStandardNormalKLRegistered,
  registerWasmStandardNormalKL,
} from './wasm-standard-normal-kl';

/**
 * The KL in float64 with JavaScript's own logarithms (independent of the kernel's): `log1p(t)`
 * where `t = s - 1` is exact (|t| <= 1/2: then the cancellation against `t (t + 2)/2` costs
 * ~1e-16 / |t|, far below float32's rounding), `log s` elsewhere (`s - 1` rounds for tiny `s`).
 */
function kl64(m: number, s: number): number {
  const t = s - 1;
  const logS = Math.abs(t) <= 0.5 ? Math.log1p(t) : Math.log(s);
  return (t * (t + 2)) / 2 - logS + (m * m) / 2;
}

function kernel(loc: Float32Array, scale: Float32Array): Float32Array {
  return tf.tidy(() => {
    const out = tf.engine().runKernel(STANDARD_NORMAL_KL_KERNEL, {
      loc: tf.tensor1d(loc),
      scale: tf.tensor1d(scale),
    }) as tf.Tensor;
    return out.dataSync() as Float32Array;
  });
}

describe('registerWasmStandardNormalKL', () => {
  it.runIf(onWasm)('is registered by selectBackend on wasm, and idempotent', () => {
    expect(isWasmStandardNormalKLRegistered()).toBe(true);
    expect(registerWasmStandardNormalKL()).toEqual([]);
  });

  it.runIf(onWasm)(
    'is within 1 ulp of the float64 KL for every 2^10-th positive float32 scale (1e-45 ... 3e38) and locations to 1e4',
    () => {
      const scales = new Float32Array(2 ** 21);
      const bits = new Uint32Array(scales.buffer);
      for (let i = 0; i < scales.length; i++) bits[i] = (i << 10) >>> 0;
      const finite = scales.filter((s) => s > 0 && Number.isFinite(s));
      const locs = Float32Array.from(finite, (_, i) =>
        i % 7 === 0 ? 0 : ((i % 2001) - 1000) * 10.37,
      );
      const got = kernel(locs, finite);
      let worst = 0;
      let at = '';
      let exact = 0;
      got.forEach((g, i) => {
        const want = Math.fround(kl64(locs[i]!, finite[i]!));
        const err = ulpDistance(g, want);
        if (err === 0) exact++;
        if (err > worst) [worst, at] = [err, `m ${locs[i]} s ${finite[i]}: ${g} vs ${want}`];
      });
      expect(worst, at).toBeLessThanOrEqual(1);
      expect(exact / got.length).toBeGreaterThan(0.99);
    },
  );

  it.runIf(onWasm)('is exact at near-collapsed scales, and gives the limits: 0, inf, NaN', () => {
    const near = Float32Array.from([1, 1 + 2 ** -23, 1 - 2 ** -24, 1 + 1e-4, 1 - 1e-3]);
    const got = kernel(new Float32Array(near.length), near);
    near.forEach((s, i) => {
      expect(got[i], `s ${s}`).toBe(Math.fround(kl64(0, s)));
    });
    expect(got[0]).toBe(0);
    // ~t^2 = 2^-46 at s = 1 + 2^-23: the chain of float32 ops it replaces gets this from a series.
    expect(got[1]! / 2 ** -46).toBeCloseTo(1, 6);
    const limits = kernel(
      Float32Array.from([0, 0, 0, 0, Number.POSITIVE_INFINITY, Number.NaN]),
      Float32Array.from([0, Number.POSITIVE_INFINITY, -1, Number.NaN, 1, 1]),
    );
    expect(Array.from(limits)).toEqual([
      Number.POSITIVE_INFINITY,
      Number.POSITIVE_INFINITY,
      Number.NaN,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NaN,
    ]);
  });

  it.runIf(onWasm)('refuses operands of different shapes or dtypes, naming them', () => {
    expect(() =>
      tf.tidy(() =>
        tf
          .engine()
          .runKernel(STANDARD_NORMAL_KL_KERNEL, { loc: tf.zeros([2]), scale: tf.ones([3]) }),
      ),
    ).toThrow(/needs float32 loc and scale of one shape, got float32 \[2\] and float32 \[3\]/);
  });

  it.runIf(onWasm)('leaves no tensors behind', () => {
    const before = tf.memory().numTensors;
    kernel(Float32Array.from([0, 1]), Float32Array.from([1, 2]));
    expect(tf.memory().numTensors).toBe(before);
  });
});
