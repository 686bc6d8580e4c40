import * as tf from '@tensorflow/tfjs-core';
import { expectAllClose, expectNoLeaks } from '@vaekit/test-utils';
import { describe, expect, it, vi } from 'vitest';
import gaussianGolden from './__fixtures__/gaussian-kl-golden.json';
import { DiagonalNormal, klDiagonalNormalDiagonalNormal } from './diagonal-normal';
import { STANDARD_NORMAL_KL_KERNEL } from './internal/kernel-names';
import { klDivergence } from './kl';
import { StandardNormal, klDiagonalNormalStandardNormal } from './standard-normal';

describe('DiagonalNormal', () => {
  it('log-density matches the float64 formula', () => {
    tf.tidy(() => {
      const q = new DiagonalNormal({ loc: tf.tensor([[0.5, -1]]), scale: tf.tensor([[2, 0.1]]) });
      const lp = q.logProb(tf.tensor([[1, -1.05]]));
      const expected =
        -0.5 * (Math.log(2 * Math.PI) + Math.log(4) + 0.25 / 4) -
        0.5 * (Math.log(2 * Math.PI) + Math.log(0.01) + 0.0025 / 0.01);
      expect(lp.shape).toEqual([1]);
      expectAllClose(lp, [expected], { rtol: 1e-6 });
    });
  });

  it('KL to the standard normal equals the general Gaussian KL and its closed form', () => {
    tf.tidy(() => {
      const loc = tf.tensor([
        [0.3, -2],
        [0, 0],
      ]);
      const logVar = tf.tensor([
        [0.2, -3],
        [0, 0],
      ]);
      const q = DiagonalNormal.fromLogVariance(loc, logVar);
      const viaPrior = klDivergence(q, new StandardNormal({ dim: 2 }));
      const general = klDivergence(
        q,
        new DiagonalNormal({ loc: tf.zeros([2]), scale: tf.ones([2]) }),
      );
      const closed = [0, 1].map((i) =>
        [0, 1].reduce((s, j) => {
          const m = [
            [0.3, -2],
            [0, 0],
          ][i]![j]!;
          const lv = [
            [0.2, -3],
            [0, 0],
          ][i]![j]!;
          return s + 0.5 * (m * m + Math.exp(lv) - lv - 1);
        }, 0),
      );
      expectAllClose(viaPrior, closed, { rtol: 1e-5, atol: 1e-6 });
      expectAllClose(general, closed, { rtol: 1e-5, atol: 1e-6 });
    });
  });

  it('rejects a scale that does not broadcast, naming the parameters', () => {
    expect(() => new DiagonalNormal({ loc: tf.zeros([3, 2]), scale: tf.ones([3]) })).toThrow(
      /DiagonalNormal loc and scale: shapes \[3, 2\] and \[3\] do not broadcast/,
    );
  });

  it('logProb rejects a value with the wrong event size', () => {
    const q = new StandardNormal({ dim: 3 });
    expect(() => q.logProb(tf.zeros([2]))).toThrow(/value must have event shape \[3\]/);
    q.dispose();
  });
});

