import { describe, expect, it } from 'vitest';
import { expectMatchesGolden } from './__fixtures__/golden';
import fixture from './__fixtures__/power-spherical.json';
import { digamma } from './digamma';

describe('digamma', () => {
  it('matches the mpmath golden values (1e-10 to 1e100; absolute 1e-15 at its zero)', () => {
    // Relative 1e-14, except at the zero x = 1.4616..., where the error is absolute.
    const nearZero = (x: number) => Math.abs(x - 1.4616321449683622) < 1e-6;
    for (const r of fixture.digamma.filter((row) => nearZero(row.x))) {
      expect(Math.abs(digamma(r.x) - r.digamma)).toBeLessThan(1e-15);
    }
    const worst = expectMatchesGolden(
      fixture.digamma.filter((row) => !nearZero(row.x)),
      (r) => digamma(r.x),
      (r) => r.digamma,
      (r) => `x=${r.x}`,
      1e-14,
    );
    expect(worst).toBeLessThan(1e-14);
  });

  it('satisfies psi(x + 1) = psi(x) + 1/x across the switch to the asymptotic series', () => {
    for (const x of [0.3, 1, 2.5, 8.9, 9, 9.5, 9.999, 10, 10.5, 123.4]) {
      expect(digamma(x + 1) - digamma(x) - 1 / x).toBeCloseTo(0, 14);
    }
    expect(digamma(1)).toBeCloseTo(-0.5772156649015329, 14);
  });

  it('throws naming x and its range for x <= 0, NaN and Infinity', () => {
    for (const x of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => digamma(x)).toThrow(/digamma: x must be a finite number > 0/);
    }
  });
});
