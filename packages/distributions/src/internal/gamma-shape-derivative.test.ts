import { describe, expect, it } from 'vitest';
import fixture from '../special/__fixtures__/power-spherical.json';
import { logGamma } from '../special/log-gamma';
import { CORNISH_FISHER_MIN_SHAPE, gammaShapeDerivative } from './gamma-shape-derivative';
import { Prng } from './prng';

describe('gammaShapeDerivative (implicit reparameterisation of Gamma draws)', () => {
  it('matches mpmath at the 1e-8 ... 1 - 1e-8 quantiles of alpha = 0.5 ... 1e6', () => {
    let worstBulk = 0;
    let worstTail = 0;
    for (const r of fixture.gammaShapeDerivative) {
      const err = Math.abs(gammaShapeDerivative(r.x, r.alpha) - r.derivative) / r.derivative;
      const tail = r.q > 0.9999;
      // The series cancels in the far upper tail (see the function's notes).
      expect(err, `alpha ${r.alpha} q ${r.q}: ${err}`).toBeLessThan(tail ? 3e-6 : 1e-9);
      if (tail) worstTail = Math.max(worstTail, err);
      else worstBulk = Math.max(worstBulk, err);
    }
    if (process.env.VAEKIT_PRINT_ACCURACY) {
      console.log(
        `gammaShapeDerivative: worst rel. error ${worstBulk} (q <= 0.999), ${worstTail} (q = 1 - 1e-8)`,
      );
    }
  });

  it('is continuous where the Cornish-Fisher expansion takes over', () => {
    const a = CORNISH_FISHER_MIN_SHAPE;
    for (const z of [-5, -1, 0, 1, 5]) {
      const x = a + z * Math.sqrt(a);
      const below = gammaShapeDerivative(x, a * (1 - 1e-12));
      const above = gammaShapeDerivative(x, a);
      // (At z = +-5 the series below the switch has lost ~7 digits to cancellation.)
      expect(Math.abs(below - above) / above, `z ${z}`).toBeLessThan(Math.abs(z) > 3 ? 1e-6 : 1e-9);
    }
  });

  it('matches the derivative of the quantile by finite differences with common random numbers', () => {
    // X = F^{-1}(U; alpha): Prng.gamma is not an inverse CDF, so the quantile is inverted here by
    // bisection on the regularised incomplete gamma (series, float64) for small shapes.
    const cdf = (a: number, x: number) => {
      let term = 1 / a;
      let sum = term;
      for (let n = 1; n < 2000 && term > 1e-18 * sum; n++) {
        term *= x / (a + n);
        sum += term;
      }
      return Math.exp(a * Math.log(x) - x - logGamma(a)) * sum;
    };
    const quantile = (a: number, u: number) => {
      let lo = 0;
      let hi = 200;
      for (let i = 0; i < 200; i++) {
        const mid = (lo + hi) / 2;
        if (cdf(a, mid) < u) lo = mid;
        else hi = mid;
      }
      return (lo + hi) / 2;
    };
    const rng = new Prng(5);
    for (const a of [0.5, 1.5, 3.7, 20]) {
      for (let i = 0; i < 4; i++) {
        const u = rng.uniform();
        const h = 1e-5 * a;
        const fd = (quantile(a + h, u) - quantile(a - h, u)) / (2 * h);
        const g = gammaShapeDerivative(quantile(a, u), a);
        expect(Math.abs(g - fd), `alpha ${a} u ${u}: ${g} vs ${fd}`).toBeLessThan(1e-6 * (1 + g));
      }
    }
  });
});
