import { describe, expect, it } from 'vitest';
import { besselIGolden, expectMatchesGolden } from './__fixtures__/golden';
import { besselIRatio } from './bessel-i-ratio';
import { logBesselI } from './log-bessel-i';

describe('logBesselI', () => {
  it('matches the mpmath golden values to 1e-9 relative (v in [0, 4999], x in [1e-8, 1e6])', () => {
    expect(besselIGolden.length).toBeGreaterThan(500);
    expectMatchesGolden(
      besselIGolden,
      (r) => logBesselI(r.v, r.x),
      (r) => r.logBesselI,
      (r) => `v=${r.v} x=${r.x}`,
    );
  });

  it('is 0 for v = 0 and -Infinity for v > 0 at x = 0', () => {
    expect(logBesselI(0, 0)).toBe(0);
    expect(logBesselI(0.5, 0)).toBe(Number.NEGATIVE_INFINITY);
    expect(logBesselI(4999, 0)).toBe(Number.NEGATIVE_INFINITY);
  });

  it('matches the closed form I_{1/2}(x) = sqrt(2 / (pi x)) sinh(x)', () => {
    for (const x of [1e-6, 0.3, 2, 19.9, 20.1, 35, 500]) {
      // log sinh x, as x + log1p(-exp(-2x)) - log 2 where sinh overflows
      const logSinh =
        x < 300 ? Math.log(Math.sinh(x)) : x + Math.log1p(-Math.exp(-2 * x)) - Math.LN2;
      const expected = 0.5 * Math.log(2 / (Math.PI * x)) + logSinh;
      expect(Math.abs(logBesselI(0.5, x) - expected)).toBeLessThan(1e-13 * Math.max(1, x));
    }
  });

  it('satisfies the recurrence I_{v-1} - I_{v+1} = (2v/x) I_v (A&S 9.6.26) in log space', () => {
    // log I_{v-1} + log(1 - I_{v+1}/I_{v-1}) = log(2v/x) + log I_v; well conditioned for x <= 10 v.
    let worst = 0;
    for (const v of [1, 1.5, 3.25, 9.5, 10.5, 20, 63.5, 500, 2047, 4998]) {
      for (const x of [1e-6, 0.01, 1, 7, 19.5, 20.5, 100, 1e3, 1e4].filter((y) => y <= 10 * v)) {
        const lower = logBesselI(v - 1, x);
        const upper = logBesselI(v + 1, x);
        const lhs = lower + Math.log1p(-Math.exp(upper - lower));
        const rhs = Math.log((2 * v) / x) + logBesselI(v, x);
        worst = Math.max(worst, Math.abs(lhs - rhs) / Math.max(1, Math.abs(rhs)));
      }
    }
    expect(worst).toBeLessThan(1e-12);
  });

  it('is continuous across the switch between the series and the uniform expansion', () => {
    // The methods meet at x^2 = 16 (v + 1) and at sqrt(v^2 + x^2) = 20. Across a step of 2e-12 x
    // the value must move by its derivative A_v(x) + v/x times the step, and by nothing more.
    for (const [v, x] of [
      [30, 4 * Math.sqrt(31)],
      [500, 4 * Math.sqrt(501)],
      [0, 20],
      [12, 16],
    ] as const) {
      const [below, above] = [x * (1 - 1e-12), x * (1 + 1e-12)];
      const jump = logBesselI(v, above) - logBesselI(v, below);
      const slope = besselIRatio(v, x) + v / x;
      expect(Math.abs(jump - slope * (above - below))).toBeLessThan(
        1e-14 * Math.max(1, Math.abs(logBesselI(v, x))),
      );
    }
  });

  it('throws naming the parameter and its range for negative, NaN or infinite arguments', () => {
    expect(() => logBesselI(-1, 1)).toThrow(/logBesselI: v must be a finite number >= 0, got -1/);
    expect(() => logBesselI(1, -1e-9)).toThrow(/logBesselI: x must be a finite number >= 0/);
    expect(() => logBesselI(Number.NaN, 1)).toThrow(/logBesselI: v must be/);
    expect(() => logBesselI(1, Number.NaN)).toThrow(/logBesselI: x must be/);
    expect(() => logBesselI(1, Number.POSITIVE_INFINITY)).toThrow(/logBesselI: x must be/);
  });
});
