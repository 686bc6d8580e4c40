import { describe, expect, it } from 'vitest';
import { besselIGolden, expectMatchesGolden } from './__fixtures__/golden';
import { besselIRatio } from './bessel-i-ratio';
import { logBesselI } from './log-bessel-i';

describe('besselIRatio', () => {
  it('matches the mpmath golden values to 1e-9 relative (v in [0, 4999], x in [1e-8, 1e6])', () => {
    expectMatchesGolden(
      besselIGolden,
      (r) => besselIRatio(r.v, r.x),
      (r) => r.besselIRatio,
      (r) => `v=${r.v} x=${r.x}`,
    );
  });

  it('agrees with exp(log I_{v+1} - log I_v) where both logs are small', () => {
    for (const v of [0, 0.5, 2.2, 9.5, 19, 40]) {
      for (const x of [0.05, 1, 5, 19.9, 20.1, 30]) {
        const viaLogs = Math.exp(logBesselI(v + 1, x) - logBesselI(v, x));
        expect(Math.abs(besselIRatio(v, x) - viaLogs)).toBeLessThan(1e-13 * viaLogs);
      }
    }
  });

  it('matches the closed form I_{3/2}/I_{1/2} = coth(x) - 1/x', () => {
    for (const x of [0.5, 3, 19.5, 20.5, 100, 1e5]) {
      const expected = 1 / Math.tanh(x) - 1 / x;
      expect(Math.abs(besselIRatio(0.5, x) - expected)).toBeLessThan(1e-14);
    }
  });

  it('lies within the Amos (1974) bounds x/(v + 1/2 + sqrt(x^2 + (v + 3/2)^2)) <= A <= x/(v + 1/2 + sqrt(x^2 + (v + 1/2)^2))', () => {
    for (const v of [0, 0.5, 3, 20, 99.5, 4999]) {
      for (const x of [1e-6, 0.1, 1, 10, 20, 21, 300, 1e4, 1e6]) {
        const ratio = besselIRatio(v, x);
        const lower = x / (v + 0.5 + Math.hypot(x, v + 1.5));
        const upper = x / (v + 0.5 + Math.hypot(x, v + 0.5));
        expect(ratio).toBeGreaterThanOrEqual(lower * (1 - 1e-15));
        expect(ratio).toBeLessThanOrEqual(upper * (1 + 1e-15));
      }
    }
  });

  it('is 0 at x = 0 and ~x / (2(v + 1)) for tiny x', () => {
    expect(besselIRatio(3, 0)).toBe(0);
    expect(besselIRatio(3, 1e-300)).toBeCloseTo(1e-300 / 8, 310);
    expect(besselIRatio(1e6, 1)).toBeCloseTo(1 / (2 * (1e6 + 1)), 15);
  });

  it('throws naming the parameter and its range for negative, NaN or infinite arguments', () => {
    expect(() => besselIRatio(-0.5, 1)).toThrow(/besselIRatio: v must be a finite number >= 0/);
    expect(() => besselIRatio(1, -2)).toThrow(
      /besselIRatio: x must be a finite number >= 0, got -2/,
    );
    expect(() => besselIRatio(1, Number.NaN)).toThrow(/besselIRatio: x must be/);
  });
});