describe('DiagonalNormal parameter checks', () => {
  const loc = () => tf.zeros([2, 3]);
  const scaleWith = (bad: number) => tf.tensor([1, 2, 3, 4, bad, 6], [2, 3]);

  it('rejects a constant scale of 0, negative, NaN or infinite, naming scale, the value and the range', () => {
    for (const bad of [0, -1, -0, Number.NaN, Number.POSITIVE_INFINITY]) {
      tf.tidy(() => {
        expect(() => new DiagonalNormal({ loc: loc(), scale: scaleWith(bad) })).toThrow(
          `scale must be finite and > 0 (sigma in (0, Infinity)), got ${bad} (element 4)`,
        );
        expect(() => new DiagonalNormal({ loc: loc(), scale: tf.scalar(bad) })).toThrow(
          `scale must be finite and > 0 (sigma in (0, Infinity)), got ${bad}`,
        );
      });
    }
  });

  it('rejects a constant loc that is NaN or infinite, naming loc', () => {
    for (const bad of [Number.NaN, Number.NEGATIVE_INFINITY]) {
      tf.tidy(() => {
        expect(() => new DiagonalNormal({ loc: tf.tensor([0, bad]), scale: tf.ones([2]) })).toThrow(
          `loc must be finite (mu in (-Infinity, Infinity)), got ${bad} (element 1)`,
        );
      });
    }
  });

  it('fromLogVariance rejects a log-variance whose scale is 0 or Infinity in float32, naming logVariance, without leaks', async () => {
    for (const bad of [-300, -208, 178, Number.NaN, Number.POSITIVE_INFINITY]) {
      const lv = tf.tensor([0, bad]);
      const l = tf.zeros([2]);
      await expectNoLeaks(() => {
        expect(() => DiagonalNormal.fromLogVariance(l, lv)).toThrow(
          /^logVariance must be finite with exp\(logVariance \/ 2\) a positive finite float32 \(about -207 < logVariance < 177\), got .* \(element 1\)$/,
        );
      });
      tf.dispose([lv, l]);
    }
    // The ends of the range are fine.
    tf.tidy(() => {
      const q = DiagonalNormal.fromLogVariance(tf.zeros([2]), tf.tensor([-207, 177]));
      expect(Array.from(q.scale.dataSync()).every((v) => v > 0 && Number.isFinite(v))).toBe(true);
    });
  });

  it('accepts ordinary and extreme valid parameters', () => {
    tf.tidy(() => {
      const q = new DiagonalNormal({
        loc: tf.tensor([-3e38, 0, 3e38]),
        scale: tf.tensor([1e-45, 1, 3e38]),
      });
      expect(q.batchShape).toEqual([]);
    });
  });

  it("validateArgs: false reads and checks nothing (a network's outputs), and detached() does not re-read", () => {
    tf.tidy(() => {
      const scale = tf.tensor([0, -1]);
      const spy = vi.spyOn(scale, 'dataSync');
      const q = new DiagonalNormal({ loc: tf.zeros([2]), scale, validateArgs: false });
      expect(spy).not.toHaveBeenCalled();
      expect(Number.isNaN(q.logProb(tf.zeros([2])).dataSync()[0])).toBe(true);
      const ok = tf.tensor([1, 2]);
      const checked = new DiagonalNormal({ loc: tf.zeros([2]), scale: ok });
      const spyOk = vi.spyOn(ok, 'dataSync');
      checked.detached();
      expect(spyOk).not.toHaveBeenCalled();
    });
  });

  it('reads nothing and checks nothing inside a gradient scope (documented: NaN flows through)', () => {
    tf.tidy(() => {
      const x = tf.tensor([0.5, 0.5]);
      const outside = tf.tensor([1, 1]);
      const spyOutside = vi.spyOn(outside, 'dataSync');
      new DiagonalNormal({ loc: tf.zeros([2]), scale: outside });
      expect(spyOutside).toHaveBeenCalled();
      let spyInside: ReturnType<typeof vi.spyOn> | undefined;
      const g = tf.grad((s: tf.Tensor) => {
        spyInside = vi.spyOn(s, 'dataSync');
        return new DiagonalNormal({ loc: tf.zeros([2]), scale: s }).logProb(x);
      })(tf.tensor([-1, 2]));
      expect(spyInside).not.toHaveBeenCalled();
      const grad = g.dataSync();
      // d/dsigma log N(x; 0, sigma^2) = -1/sigma + x^2/sigma^3: finite for sigma = -1 (the log of
      // a negative scale is NaN in the value, not in this gradient), so no error is raised.
      expect(grad[1]).toBeCloseTo(-0.5 + 0.25 / 8, 6);
      const lp = tf.tidy(() => {
        let value: tf.Tensor | undefined;
        tf.grad((s: tf.Tensor) => {
          value = new DiagonalNormal({ loc: tf.zeros([2]), scale: s }).logProb(x);
          return tf.keep(value);
        })(tf.tensor([0, 1]));
        return value!;
      });
      expect(Number.isNaN(lp.dataSync()[0]!) || !Number.isFinite(lp.dataSync()[0]!)).toBe(true);
      lp.dispose();
    });
  });
});

interface GaussianRow {
  kind: string;
  m1: number;
  s1: number;
  m2: number;
  s2: number;
  kl: string;
}

const GAUSSIAN_ROWS = gaussianGolden.rows as GaussianRow[];

