import * as tf from '@tensorflow/tfjs-core';
import { centralDifference, expectFinite, expectNoLeaks, tolerance } from '@vaekit/test-utils';
import { describe, expect, it } from 'vitest';
import { besselIRatio } from './bessel-i-ratio';
import { logBesselI, logBesselIReduced } from './log-bessel-i';
import { logSphereSurfaceArea } from './log-sphere-surface-area';
import {
  logBesselITensor,
  vmfEntropyTensor,
  vmfKLToUniformTensor,
  vmfLogNormalizerTensor,
  vmfMeanResultantLengthTensor,
} from './tensor';
import { vmfEntropy } from './vmf-entropy';
import { vmfKLToUniform } from './vmf-kl-to-uniform';
import { vmfLogNormalizer } from './vmf-log-normalizer';
import { vmfMeanResultantLength } from './vmf-mean-resultant-length';

/** Covers both sides of every switch: x = 10 (small orders), x = 2 sqrt(v + 1) and x = v. */
const KAPPAS = [
  0, 1e-8, 1e-6, 1e-4, 1e-2, 0.1, 0.5, 1, 2, 5, 9.5, 10, 10.5, 20, 50, 100, 300, 1000, 3000, 1e4,
  1e5, 1e6,
];
const DIMS = [2, 3, 4, 5, 21, 22, 23, 64, 256, 1000, 4096, 10000];
const ORDERS = [0, 0.25, 0.5, 1, 3.7, 9.5, 9.99, 10, 10.5, 31.5, 499.5, 2047, 4999];
/** float32 inputs: the references are evaluated at the same (rounded) points. */
const KAPPAS_F32 = KAPPAS.map(Math.fround);

type TensorOp = (dim: number, kappa: tf.Tensor) => tf.Tensor;

function evaluate(op: TensorOp, dim: number, kappas: readonly number[]): Float32Array {
  return tf.tidy(() => op(dim, tf.tensor1d([...kappas])).dataSync() as Float32Array);
}

function gradient(op: TensorOp, dim: number, kappas: readonly number[]): Float32Array {
  return tf.tidy(
    () =>
      tf
        .grad((k: tf.Tensor) => tf.sum(op(dim, k)))(tf.tensor1d([...kappas]))
        .dataSync() as Float32Array,
  );
}

/**
 * Assert `|actual - expected| <= rtol * scale` elementwise, where `scale(i)` is `|expected|` for
 * quantities of one sign and the size of the terms for those that cross zero.
 */
function expectClose(
  actual: ArrayLike<number>,
  expected: (i: number) => number,
  scale: (i: number) => number,
  rtol: number,
  label: (i: number) => string,
): void {
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] === expected(i)) continue; // includes -Infinity = log I_v(0)
    const err = Math.abs(actual[i]! - expected(i));
    if (!(err <= rtol * scale(i))) {
      expect.fail(`${label(i)}: got ${actual[i]}, expected ${expected(i)} (rtol ${rtol})`);
    }
  }
}

/** Richardson-extrapolated central difference of a double-precision function (one-sided at 0). */
function slope(f: (k: number) => number, k: number): number {
  if (k === 0) {
    const h = 1e-6;
    return 2 * ((f(h / 2) - f(0)) / (h / 2)) - (f(h) - f(0)) / h;
  }
  const h = 1e-2 * k;
  return (4 * centralDifference(f, k, h / 2) - centralDifference(f, k, h)) / 3;
}

