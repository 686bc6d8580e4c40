import { describe, expect, it } from 'vitest';
import { expectMatchesGolden, vmfGolden } from './__fixtures__/golden';
import { logSphereSurfaceArea } from './log-sphere-surface-area';
import { vmfLogNormalizer } from './vmf-log-normalizer';
import { vmfMeanResultantLength } from './vmf-mean-resultant-length';

describe('vmfLogNormalizer', () => {
  it('matches the mpmath golden values to 1e-9 relative (d in [2, 10000], kappa in [0, 1e6])', () => {
    expectMatchesGolden(
      vmfGolden,
      (r) => vmfLogNormalizer(r.dim, r.kappa),
      (r) => r.logNormalizer,
      (r) => `dim=${r.dim} kappa=${r.kappa}`,
    );
  });

  it('is -log|S^{d-1}| at kappa = 0', () => {
    for (const d of [2, 3, 17, 10000]) {
      expect(vmfLogNormalizer(d, 0)).toBe(-logSphereSurfaceArea(d));
    }
  });

  it('matches the closed form for d = 3: C_3 = kappa / (4 pi sinh kappa)', () => {
    for (const kappa of [1e-3, 0.7, 5, 19, 25, 300]) {
      const expected = Math.log(kappa / (4 * Math.PI * Math.sinh(kappa)));
      expect(Math.abs(vmfLogNormalizer(3, kappa) - expected)).toBeLessThan(
        1e-13 * Math.max(1, kappa),
      );
    }
  });

  it('has derivative -A_d(kappa) (central differences)', () => {
    for (const d of [2, 3, 64, 1000]) {
      for (const kappa of [0.5, 3, 40, 900, 5e4]) {
        const h = 1e-4 * kappa;
        const slope = (vmfLogNormalizer(d, kappa + h) - vmfLogNormalizer(d, kappa - h)) / (2 * h);
        const a = vmfMeanResultantLength(d, kappa);
        expect(Math.abs(slope + a), `d=${d} kappa=${kappa}`).toBeLessThan(1e-6 * Math.max(a, 1e-3));
      }
    }
  });

  it('throws naming dim or kappa and the valid range', () => {
    expect(() => vmfLogNormalizer(0, 1)).toThrow(/vmfLogNormalizer: dim must be an integer >= 2/);
    expect(() => vmfLogNormalizer(3, -0.1)).toThrow(
      /vmfLogNormalizer: kappa must be a finite number >= 0, got -0.1/,
    );
    expect(() => vmfLogNormalizer(3, Number.POSITIVE_INFINITY)).toThrow(/kappa must be/);
  });
});
