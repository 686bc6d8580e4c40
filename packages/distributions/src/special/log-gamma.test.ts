import { describe, expect, it } from 'vitest';
import { expectMatchesGolden, logGammaGolden } from './__fixtures__/golden';
import { logGamma } from './log-gamma';

describe('logGamma', () => {
  it('matches the mpmath golden values to 1e-9 relative (1e-300 to 1e300, around the zeros)', () => {
    expectMatchesGolden(
      logGammaGolden,
      (r) => logGamma(r.x),
      (r) => r.logGamma,
      (r) => `x=${r.x}`,
    );
  });

  it('is exactly 0 at 1 and 2 and log((n-1)!) at integers', () => {
    expect(logGamma(1)).toBe(0);
    expect(logGamma(2)).toBe(0);
    let factorial = 1;
    for (let n = 2; n <= 25; n++) {
      factorial *= n;
      expect(logGamma(n + 1)).toBeCloseTo(Math.log(factorial), 12);
    }
  });

  it('satisfies log Gamma(x + 1) = log Gamma(x) + log x across the method boundaries', () => {
    for (const x of [0.3, 0.5, 0.9, 1.5, 1.6, 2.4, 2.5, 2.6, 7.3, 9.5, 9.99, 10, 31.7]) {
      expect(logGamma(x + 1) - logGamma(x) - Math.log(x)).toBeCloseTo(0, 13);
    }
  });

  it('throws naming x and its range for x <= 0, NaN and Infinity', () => {
    for (const x of [0, -1, -0.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => logGamma(x)).toThrow(/logGamma: x must be a finite number > 0/);
    }
  });
});