describe('float32 tensor special functions: values', () => {
  const rtol = tolerance(); // ~2e-5: float32 arithmetic

  it('vmfMeanResultantLengthTensor matches vmfMeanResultantLength', () => {
    for (const d of DIMS) {
      const a = evaluate(vmfMeanResultantLengthTensor, d, KAPPAS);
      const e = (i: number) => vmfMeanResultantLength(d, KAPPAS_F32[i]!);
      expectClose(
        a,
        e,
        (i) => Math.abs(e(i)),
        rtol,
        (i) => `d=${d} kappa=${KAPPAS[i]}`,
      );
    }
  });

  it('vmfKLToUniformTensor matches vmfKLToUniform, relatively, from KL ~ 5e-21 to kappa = 1e6', () => {
    for (const d of DIMS) {
      const a = evaluate(vmfKLToUniformTensor, d, KAPPAS);
      const e = (i: number) => vmfKLToUniform(d, KAPPAS_F32[i]!);
      expectClose(
        a,
        e,
        (i) => Math.abs(e(i)),
        rtol,
        (i) => `d=${d} kappa=${KAPPAS[i]}`,
      );
      expect(a[0]).toBe(0);
    }
  });

  it('vmfLogNormalizerTensor and vmfEntropyTensor match their double versions', () => {
    for (const d of DIMS) {
      const logArea = Math.abs(logSphereSurfaceArea(d));
      for (const [op, f] of [
        [vmfLogNormalizerTensor, vmfLogNormalizer],
        [vmfEntropyTensor, vmfEntropy],
      ] as const) {
        const a = evaluate(op, d, KAPPAS);
        const e = (i: number) => f(d, KAPPAS_F32[i]!);
        // Both cross zero; their terms are of size |log|S^{d-1}|| and |value|.
        const scale = (i: number) => Math.max(Math.abs(e(i)), logArea, 1);
        expectClose(a, e, scale, rtol, (i) => `${op.name} d=${d} kappa=${KAPPAS[i]}`);
      }
    }
  });

  it('logBesselITensor matches logBesselI (v from 0 to 4999, x from 0 to 1e6)', () => {
    for (const v of ORDERS) {
      const a = evaluate(logBesselITensor, v, KAPPAS);
      const e = (i: number) => logBesselI(v, KAPPAS_F32[i]!);
      expectClose(
        a,
        e,
        (i) => Math.abs(e(i)),
        rtol,
        (i) => `v=${v} x=${KAPPAS[i]}`,
      );
    }
  });

  it('keeps the shape, returns float32 and accepts int32 input', () => {
    const kappa = tf.tensor2d([
      [0, 1, 2],
      [3, 40, 500],
    ]);
    for (const op of [vmfKLToUniformTensor, vmfMeanResultantLengthTensor, vmfLogNormalizerTensor]) {
      const out = op(7, kappa);
      expect(out.shape).toEqual([2, 3]);
      expect(out.dtype).toBe('float32');
      const fromInt = op(7, tf.cast(kappa, 'int32'));
      expect(Array.from(fromInt.dataSync())).toEqual(Array.from(out.dataSync()));
      tf.dispose([out, fromInt]);
    }
    kappa.dispose();
  });

  it('leaks no tensors, forward or backward', async () => {
    const kappa = tf.tensor1d([0, 0.5, 15, 2e3]);
    for (const op of [
      vmfKLToUniformTensor,
      vmfMeanResultantLengthTensor,
      vmfLogNormalizerTensor,
      vmfEntropyTensor,
    ]) {
      for (const d of [3, 30]) {
        await expectNoLeaks(() => op(d, kappa));
        await expectNoLeaks(() => tf.grad((k: tf.Tensor) => tf.sum(op(d, k)))(kappa));
      }
    }
    await expectNoLeaks(() => tf.grad((x: tf.Tensor) => tf.sum(logBesselITensor(2, x)))(kappa));
    kappa.dispose();
  });

  it('throws naming dim or v and the valid range', () => {
    const kappa = tf.tensor1d([1]);
    expect(() => vmfKLToUniformTensor(1, kappa)).toThrow(
      /vmfKLToUniformTensor: dim must be an integer >= 2, got 1/,
    );
    expect(() => vmfMeanResultantLengthTensor(2.5, kappa)).toThrow(/dim must be an integer >= 2/);
    expect(() => vmfLogNormalizerTensor(Number.NaN, kappa)).toThrow(/dim must be an integer >= 2/);
    expect(() => vmfEntropyTensor(0, kappa)).toThrow(/vmfEntropyTensor: dim must be/);
    expect(() => logBesselITensor(-1, kappa)).toThrow(
      /logBesselITensor: v must be a finite number >= 0, got -1/,
    );
    kappa.dispose();
  });

  it('logBesselITensor throws for a constant x < 0, NaN or infinite, naming x and the range x >= 0', async () => {
    for (const [v, bad] of [
      [0, -1], // I_0 is even: log I_0(-1) = log I_0(1) would be real, but the domain is x >= 0
      [1, -1e-30],
      [2.5, Number.NaN],
      [0, Number.POSITIVE_INFINITY],
    ] as const) {
      const x = tf.tensor1d([1, 2, bad]);
      await expectNoLeaks(() => {
        expect(() => logBesselITensor(v, x)).toThrow(
          `logBesselITensor: x must be finite and >= 0 (x in [0, Infinity)), got ${Math.fround(bad)} (element 2)`,
        );
      });
      x.dispose();
    }
  });

  it('logBesselITensor inside a gradient scope reads nothing and gives NaN for x < 0, any order', () => {
    tf.tidy(() => {
      for (const v of [0, 1, 2.5]) {
        const x = tf.tensor1d([-1, 3]);
        let value: Float32Array | undefined;
        const g = tf
          .grad((t: tf.Tensor) => {
            const y = logBesselITensor(v, t);
            value = y.dataSync() as Float32Array;
            return tf.sum(y);
          })(x)
          .dataSync();
        expect(Number.isNaN(value![0]!), `v=${v}`).toBe(true);
        expect(value![1]).toBeCloseTo(logBesselI(v, 3), 5);
        expect(Number.isFinite(g[1]!)).toBe(true);
      }
    });
  });

  it('logBesselITensor is finite and accurate at x = 1e20 and 1e38 (was NaN)', () => {
    for (const v of [0, 0.5, 24, 499, 4999]) {
      const xs = [1e20, 1e30, 1e38].map(Math.fround);
      const got = evaluate(logBesselITensor, v, xs);
      xs.forEach((x, i) => {
        const expected = logBesselI(v, x);
        expect(Math.abs(got[i]! - expected) / expected, `v=${v} x=${x}`).toBeLessThan(2e-7);
      });
    }
  });
});