/** The largest finite float32: a larger reference value is `Infinity` in float32. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** Relative error, 0 when equal (including equal infinities, and float32 overflow to Infinity). */
function relError(actual: number, expected: number): number {
  if (actual === expected) return 0;
  if (actual === Number.POSITIVE_INFINITY && expected > FLOAT32_MAX) return 0;
  return Math.abs(actual - expected) / Math.abs(expected);
}

/**
 * Largest relative error of the per-dimension KLs `kl(p, q)` over `rows` (each a one-dimensional
 * pair) against the mpmath values; values below float32's smallest normal count as exact when
 * the result is within 1e-38 of them.
 */
function worstRelativeError(
  rows: readonly GaussianRow[],
  kl: (p: DiagonalNormal, q: DiagonalNormal) => tf.Tensor,
): { worst: number; at: string } {
  return tf.tidy(() => {
    const p = new DiagonalNormal({
      loc: tf.tensor(rows.map((r) => [r.m1])),
      scale: tf.tensor(rows.map((r) => [r.s1])),
    });
    const q = new DiagonalNormal({
      loc: tf.tensor(rows.map((r) => [r.m2])),
      scale: tf.tensor(rows.map((r) => [r.s2])),
    });
    const got = kl(p, q).dataSync();
    let worst = 0;
    let at = '';
    rows.forEach((r, i) => {
      const expected = Number(r.kl);
      const err =
        Math.abs(got[i]! - expected) <= 1e-38 && Math.abs(expected) < 1e-37
          ? 0
          : relError(got[i]!, expected);
      if (!Number.isNaN(worst) && !(err <= worst)) {
        worst = err;
        at = `m1 ${r.m1} s1 ${r.s1} m2 ${r.m2} s2 ${r.s2}: got ${got[i]}, expected ${expected}`;
      }
    });
    return { worst, at };
  });
}

