import { describe, expect, it } from 'vitest';
import { expectMatchesGolden, vmfGolden } from './__fixtures__/golden';
import { logSphereSurfaceArea } from './log-sphere-surface-area';
import { vmfKLToUniform } from './vmf-kl-to-uniform';
import { vmfLogNormalizer } from './vmf-log-normalizer';
import { vmfMeanResultantLength } from './vmf-mean-resultant-length';

const DIMS = [2, 3, 4, 21, 22, 64, 1000, 4096, 10000];

describe('vmfKLToUniform', () => {
  it('matches the mpmath golden values to 1e-9 relative, down to KL ~ 5e-21 (kappa = 1e-8, d = 10000)', () => {
    expectMatchesGolden(
      vmfGolden,
      (r) => vmfKLToUniform(r.dim, r.kappa),
      (r) => r.klToUniform,
      (r) => `dim=${r.dim} kappa=${r.kappa}`,
    );
  });

  it('is exactly 0 at kappa = 0 and ~kappa^2 / (2d) for small kappa', () => {
    for (const d of DIMS) {
      expect(vmfKLToUniform(d, 0)).toBe(0);
      for (const kappa of [1e-8, 1e-5, 1e-3]) {
        // KL = kappa^2 / (2d) - 3 kappa^4 / (4 d^2 (d + 2)) + O(kappa^6)
        const series = (kappa * kappa) / (2 * d) - (3 * kappa ** 4) / (4 * d * d * (d + 2));
        expect(Math.abs(vmfKLToUniform(d, kappa) / series - 1)).toBeLessThan(1e-11);
      }
    }
  });

  it('is positive and increasing in kappa', () => {
    for (const d of DIMS) {
      let previous = 0;
      for (let i = 0; i <= 600; i++) {
        const kappa = 10 ** (-6 + i / 50);
        const kl = vmfKLToUniform(d, kappa);
        expect(kl, `d=${d} kappa=${kappa}`).toBeGreaterThan(previous);
        previous = kl;
      }
    }
  });

  it('equals kappa A + log C + log|S^{d-1}| where that sum does not cancel', () => {
    for (const d of [2, 3, 10, 50]) {
      for (const kappa of [2, 10, 30]) {
        const direct =
          kappa * vmfMeanResultantLength(d, kappa) +
          vmfLogNormalizer(d, kappa) +
          logSphereSurfaceArea(d);
        expect(Math.abs(vmfKLToUniform(d, kappa) - direct)).toBeLessThan(1e-12 * (kappa + 1));
      }
    }
  });

  it('throws naming dim or kappa and the valid range', () => {
    expect(() => vmfKLToUniform(1, 1)).toThrow(
      /vmfKLToUniform: dim must be an integer >= 2, got 1/,
    );
    expect(() => vmfKLToUniform(2, -1)).toThrow(
      /vmfKLToUniform: kappa must be a finite number >= 0, got -1/,
    );
    expect(() => vmfKLToUniform(2, Number.NaN)).toThrow(/kappa must be/);
  });
});
