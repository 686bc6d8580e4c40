import { describe, expect, it } from 'vitest';
import golden from '../__fixtures__/distributions-golden.json';
import tCdfs from '../__fixtures__/vmf-t-cdf.json';
import accuracy from '../special/__fixtures__/vmf-accuracy.json';
import {
  CACHE_CAPACITY,
  CELLS,
  COARSE_CELLS,
  angleCdf,
  angleKappaDerivative,
  angleQuantile,
  angleTableCacheSize,
  buildAngleTable,
  clearAngleTableCache,
  getAngleTable,
} from './vmf-angle-table';

/** `t = 1 - cos(theta)` without cancellation. */
const oneMinusCos = (theta: number) => 2 * Math.sin(0.5 * theta) ** 2;

/**
 * u levels from 1e-10 to 1 - 1e-7 (float32 uniforms stop at 1 - 6e-8; beyond, the closed form
 * itself loses relative precision in t to the rounding of 1 - u): log-spaced tails, uniform middle.
 */
const LEVELS = [
  ...Array.from({ length: 40 }, (_, i) => 10 ** (-10 + i / 4)),
  ...Array.from({ length: 199 }, (_, i) => (i + 1) / 200),
  ...Array.from({ length: 25 }, (_, i) => 1 - 10 ** (-1 - i / 4)),
];

