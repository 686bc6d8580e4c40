import { describe, expect, it } from 'vitest';
import { expectMatchesGolden, vmfGolden } from './__fixtures__/golden';
import { vmfMeanResultantLength } from './vmf-mean-resultant-length';

const DIMS = [2, 3, 5, 21, 64, 1000, 4096, 10000];

describe('vmfMeanResultantLength', () => {
  it('matches the mpmath golden values to 1e-9 relative (d in [2, 10000], kappa in [0, 1e6])', () => {
    expectMatchesGolden(
      vmfGolden,
      (r) => vmfMeanResultantLength(r.dim, r.kappa),
      (r) => r.meanResultantLength,
      (r) => `dim=${r.dim} kappa=${r.kappa}`,
    );
  });

  it('increases strictly with kappa, inside (0, 1)', () => {
    for (const d of DIMS) {
      let previous = 0;
      for (let i = 0; i <= 600; i++) {
        const kappa = 10 ** (-6 + i / 50); // 1e-6 .. 1e6
        const a = vmfMeanResultantLength(d, kappa);
        expect(a, `d=${d} kappa=${kappa}`).toBeGreaterThan(previous);
        expect(a).toBeLessThan(1);
        previous = a;
      }
    }
  });

  it('behaves as kappa/d near 0 and as 1 - (d-1)/(2 kappa) at large kappa', () => {
    for (const d of DIMS) {
      expect(vmfMeanResultantLength(d, 0)).toBe(0);
      const small = 1e-6;
      expect(vmfMeanResultantLength(d, small) / (small / d)).toBeCloseTo(1, 10);
      const large = 1e6 * d;
      expect((1 - vmfMeanResultantLength(d, large)) / ((d - 1) / (2 * large))).toBeCloseTo(1, 5);
    }
  });

  it('throws naming dim or kappa and the valid range', () => {
    expect(() => vmfMeanResultantLength(1, 1)).toThrow(
      /vmfMeanResultantLength: dim must be an integer >= 2, got 1/,
    );
    expect(() => vmfMeanResultantLength(3.5, 1)).toThrow(/dim must be an integer >= 2/);
    expect(() => vmfMeanResultantLength(3, -1)).toThrow(
      /vmfMeanResultantLength: kappa must be a finite number >= 0, got -1/,
    );
    expect(() => vmfMeanResultantLength(3, Number.NaN)).toThrow(/kappa must be a finite number/);
  });
});