describe('Gaussian KLs against mpmath (near-equal scales, ordinary values, extremes)', () => {
  // Measured worst relative error, wasm and cpu alike: 3.6e-7 (6 units of 2^-24) for
  // DiagonalNormal || DiagonalNormal, 1.9e-7 for DiagonalNormal || StandardNormal; the TSDoc
  // states 4e-7. The defining form is off by 100% at s1 = 1.0001 s2.
  const RTOL = 4e-7;

  it('KL(DiagonalNormal || DiagonalNormal) keeps its relative accuracy at s1 = s2 (1 +- 1e-7 ... 1e-1)', () => {
    const rows = GAUSSIAN_ROWS.filter((r) => r.kind === 'near-equal');
    expect(rows.length).toBe(140);
    const { worst, at } = worstRelativeError(rows, klDiagonalNormalDiagonalNormal);
    expect(worst, at).toBeLessThanOrEqual(RTOL);
  });

  it('KL(DiagonalNormal || DiagonalNormal) at ordinary values and scales 1e-30, 1e30 (no NaN, no overflow of s1/s2)', () => {
    const rows = GAUSSIAN_ROWS.filter((r) => r.kind !== 'near-equal');
    const { worst, at } = worstRelativeError(rows, klDiagonalNormalDiagonalNormal);
    expect(worst, at).toBeLessThanOrEqual(RTOL);
  });

  it('KL(DiagonalNormal || StandardNormal) keeps its relative accuracy at sigma = 1 +- 1e-7 ... 1e-1', () => {
    const rows = GAUSSIAN_ROWS.filter((r) => r.m2 === 0 && r.s2 === 1);
    expect(rows.length).toBeGreaterThan(30);
    const { worst, at } = worstRelativeError(rows, (p) =>
      klDiagonalNormalStandardNormal(p, new StandardNormal({ dim: 1 })),
    );
    expect(worst, at).toBeLessThanOrEqual(RTOL);
  });

  it.runIf(process.env.VAEKIT_TEST_BACKEND === 'wasm')(
    "on wasm, vaekit's fused kernel (standard-normal-kl) computes KL(DiagonalNormal || StandardNormal), exactly rounded: within 6e-8 of mpmath",
    () => {
      // @vaekit/backend registers the kernel under the name this package looks for.
      expect(tf.getKernel(STANDARD_NORMAL_KL_KERNEL, 'wasm')).toBeDefined();
      const rows = GAUSSIAN_ROWS.filter((r) => r.m2 === 0 && r.s2 === 1);
      const { worst, at } = worstRelativeError(rows, (p) =>
        klDiagonalNormalStandardNormal(p, new StandardNormal({ dim: 1 })),
      );
      // Float32's own rounding is up to 2^-24 = 6.0e-8 relative; the chain of ops reaches 1.9e-7.
      expect(worst, at).toBeLessThanOrEqual(2 ** -24);
      // Broadcast parameters (one scale for every row) and the limits.
      tf.tidy(() => {
        const kl = klDiagonalNormalStandardNormal(
          new DiagonalNormal({
            loc: tf.tensor2d([[0], [3], [Number.POSITIVE_INFINITY]]),
            scale: tf.tensor1d([2]),
            validateArgs: false,
          }),
          new StandardNormal({ dim: 1 }),
        ).dataSync();
        const scalePart = (4 - 1) / 2 - Math.log(2);
        expect(Array.from(kl)).toEqual(
          [scalePart, scalePart + 4.5, Number.POSITIVE_INFINITY].map(Math.fround),
        );
        const limits = klDiagonalNormalStandardNormal(
          new DiagonalNormal({
            loc: tf.zeros([3, 1]),
            scale: tf.tensor2d([[1], [1e-45], [3e38]]),
            validateArgs: false,
          }),
          new StandardNormal({ dim: 1 }),
        ).dataSync();
        expect(limits[0]).toBe(0);
        expect(limits[1]).toBe(Math.fround(-Math.log(1.401298464324817e-45) - 0.5));
        expect(limits[2]).toBe(Number.POSITIVE_INFINITY);
      });
    },
  );

  it('the defining form would have failed this test (it computes 0 at sigma = 1.0001)', () => {
    const row = GAUSSIAN_ROWS.find((r) => r.kind === 'near-equal' && r.s2 === 1 && r.m1 === 0)!;
    tf.tidy(() => {
      const s = tf.scalar(Math.fround(1.0001));
      const naive = tf.mul(tf.sub(tf.square(s), tf.add(tf.log(tf.square(s)), 1)), 0.5);
      const exact = Number(
        GAUSSIAN_ROWS.find((r) => r.s1 === Math.fround(1 + 1e-4) && r.s2 === 1 && r.m1 === 0)!.kl,
      );
      expect(relError(naive.dataSync()[0]!, exact)).toBeGreaterThan(1e-2);
      expect(row).toBeDefined();
    });
  });

  it('the general KL has the exact gradient in all four parameters (float64 closed form), near-equal scales and extremes included', () => {
    // Per element, no broadcasting: d/dm1 = z/s2, d/dm2 = -z/s2, d/ds1 = (r^2 - 1)/s1,
    // d/ds2 = -(r^2 - 1 + z^2)/s2, with r = s1/s2 and z = (m1 - m2)/s2.
    const rows = [
      [0.3, 1.7, -0.2, 0.37],
      [0, 1 + 1e-6, 0, 1],
      [1e-3, 0.2 * (1 - 1e-5), 0, 0.2],
      [-2, 0.5, 1, 3],
      [5, 1e-30, 0, 1],
      [0, 1e-20, 0, 1e-20 * (1 + 1e-4)],
      [1e10, 2, -1e10, 1e5],
    ].map((r) => r.map(Math.fround) as [number, number, number, number]);
    tf.tidy(() => {
      const column = (j: number) =>
        tf.tensor2d(
          rows.map((r) => [r[j]!]),
          [rows.length, 1],
        );
      const grads = tf
        .grads((m1: tf.Tensor, s1: tf.Tensor, m2: tf.Tensor, s2: tf.Tensor) =>
          tf.sum(
            klDiagonalNormalDiagonalNormal(
              new DiagonalNormal({ loc: m1, scale: s1 }),
              new DiagonalNormal({ loc: m2, scale: s2 }),
            ),
          ),
        )([column(0), column(1), column(2), column(3)])
        .map((g) => g.dataSync());
      rows.forEach(([m1, s1, m2, s2], i) => {
        const z = (m1 - m2) / s2;
        const r2m1 = Math.expm1(2 * Math.log(s1 / s2));
        const expected = [z / s2, r2m1 / s1, -z / s2, -(r2m1 + z * z) / s2];
        // d/ds2 is a difference: a few roundings of its two terms, not of the result (row 3
        // cancels 0.972 against 1; so does differentiating the chain).
        const scale = [z / s2, r2m1 / s1, z / s2, (Math.abs(r2m1) + z * z) / s2];
        expected.forEach((e, j) => {
          expect(
            Math.abs(grads[j]![i]! - e),
            `row ${i} parameter ${j}: ${grads[j]![i]} vs ${e}`,
          ).toBeLessThanOrEqual(2e-6 * Math.abs(scale[j]!) + 1e-30);
        });
      });
    });
  });

  it("KL gradients sum over broadcast dimensions back to each parameter's shape", () => {
    const m1 = [0.3, -1.2, 2];
    const s1 = [0.5, 1.1, 2.5];
    const [m2, s2] = [0.4, 0.8];
    tf.tidy(() => {
      const [gm1, gs1, gm2, gs2] = tf.grads(
        (a: tf.Tensor, sa: tf.Tensor, b: tf.Tensor, sb: tf.Tensor) =>
          tf.sum(
            klDiagonalNormalDiagonalNormal(
              new DiagonalNormal({ loc: a, scale: sa }),
              new DiagonalNormal({ loc: b, scale: sb }),
            ),
          ),
      )([tf.tensor2d(m1, [3, 1]), tf.tensor2d(s1, [3, 1]), tf.tensor1d([m2]), tf.tensor1d([s2])]);
      expect([gm1!.shape, gs1!.shape, gm2!.shape, gs2!.shape]).toEqual([[3, 1], [3, 1], [1], [1]]);
      const z = m1.map((m) => (m - m2) / s2);
      const r2m1 = s1.map((s) => (s / s2) ** 2 - 1);
      expectAllClose(gm2!, [-z.reduce((t, v) => t + v / s2, 0)], { rtol: 1e-5 });
      expectAllClose(gs2!, [-z.reduce((t, v, i) => t + (r2m1[i]! + v * v) / s2, 0)], {
        rtol: 1e-5,
      });
      // One location for every row, per-row scales: the location's gradient sums the rows.
      const g = tf.grads((a: tf.Tensor, sa: tf.Tensor) =>
        tf.sum(
          klDiagonalNormalStandardNormal(
            new DiagonalNormal({ loc: a, scale: sa }),
            new StandardNormal({ dim: 1 }),
          ),
        ),
      )([tf.tensor1d([m2]), tf.tensor2d(s1, [3, 1])]);
      expect(g[0]!.shape).toEqual([1]);
      expectAllClose(g[0]!, [3 * m2], { rtol: 1e-6 });
      expectAllClose(
        g[1]!,
        s1.map((s) => s - 1 / s),
        { rtol: 1e-6 },
      );
    });
  });

  it('both KLs have the exact scale gradient (r^2 - 1)/s1 at near-equal scales, finite at 1e-30 (Infinity where the KL overflows)', () => {
    const s1 = [1 + 1e-6, 1 - 1e-5, 1 + 1e-3, 0.5, 3, 1e-30, 1e30].map(Math.fround);
    tf.tidy(() => {
      for (const s2 of [1, Math.fround(0.37)]) {
        const g = tf
          .grad((s: tf.Tensor) =>
            tf.sum(
              s2 === 1
                ? klDiagonalNormalStandardNormal(
                    new DiagonalNormal({ loc: tf.zeros([s1.length, 1]), scale: s }),
                    new StandardNormal({ dim: 1 }),
                  )
                : klDiagonalNormalDiagonalNormal(
                    new DiagonalNormal({ loc: tf.zeros([s1.length, 1]), scale: s }),
                    new DiagonalNormal({ loc: tf.zeros([1]), scale: tf.scalar(s2) }),
                  ),
            ),
          )(tf.tensor(s1, [s1.length, 1]))
          .dataSync();
        s1.forEach((s, i) => {
          const expected = Math.expm1(2 * Math.log(s / s2)) / s;
          if ((s / s2) ** 2 > FLOAT32_MAX) {
            // The KL itself (~r^2/2) overflows float32: value and gradient are Infinity, not NaN.
            expect(g[i], `s1 ${s} s2 ${s2}`).toBe(Number.POSITIVE_INFINITY);
          } else {
            expect(Math.abs(g[i]! - expected), `s1 ${s} s2 ${s2}`).toBeLessThanOrEqual(
              2e-6 * Math.abs(expected) + 1e-30,
            );
          }
        });
      }
    });
  });
});
