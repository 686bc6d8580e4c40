import { describe, expect, it } from 'vitest';
import { expectMatchesGolden, vmfGolden } from './__fixtures__/golden';
import { logSphereSurfaceArea } from './log-sphere-surface-area';
import { vmfEntropy } from './vmf-entropy';
import { vmfLogNormalizer } from './vmf-log-normalizer';
import { vmfMeanResultantLength } from './vmf-mean-resultant-length';

describe('vmfEntropy', () => {
  it('matches the mpmath golden values to 1e-9 relative (d in [2, 10000], kappa in [0, 1e6])', () => {
    expectMatchesGolden(
      vmfGolden,
      (r) => vmfEntropy(r.dim, r.kappa),
      (r) => r.entropy,
      (r) => `dim=${r.dim} kappa=${r.kappa}`,
    );
  });

  it('is the uniform entropy log|S^{d-1}| at kappa = 0 and decreases with kappa', () => {
    for (const d of [2, 3, 22, 4096, 10000]) {
      expect(vmfEntropy(d, 0)).toBe(logSphereSurfaceArea(d));
      let previous = logSphereSurfaceArea(d);
      for (let i = 0; i <= 300; i++) {
        const h = vmfEntropy(d, 10 ** (-6 + i / 25));
        // Non-increasing: for large d and tiny kappa the decrease (~kappa^2 / 2d) is below the
        // resolution of log|S^{d-1}|.
        expect(h).toBeLessThanOrEqual(previous);
        expect(Number.isFinite(h)).toBe(true);
        previous = h;
      }
      expect(previous).toBeLessThan(logSphereSurfaceArea(d) - 1);
    }
  });

  it('equals -kappa A - log C where that sum does not cancel', () => {
    for (const d of [2, 3, 10, 50]) {
      for (const kappa of [0.5, 2, 10, 30]) {
        const direct = -kappa * vmfMeanResultantLength(d, kappa) - vmfLogNormalizer(d, kappa);
        expect(Math.abs(vmfEntropy(d, kappa) - direct)).toBeLessThan(1e-12 * (kappa + 1));
      }
    }
  });

  it('throws naming dim or kappa and the valid range', () => {
    expect(() => vmfEntropy(-3, 1)).toThrow(/vmfEntropy: dim must be an integer >= 2, got -3/);
    expect(() => vmfEntropy(3, -2)).toThrow(
      /vmfEntropy: kappa must be a finite number >= 0, got -2/,
    );
  });
});