describe('float32 tensor special functions: gradients', () => {
  const GRAD_KAPPAS = [0, 1e-8, 1e-4, 0.5, 5, 9.99, 10.01, 60, 100, 4000, 1e4, 1e6].map(
    Math.fround,
  );
  const rtol = 1e-4;

  it('are finite everywhere, including kappa = 0 and kappa = 1e6', () => {
    for (const d of DIMS) {
      for (const op of [
        vmfKLToUniformTensor,
        vmfMeanResultantLengthTensor,
        vmfLogNormalizerTensor,
        vmfEntropyTensor,
      ]) {
        expectFinite(gradient(op, d, KAPPAS), `${op.name} gradient, d=${d}`);
      }
    }
  });

  for (const d of [2, 3, 22, 4096, 10000]) {
    const v = d / 2 - 1;
    const label = (i: number) => `d=${d} kappa=${GRAD_KAPPAS[i]}`;

    it(`dA/dkappa matches finite differences of vmfMeanResultantLength (d = ${d})`, () => {
      const g = gradient(vmfMeanResultantLengthTensor, d, GRAD_KAPPAS);
      const e = (i: number) => slope((k) => vmfMeanResultantLength(d, k), GRAD_KAPPAS[i]!);
      expectClose(g, e, (i) => Math.abs(e(i)), rtol, label);
      expect(g[0]).toBeCloseTo(1 / d, 6); // the kappa -> 0 limit
    });

    it(`dKL/dkappa matches finite differences of vmfKLToUniform (d = ${d})`, () => {
      const g = gradient(vmfKLToUniformTensor, d, GRAD_KAPPAS);
      const e = (i: number) => slope((k) => vmfKLToUniform(d, k), GRAD_KAPPAS[i]!);
      expectClose(g, e, (i) => Math.abs(e(i)) + 1e-12, rtol, label);
      expect(g[0]).toBe(0);
    });

    it(`dH/dkappa matches finite differences of -vmfKLToUniform (d = ${d})`, () => {
      const g = gradient(vmfEntropyTensor, d, GRAD_KAPPAS);
      const e = (i: number) => -slope((k) => vmfKLToUniform(d, k), GRAD_KAPPAS[i]!);
      expectClose(g, e, (i) => Math.abs(e(i)) + 1e-12, rtol, label);
    });

    it(`d log C/dkappa matches finite differences of -log 0F1(; d/2; kappa^2/4) (d = ${d})`, () => {
      // log C_d = -log|S^{d-1}| - log 0F1: differentiating the second term avoids the rounding of
      // the large constant. The result must also be -A_d.
      const g = gradient(vmfLogNormalizerTensor, d, GRAD_KAPPAS);
      const e = (i: number) => -slope((k) => logBesselIReduced(v, k), GRAD_KAPPAS[i]!);
      expectClose(g, e, (i) => Math.abs(e(i)) + 1e-12, rtol, label);
      const a = (i: number) => -vmfMeanResultantLength(d, GRAD_KAPPAS[i]!);
      expectClose(g, a, (i) => Math.abs(a(i)), rtol, label);
    });
  }

  it('d log I_v/dx matches finite differences of logBesselI, and A_v + v/x', () => {
    const xs = GRAD_KAPPAS.slice(1);
    for (const v of [0, 0.5, 9.5, 10.5, 499.5, 4999]) {
      const g = gradient(logBesselITensor, v, xs);
      const e = (i: number) => slope((x) => logBesselI(v, x), xs[i]!);
      const label = (i: number) => `v=${v} x=${xs[i]}`;
      expectClose(g, e, (i) => Math.abs(e(i)), rtol, label);
      const exact = (i: number) => besselIRatio(v, xs[i]!) + v / xs[i]!;
      expectClose(g, exact, (i) => Math.abs(exact(i)), rtol, label);
    }
    const atZero = tf.tidy(() =>
      Array.from(
        tf
          .grad((x: tf.Tensor) => tf.sum(logBesselITensor(0, x)))(tf.tensor1d([0]))
          .dataSync(),
      ),
    );
    expect(atZero).toEqual([0]);
  });
});
