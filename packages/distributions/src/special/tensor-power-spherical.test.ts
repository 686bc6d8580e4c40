import * as tf from '@tensorflow/tfjs-core';
import { expectFinite, expectNoLeaks } from '@vaekit/test-utils';
import { describe, expect, it } from 'vitest';
import fixture from './__fixtures__/power-spherical.json';
import {
  logHalfOnePlusTensor,
  powerSphericalEntropyTensor,
  powerSphericalKLToUniformTensor,
  powerSphericalLogNormalizerTensor,
  powerSphericalReducedLogNormalizerTensor,
} from './tensor-power-spherical';

const DIMS = [...new Set(fixture.powerSpherical.map((r) => r.dim))];
const rowsOf = (dim: number) => fixture.powerSpherical.filter((r) => r.dim === dim);

type Op = (dim: number, kappa: tf.Tensor) => tf.Tensor;

function values(op: Op, dim: number, kappas: number[]): Float32Array {
  return tf.tidy(() => op(dim, tf.tensor1d(kappas)).dataSync() as Float32Array);
}

function gradients(op: Op, dim: number, kappas: number[]): Float32Array {
  return tf.tidy(
    () =>
      tf
        .grad((k: tf.Tensor) => tf.sum(op(dim, k)))(tf.tensor1d(kappas))
        .dataSync() as Float32Array,
  );
}

/**
 * Check `actual` against `expected` row by row within `tol(row)`; returns the worst error
 * relative to the tolerance's own scale (for the report).
 */
function check(
  what: string,
  actual: ArrayLike<number>,
  rows: typeof fixture.powerSpherical,
  expected: (r: (typeof rows)[number]) => number,
  tol: (r: (typeof rows)[number]) => number,
): void {
  rows.forEach((r, i) => {
    const err = Math.abs(actual[i]! - expected(r));
    expect(
      err,
      `${what} d ${r.dim} kappa ${r.kappa}: ${actual[i]} vs ${expected(r)}`,
    ).toBeLessThanOrEqual(tol(r));
  });
}

describe('Power Spherical tensor functions against mpmath', () => {
  it('KL to the uniform: 1e-6 relative + 2e-9 absolute, exactly 0 at kappa = 0, never negative', () => {
    let worst = 0;
    for (const dim of DIMS) {
      const rows = rowsOf(dim);
      const kl = values(
        powerSphericalKLToUniformTensor,
        dim,
        rows.map((r) => r.kappa),
      );
      check(
        'KL',
        kl,
        rows,
        (r) => r.klToUniform,
        (r) => 1e-6 * r.klToUniform + 2e-9,
      );
      rows.forEach((r, i) => {
        expect(kl[i]).toBeGreaterThanOrEqual(0);
        if (r.kappa === 0) expect(kl[i]).toBe(0);
        if (r.klToUniform > 1e-3) {
          worst = Math.max(worst, Math.abs(kl[i]! - r.klToUniform) / r.klToUniform);
        }
      });
    }
    if (process.env.VAEKIT_PRINT_ACCURACY) console.log(`KL: worst rel. error (KL > 1e-3) ${worst}`);
  });

  it('entropy and log-normaliser: within a few float32 roundings of their terms', () => {
    let worstH = 0;
    let worstC = 0;
    for (const dim of DIMS) {
      const rows = rowsOf(dim);
      const kappas = rows.map((r) => r.kappa);
      const h = values(powerSphericalEntropyTensor, dim, kappas);
      const c = values(powerSphericalLogNormalizerTensor, dim, kappas);
      const reduced = values(powerSphericalReducedLogNormalizerTensor, dim, kappas);
      // Entropy = log|S| - KL: the rounding of its size, plus the KL's.
      check(
        'entropy',
        h,
        rows,
        (r) => r.entropy,
        (r) => 2e-7 * Math.abs(r.entropy) + 1e-6 * r.klToUniform + 2e-9,
      );
      // log C includes kappa log 2: its rounding is relative to |log C| + kappa.
      check(
        'log C',
        c,
        rows,
        (r) => r.logNormalizer,
        (r) => 3e-7 * (Math.abs(r.logNormalizer) + r.kappa) + 1e-8,
      );
      const reducedExact = (r: (typeof rows)[number]) => r.logNormalizer - r.kappa * Math.LN2;
      // log C - kappa log 2 = log|S| - KL - kappa Dpsi crosses zero: relative to its terms.
      const terms = (r: (typeof rows)[number]) =>
        Math.abs(r.entropy + r.klToUniform) + r.kappa * Math.abs(r.meanLogHalfOnePlusT);
      check(
        'log C - kappa log 2',
        reduced,
        rows,
        reducedExact,
        (r) => 3e-7 * terms(r) + 1e-6 * r.klToUniform + 1e-8,
      );
      rows.forEach((r, i) => {
        worstH = Math.max(worstH, Math.abs(h[i]! - r.entropy) / Math.max(1, Math.abs(r.entropy)));
        worstC = Math.max(
          worstC,
          Math.abs(c[i]! - r.logNormalizer) / (Math.abs(r.logNormalizer) + r.kappa),
        );
      });
    }
    if (process.env.VAEKIT_PRINT_ACCURACY) {
      console.log(
        `entropy: worst error / max(1, |H|) ${worstH}; log C: worst error / (|log C| + kappa) ${worstC}`,
      );
    }
  });

  it('gradients in kappa are the analytic derivatives (mpmath), to 1e-6 relative', () => {
    for (const dim of DIMS) {
      const rows = rowsOf(dim);
      const kappas = rows.map((r) => r.kappa);
      const tol = (x: number) => 1e-6 * Math.abs(x) + 1e-12;
      check(
        'dKL/dkappa',
        gradients(powerSphericalKLToUniformTensor, dim, kappas),
        rows,
        (r) => r.klDerivative,
        (r) => tol(r.klDerivative),
      );
      check(
        'dH/dkappa',
        gradients(powerSphericalEntropyTensor, dim, kappas),
        rows,
        (r) => -r.klDerivative,
        (r) => tol(r.klDerivative),
      );
      // d log C / dkappa = log 2 + E[log((1 + t)/2)]: the second term is the exact -Dpsi.
      check(
        'dlogC/dkappa',
        gradients(powerSphericalLogNormalizerTensor, dim, kappas),
        rows,
        (r) => Math.LN2 + r.meanLogHalfOnePlusT,
        (r) => 2e-7 + tol(r.meanLogHalfOnePlusT),
      );
      check(
        'd(log C - kappa log 2)/dkappa',
        gradients(powerSphericalReducedLogNormalizerTensor, dim, kappas),
        rows,
        (r) => r.meanLogHalfOnePlusT,
        (r) => tol(r.meanLogHalfOnePlusT),
      );
    }
  });

  it('the values are consistent with their gradients (float64 central differences of float32 values)', () => {
    for (const dim of [2, 3, 10, 100]) {
      for (const kappa of [0.7, 6, 90, 2500]) {
        const h = 0.01 * kappa;
        for (const op of [
          powerSphericalKLToUniformTensor,
          powerSphericalLogNormalizerTensor,
        ] as Op[]) {
          const [lo, hi] = values(op, dim, [kappa - h, kappa + h]);
          const fd = (hi! - lo!) / (2 * h);
          const g = gradients(op, dim, [kappa])[0]!;
          // FD truncation (h/kappa)^2 ~ 1e-4 relative; float32 rounding of the values / h.
          const scale = Math.abs(values(op, dim, [kappa])[0]!) + kappa;
          expect(
            Math.abs(g - fd),
            `${op.name} d ${dim} kappa ${kappa}: ${g} vs ${fd}`,
          ).toBeLessThan(2e-4 * Math.abs(g) + (3e-7 * scale) / h);
        }
      }
    }
  });
});

