import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import fixture from './__fixtures__/power-spherical.json';
import { digamma } from './digamma';
import { digammaDifferenceF32, trigammaDifferenceF32 } from './tensor-digamma';

/** The rows of one offset b (x = b + kappa, float32-rounded, kappa from 0 to 1e6). */
function rowsOf(b: number) {
  return fixture.differences.filter((r) => r.b === b);
}

const OFFSETS = [...new Set(fixture.differences.map((r) => r.b))];

describe('digamma and trigamma differences (float32 tensors)', () => {
  it('psi(x + b) - psi(x) matches mpmath to 1e-6 relative (b = 0.5 ... 2047.5, x = b ... 1e6)', () => {
    let worst = 0;
    for (const b of OFFSETS) {
      const rows = rowsOf(b);
      const got = tf.tidy(() =>
        digammaDifferenceF32(tf.tensor1d(rows.map((r) => r.x)), b, b).dataSync(),
      );
      rows.forEach((r, i) => {
        const err = Math.abs(got[i]! - r.digammaDifference) / r.digammaDifference;
        worst = Math.max(worst, err);
        expect(err, `b ${b} x ${r.x}: ${got[i]} vs ${r.digammaDifference}`).toBeLessThan(1e-6);
      });
    }
    if (process.env.VAEKIT_PRINT_ACCURACY) console.log(`digammaDifferenceF32: worst ${worst}`);
  });

  it("psi'(x) - psi'(x + b) matches mpmath to 1e-6 relative", () => {
    let worst = 0;
    for (const b of OFFSETS) {
      const rows = rowsOf(b);
      const got = tf.tidy(() =>
        trigammaDifferenceF32(tf.tensor1d(rows.map((r) => r.x)), b, b).dataSync(),
      );
      rows.forEach((r, i) => {
        const err = Math.abs(got[i]! - r.trigammaDifference) / r.trigammaDifference;
        worst = Math.max(worst, err);
        expect(err, `b ${b} x ${r.x}: ${got[i]} vs ${r.trigammaDifference}`).toBeLessThan(1e-6);
      });
    }
    if (process.env.VAEKIT_PRINT_ACCURACY) console.log(`trigammaDifferenceF32: worst ${worst}`);
  });

  it('is far more accurate than the difference of two float32 digammas at large x', () => {
    // The naive float32 difference at x = 1e5, b = 1 has ~10% error (each psi is 11.5, the
    // difference 1e-5); the float64 digamma shows what the reference is.
    const x = 1e5;
    const exact = digamma(x + 1) - digamma(x);
    const got = tf.tidy(() => digammaDifferenceF32(tf.scalar(x), 1, 1).dataSync()[0]!);
    expect(Math.abs(got - exact) / exact).toBeLessThan(1e-6);
    const naive = Math.fround(Math.fround(digamma(x + 1)) - Math.fround(digamma(x)));
    expect(Math.abs(naive - exact) / exact).toBeGreaterThan(1e-2);
  });

  it('uses more recurrence steps when xMin is smaller, with the same values', () => {
    tf.tidy(() => {
      const x = tf.tensor1d([9, 20, 300]);
      const a = digammaDifferenceF32(x, 1.5, 9).dataSync();
      const b = digammaDifferenceF32(x, 1.5, 0.5).dataSync();
      for (let i = 0; i < 3; i++) expect(Math.abs(a[i]! - b[i]!) / a[i]!).toBeLessThan(1e-6);
    });
  });
});
