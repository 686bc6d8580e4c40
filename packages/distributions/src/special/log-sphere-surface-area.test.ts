import { describe, expect, it } from 'vitest';
import { expectMatchesGolden, vmfGolden } from './__fixtures__/golden';
import { logSphereSurfaceArea } from './log-sphere-surface-area';

describe('logSphereSurfaceArea', () => {
  it('matches the mpmath golden values to 1e-9 relative for d = 2..10000', () => {
    const rows = vmfGolden.filter((r) => r.kappa === 0);
    expect(rows.length).toBeGreaterThan(10);
    expectMatchesGolden(
      rows,
      (r) => logSphereSurfaceArea(r.dim),
      (r) => r.logSphereSurfaceArea,
      (r) => `dim=${r.dim}`,
    );
  });

  it('gives the circle, the 2-sphere and the 3-sphere', () => {
    expect(logSphereSurfaceArea(2)).toBeCloseTo(Math.log(2 * Math.PI), 14);
    expect(logSphereSurfaceArea(3)).toBeCloseTo(Math.log(4 * Math.PI), 14);
    expect(logSphereSurfaceArea(4)).toBeCloseTo(Math.log(2 * Math.PI ** 2), 14);
  });

  it('satisfies |S^{d+1}| = 2 pi |S^{d-1}| / (d)', () => {
    for (const d of [2, 3, 7, 100, 4095]) {
      const lhs = logSphereSurfaceArea(d + 2);
      const rhs = Math.log(2 * Math.PI) + logSphereSurfaceArea(d) - Math.log(d);
      expect(Math.abs(lhs - rhs)).toBeLessThan(1e-12 * Math.max(1, Math.abs(lhs)));
    }
  });

  it('throws naming dim and its range for non-integer or too small dimensions', () => {
    for (const d of [1, 0, -2, 2.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => logSphereSurfaceArea(d)).toThrow(
        /logSphereSurfaceArea: dim must be an integer >= 2/,
      );
    }
  });
});