describe('logHalfOnePlusTensor', () => {
  it('is log((1 + t)/2) to float32 precision, relative to its size near t = 1', () => {
    const ts = [-1, -0.999999, -0.5, 0, 0.3, 0.9, 0.999, 1 - 2 ** -20, 1 - 2 ** -24, 1];
    const got = tf.tidy(() => logHalfOnePlusTensor(tf.tensor1d(ts)).dataSync());
    ts.forEach((t, i) => {
      const t32 = Math.fround(t);
      if (t32 === -1) {
        expect(Number.isFinite(got[i]!)).toBe(true);
        return;
      }
      const exact = Math.log1p((t32 - 1) / 2);
      expect(Math.abs(got[i]! - exact), `t ${t}`).toBeLessThanOrEqual(
        4e-7 * Math.abs(exact) + 1e-30,
      );
    });
  });

  it('has gradient 1/(1 + t), and 0 (not Infinity) at t = -1', () => {
    const ts = [-1, -0.5, 0, 0.5, 1 - 2 ** -20, 1];
    const g = tf.tidy(() =>
      tf
        .grad((t: tf.Tensor) => tf.sum(logHalfOnePlusTensor(t)))(tf.tensor1d(ts))
        .dataSync(),
    );
    expectFinite(g);
    ts.forEach((t, i) => {
      expect(g[i]).toBeCloseTo(t === -1 ? 0 : 1 / (1 + Math.fround(t)), 5);
    });
  });
});

describe('Power Spherical tensor functions: memory', () => {
  it('leak no tensors, values or gradients', async () => {
    const k = tf.tensor1d([0, 0.5, 1e4]);
    const t = tf.tensor1d([-1, 0, 1]);
    await expectNoLeaks(() => [
      powerSphericalKLToUniformTensor(3, k),
      powerSphericalEntropyTensor(2, k),
      powerSphericalLogNormalizerTensor(64, k),
      powerSphericalReducedLogNormalizerTensor(4096, k),
      logHalfOnePlusTensor(t),
    ]);
    await expectNoLeaks(() =>
      tf.grad((x: tf.Tensor) =>
        tf.sum(
          tf.add(powerSphericalKLToUniformTensor(5, x), powerSphericalLogNormalizerTensor(5, x)),
        ),
      )(k),
    );
    k.dispose();
    t.dispose();
  });
});