describe.each([CELLS, COARSE_CELLS])('vMF angle table with %i cells', (cells) => {
  it('matches the d = 3 closed-form quantile t = -log(1 - u (1 - e^{-2 kappa})) / kappa', () => {
    // Relative error in t = 1 - w (so also for kappa = 1e5, where t ~ 1e-5, and 1e38, where
    // t ~ 1e-38), over u in [1e-10, 1 - 1e-7].
    for (const kappa of [0, 1e-8, 0.5, 10, 1000, 1e5, 1e6, 1e10, 1e20, 1e30, 1e38]) {
      const table = buildAngleTable(3, kappa, cells);
      let worst = 0;
      for (const u of LEVELS) {
        const t = oneMinusCos(angleQuantile(table, u));
        const exact = kappa === 0 ? 2 * u : -Math.log1p(u * Math.expm1(-2 * kappa)) / kappa;
        worst = Math.max(worst, Math.abs(t - exact) / exact);
      }
      expect(worst, `kappa ${kappa}`).toBeLessThan(1e-8);
    }
  });

  it('quantiles match mpmath on d in {2, 3, 10, 50, 1000} x kappa in {0, 1, 10, 1e3, 1e5} (the bound the TSDoc states)', () => {
    // Relative error in t = 1 - w at u from 1e-10 to 1 - 1e-9. Measured: 4.3e-7 (1024 cells, at
    // d = 10, kappa >= 1e3: the cubic Hermite interpolant of the interior cells; 5.6e-8 at d = 50,
    // kappa = 10) and 4.5e-9 (128 cells, exact partial-cell integrals everywhere).
    const bound = cells === CELLS ? 5e-7 : 5e-9;
    let worst = 0;
    let at = '';
    for (const r of accuracy.rows) {
      const table = buildAngleTable(r.dim, r.kappa, cells);
      for (const q of accuracy.quantiles) {
        if (q.dim !== r.dim || q.kappa !== r.kappa) continue;
        const t = Number(q.t);
        const err = Math.abs(oneMinusCos(angleQuantile(table, q.u)) - t) / t;
        if (!Number.isNaN(worst) && !(err <= worst)) {
          worst = err;
          at = `d ${q.dim} kappa ${q.kappa} u ${q.u}`;
        }
      }
    }
    expect(worst, at).toBeLessThanOrEqual(bound);
    expect(accuracy.quantiles.length).toBe(25 * 11);
  });

  it('its CDF matches the QUADPACK reference CDFs (d = 2 ... 1000, kappa = 0 ... 1e5) to 1e-9', () => {
    for (const { dim, kappa, t, cdf } of tCdfs) {
      const table = buildAngleTable(dim, kappa, cells);
      let worst = 0;
      for (let i = 0; i < t.length; i++) {
        const theta = 2 * Math.asin(Math.sqrt(t[i]! / 2));
        worst = Math.max(worst, Math.abs(angleCdf(table, theta) - cdf[i]!));
      }
      expect(worst, `d ${dim} kappa ${kappa}`).toBeLessThan(1e-9);
    }
  });

  it('quantile and CDF are inverse to each other', () => {
    for (const [dim, kappa] of [
      [2, 0],
      [2, 1e5],
      [5, 3],
      [4096, 0],
      [4096, 1e5],
    ] as const) {
      const table = buildAngleTable(dim, kappa, cells);
      for (const u of LEVELS) {
        expect(Math.abs(angleCdf(table, angleQuantile(table, u)) - u)).toBeLessThan(
          1e-12 + 1e-9 * u,
        );
      }
    }
  });

  it('its A_d(kappa) = E[cos theta] matches mpmath', () => {
    for (const f of golden.vmfFunctions) {
      if (f.dim > 4096) continue;
      const table = buildAngleTable(f.dim, f.kappa, cells);
      const a = f.meanResultantLength!;
      // 1 - A to 1e-9 relative covers kappa = 1e6 (1 - A ~ 1e-6) as well as A to 1e-9 absolute.
      expect(
        Math.abs(table.oneMinusMeanResultantLength - (1 - a)),
        `d ${f.dim} kappa ${f.kappa}`,
      ).toBeLessThan(1e-9 * Math.max(1e-3, 1 - a));
    }
  });

  it('the implicit derivative d theta / d kappa matches finite differences of the quantile', () => {
    for (const dim of [2, 3, 5, 16, 64, 1000, 4096]) {
      for (const kappa of [0.05, 1, 20, 500, 1e5]) {
        const h = 1e-4 * Math.max(kappa, 1);
        const table = buildAngleTable(dim, kappa, cells);
        const plus = buildAngleTable(dim, kappa + h, cells);
        const minus = buildAngleTable(dim, kappa - h, cells);
        for (const u of [1e-6, 1e-3, 0.05, 0.3, 0.5, 0.8, 0.99, 0.999999]) {
          const fd = (angleQuantile(plus, u) - angleQuantile(minus, u)) / (2 * h);
          const implicit = angleKappaDerivative(table, angleQuantile(table, u));
          // The finite difference itself is good to ~1e-6 relative (float64 table noise / h).
          expect(Math.abs(implicit - fd), `d ${dim} kappa ${kappa} u ${u}`).toBeLessThan(
            1e-4 * Math.abs(fd) + 1e-12,
          );
        }
      }
    }
  });

  it('kappa = 0 and d = 2 is uniform on [0, pi], with d theta/d kappa = -sin(theta)', () => {
    const table = buildAngleTable(2, 0, cells);
    for (const u of [0.1, 0.5, 0.9]) {
      const theta = angleQuantile(table, u);
      expect(theta).toBeCloseTo(Math.PI * u, 12);
      expect(angleKappaDerivative(table, theta)).toBeCloseTo(-Math.sin(theta), 9);
    }
  });

  it('covers the mass: the support shrinks with kappa and sits around pi/2 for large d', () => {
    const wide = buildAngleTable(3, 1, cells);
    // d = 3: p(theta) ~ sin(theta) near 0, within CUT = 50 of its maximum above ~e^-50 = 2e-22.
    expect(wide.lo).toBeGreaterThan(0);
    expect(wide.lo).toBeLessThan(1e-21);
    expect(wide.lo + wide.cells * wide.h).toBeCloseTo(Math.PI, 12);
    const sharp = buildAngleTable(2, 1e5, cells);
    expect(sharp.lo + sharp.cells * sharp.h).toBeLessThan(0.04);
    // The ends are found to 1e-15 relative, not absolute: at kappa = 1e38 the support is
    // [~1e-41, ~1e-18] (it was [0, 7e-16] when the bisection stopped at 1e-15 absolute, which put
    // the mass in the first of 1024 cells and the d = 3 quantiles 150% off).
    const huge = buildAngleTable(3, 1e38, cells);
    expect(huge.lo).toBeGreaterThan(0);
    expect(huge.lo + huge.cells * huge.h).toBeLessThan(1.1e-18);
    expect(huge.lo + huge.cells * huge.h).toBeGreaterThan(0.9e-18);
    const high = buildAngleTable(4096, 0, cells);
    expect(high.lo).toBeGreaterThan(1.3);
    expect(high.lo + high.cells * high.h).toBeLessThan(1.85);
  });
});

describe('vMF angle table cache', () => {
  it('caches tables per (d, kappa) with a least-recently-used cap', () => {
    clearAngleTableCache();
    const first = getAngleTable(7, 2.5);
    expect(getAngleTable(7, 2.5)).toBe(first);
    expect(getAngleTable(7, 2.5, COARSE_CELLS)).not.toBe(first);
    expect(getAngleTable(7, 2.5, COARSE_CELLS).cells).toBe(COARSE_CELLS);
    clearAngleTableCache();
    for (let i = 0; i < CACHE_CAPACITY; i++) getAngleTable(3, i);
    expect(angleTableCacheSize()).toBe(CACHE_CAPACITY);
    expect(getAngleTable(7, 2.5)).not.toBe(first); // evicted, rebuilt
    getAngleTable(3, 1); // touch: now most recent
    for (let i = 0; i < CACHE_CAPACITY - 2; i++) getAngleTable(4, i);
    expect(getAngleTable(3, 1)).toBe(getAngleTable(3, 1));
    clearAngleTableCache();
    expect(angleTableCacheSize()).toBe(0);
  });
});
