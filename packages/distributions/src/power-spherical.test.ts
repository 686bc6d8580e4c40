import * as tf from '@tensorflow/tfjs-core';
import {
  expectAllClose,
  expectFinite,
  expectNoLeaks,
  ksTest,
  normalSamples,
} from '@vaekit/test-utils';
import { describe, expect, it } from 'vitest';
import golden from './__fixtures__/power-spherical-golden.json';
import { HypersphericalUniform } from './hyperspherical-uniform';
import { klDivergence } from './kl';
import { PowerSpherical } from './power-spherical';
import functions from './special/__fixtures__/power-spherical.json';
import { logSphereSurfaceArea } from './special/log-sphere-surface-area';

/** Set VAEKIT_PRINT_ACCURACY=1 to print the measured errors, p-values and z-scores. */
const PRINT = Boolean(process.env.VAEKIT_PRINT_ACCURACY);

/** A float32-exact unit vector from a seeded normal draw. */
function unitVector(dim: number, seed: number): Float64Array {
  const v = normalSamples(dim, seed);
  const norm = Math.hypot(...v);
  return Float64Array.from(Float32Array.from(v.map((x) => x / norm)));
}

/** `e_1` or `-e_1` in R^d. */
function axis(dim: number, sign: 1 | -1): Float64Array {
  const v = new Float64Array(dim);
  v[0] = sign;
  return v;
}

/** The mpmath values of the log-normaliser, entropy, KL and its derivative at (d, kappa). */
function functionsAt(dim: number, kappa: number) {
  const f = functions.powerSpherical.find((g) => g.dim === dim && g.kappa === Math.fround(kappa));
  if (f === undefined)
    throw new Error(`no golden Power Spherical values at d ${dim}, kappa ${kappa}`);
  return f;
}

/**
 * `u = 1 - mu^T x` for each row of the float32 samples `x`, keeping its relative precision when
 * t is near 1: `u = ||x - t mu||^2 / (1 + t)` (since `1 - t^2 = ||x - t mu||^2` on the sphere).
 */
function oneMinusT(x: Float32Array, mu: Float64Array): Float64Array {
  const d = mu.length;
  const n = x.length / d;
  const u = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let t = 0;
    for (let j = 0; j < d; j++) t += mu[j]! * x[i * d + j]!;
    if (t <= 0.5) {
      u[i] = 1 - t;
      continue;
    }
    let s2 = 0;
    for (let j = 0; j < d; j++) s2 += (x[i * d + j]! - t * mu[j]!) ** 2;
    u[i] = s2 / (1 + t);
  }
  return u;
}

/**
 * The exact CDF of `u = 1 - t`, `P(U <= u) = I_{u/2}(beta, alpha)`: closed form for d = 3
 * (`1 - (1 - u/2)^(1 + kappa)`), else linear interpolation of the committed scipy values at ~400
 * quantiles (interpolation error < 3e-4, far below the KS critical values ~0.03 here), with the
 * `u^beta` behaviour of the Beta CDF below the first quantile.
 */
function referenceCdfU(dim: number, kappa: number): (u: number) => number {
  if (dim === 3) return (u) => -Math.expm1((1 + kappa) * Math.log1p(-Math.min(u, 2) / 2));
  const ref = golden.uCdf.find((c) => c.dim === dim && c.kappa === kappa);
  if (ref === undefined) throw new Error(`no reference CDF at d ${dim}, kappa ${kappa}`);
  const { u: us, cdf } = ref;
  const last = us.length - 1;
  const beta = (dim - 1) / 2;
  return (u) => {
    if (u <= us[0]!) return cdf[0]! * (u / us[0]!) ** beta;
    if (u >= us[last]!)
      return Math.min(1, cdf[last]! + ((1 - cdf[last]!) * (u - us[last]!)) / (2 - us[last]!));
    let a = 0;
    let b = last;
    while (b - a > 1) {
      const m = (a + b) >> 1;
      if (us[m]! <= u) a = m;
      else b = m;
    }
    return cdf[a]! + ((cdf[b]! - cdf[a]!) * (u - us[a]!)) / (us[b]! - us[a]!);
  };
}

/** Mean and standard error of the mean. */
function meanAndError(xs: ArrayLike<number>): { mean: number; se: number } {
  const n = xs.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += xs[i]!;
  m /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (xs[i]! - m) ** 2;
  return { mean: m, se: Math.sqrt(v / (n - 1) / n) };
}

/** A Power Spherical distribution from plain arrays. */
function ps(mu: ArrayLike<number>, kappa: number | tf.Tensor): PowerSpherical {
  return new PowerSpherical({
    meanDirection: tf.tensor(Float32Array.from(mu)),
    concentration: kappa,
  });
}

describe('PowerSpherical: construction', () => {
  it('rejects invalid parameters, naming the parameter and the valid range', () => {
    tf.tidy(() => {
      const mu = tf.tensor([0, 0, 1]);
      expect(
        () => new PowerSpherical({ meanDirection: tf.tensor([0, 0, 2]), concentration: 1 }),
      ).toThrow(
        /meanDirection must be unit-norm along its last axis \(\|norm - 1\| <= 0.001\), got a vector of norm 2/,
      );
      expect(() => new PowerSpherical({ meanDirection: tf.tensor([1]), concentration: 1 })).toThrow(
        /meanDirection must be of event size d >= 2/,
      );
      expect(
        () =>
          new PowerSpherical({ meanDirection: [0, 1] as unknown as tf.Tensor, concentration: 1 }),
      ).toThrow(/meanDirection must be a tensor of shape batchShape \+ \[d\]/);
      for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
        expect(() => new PowerSpherical({ meanDirection: mu, concentration: bad })).toThrow(
          /concentration must be finite and >= 0 \(kappa in \[0, Infinity\)\)/,
        );
      }
      expect(
        () => new PowerSpherical({ meanDirection: mu, concentration: tf.tensor([1, -0.5]) }),
      ).toThrow(/concentration must be finite and >= 0.*got -0.5/);
      expect(
        () =>
          new PowerSpherical({
            meanDirection: tf.tensor([
              [0, 1],
              [1, 0],
            ]),
            concentration: tf.ones([3]),
          }),
      ).toThrow(
        /PowerSpherical meanDirection batch shape and concentration: shapes \[2\] and \[3\] do not broadcast/,
      );
      expect(() => klDivergence(ps([0, 1], 1), new HypersphericalUniform({ dim: 3 }))).toThrow(
        /KL\(PowerSpherical \|\| HypersphericalUniform\) must be over the same dimension 3, got dimension 2/,
      );
      expect(
        new PowerSpherical({ meanDirection: tf.tensor([0, 0.6, 0.8005]), concentration: 1 }).dim,
      ).toBe(3);
    });
  });

  it('broadcasts the batch shape of meanDirection against concentration', () => {
    tf.tidy(() => {
      const mu = tf.tile(tf.tensor([[[1, 0, 0]]]), [2, 1, 1]);
      const q = new PowerSpherical({ meanDirection: mu, concentration: tf.tensor([1, 2, 3, 4]) });
      expect(q.batchShape).toEqual([2, 4]);
      expect(q.eventShape).toEqual([3]);
      expect(q.rsample([], { seed: 1 }).shape).toEqual([2, 4, 3]);
      expect(q.rsample([5], { seed: 1 }).shape).toEqual([5, 2, 4, 3]);
      expect(q.logProb(tf.tensor([0, 1, 0])).shape).toEqual([2, 4]);
      expect(q.entropy().shape).toEqual([2, 4]);
      expect(q.mean().shape).toEqual([2, 4, 3]);
      expect(q.meanResultantLength().shape).toEqual([2, 4]);
      expect(q.logNormalizer().shape).toEqual([2, 4]);
    });
  });
});

describe('PowerSpherical: densities against mpmath', () => {
  /** float32: the terms kappa log((1+t)/2) and log C each good to a few ulps of their size. */
  const tolerance = (lp: number, kappa: number) => 1e-5 + 4e-7 * (Math.abs(lp) + 2 * kappa);

  it('logProb matches float64 golden values (dense vectors, d = 2 ... 10, kappa = 0 ... 1e5)', () => {
    let worst = 0;
    for (const g of golden.logProbDense) {
      tf.tidy(() => {
        const lp = ps(g.mu, g.kappa).logProb(tf.tensor(g.z)).dataSync()[0]!;
        const err = Math.abs(lp - g.logProb);
        worst = Math.max(worst, err / tolerance(g.logProb, g.kappa));
        expect(err, `d ${g.dim} kappa ${g.kappa}: ${lp} vs ${g.logProb}`).toBeLessThanOrEqual(
          tolerance(g.logProb, g.kappa),
        );
      });
    }
    if (PRINT) console.log(`logProb (dense): worst error / tolerance ${worst.toFixed(3)}`);
  });

  it('logProb matches float64 golden values (mu = +-e1, d = 2 ... 4096, kappa = 0 ... 1e6, t to -0.999)', () => {
    let worstRel = 0;
    for (const g of golden.logProbSparse) {
      tf.tidy(() => {
        const mu = new Float32Array(g.dim);
        const z = new Float32Array(g.dim);
        for (const [i, v] of g.muSparse) mu[i!] = v!;
        for (const [i, v] of g.zSparse) z[i!] = v!;
        const lp = ps(mu, g.kappa).logProb(tf.tensor(z)).dataSync()[0]!;
        // Here t is exact (the golden values use the same float32 t), so the error is that of
        // the float32 evaluation alone: relative to |log p| + kappa |log((1+t)/2)|.
        const t = g.muSparse[0]![1]! * g.zSparse[0]![1]!;
        const scale = Math.abs(g.logProb) + g.kappa * Math.abs(Math.log((1 + t) / 2)) + 1;
        worstRel = Math.max(worstRel, Math.abs(lp - g.logProb) / scale);
        expect(
          Math.abs(lp - g.logProb),
          `d ${g.dim} kappa ${g.kappa} t ${t}: ${lp} vs ${g.logProb}`,
        ).toBeLessThanOrEqual(5e-7 * scale);
      });
    }
    if (PRINT)
      console.log(`logProb (sparse): worst error / (|lp| + kappa |log((1+t)/2)| + 1) ${worstRel}`);
  });

  it('the d = 3 normaliser has its closed form C = 2 pi 2^(kappa+1) / (kappa + 1)', () => {
    // In d = 3, t = mu^T x has density (1 + t)^kappa 2 pi / C on [-1, 1] (Archimedes).
    const kappas = [0, 1e-8, 0.5, 3, 10, 1000, 1e5];
    tf.tidy(() => {
      const q = ps([0, 0, 1], tf.tensor(kappas));
      const got = q.logNormalizer().dataSync();
      kappas.forEach((k, i) => {
        const k32 = Math.fround(k);
        const exact = Math.log(2 * Math.PI) + (k32 + 1) * Math.LN2 - Math.log1p(k32);
        expect(Math.abs(got[i]! - exact), `kappa ${k}`).toBeLessThanOrEqual(
          3e-7 * (Math.abs(exact) + k32),
        );
      });
    });
  });

  it('the density integrates to 1 over the sphere (d = 2, 3, 10, 64; kappa = 0 ... 1000)', () => {
    // int_{S^{d-1}} p = int_0^pi p(cos th) |S^{d-2}| sin(th)^(d-2) d th, by Simpson's rule on
    // [0, th_max] (th_max: where the mass beyond is < 1e-12) with float32 log-densities.
    const results: string[] = [];
    for (const dim of [2, 3, 10, 64]) {
      for (const kappa of [0, 0.5, 10, 1000]) {
        const logSurface = dim === 2 ? Math.log(2) : logSphereSurfaceArea(dim - 1);
        const thMax = Math.min(Math.PI, 12 * Math.sqrt((dim + 2) / Math.max(kappa, 1e-9)));
        const m = 4000;
        const h = thMax / m;
        const th = Float64Array.from({ length: m + 1 }, (_, i) => i * h);
        const x = new Float32Array((m + 1) * dim);
        th.forEach((a, i) => {
          x[i * dim] = Math.cos(a);
          x[i * dim + 1] = Math.sin(a);
        });
        const lp = tf.tidy(() =>
          ps(axis(dim, 1), kappa)
            .logProb(tf.tensor2d(x, [m + 1, dim]))
            .dataSync(),
        );
        let total = 0;
        th.forEach((a, i) => {
          const w = i === 0 || i === m ? 1 : i % 2 === 1 ? 4 : 2;
          const sin = Math.sin(a);
          const f = dim === 2 ? 1 : sin === 0 ? 0 : Math.exp((dim - 2) * Math.log(sin));
          total += w * Math.exp(lp[i]! + logSurface) * f;
        });
        total *= h / 3;
        results.push(`d ${dim} kappa ${kappa}: ${total}`);
        expect(Math.abs(total - 1), results[results.length - 1]).toBeLessThan(1e-4);
      }
    }
    if (PRINT) console.log(results.join('\n'));
  });

  it('entropy, mean, KL to the uniform and log C match mpmath', () => {
    for (const dim of [2, 3, 5, 64, 4096]) {
      for (const kappa of [0, 1e-8, 0.5, 10, 1000, 1e5, 1e6]) {
        tf.tidy(() => {
          const f = functionsAt(dim, kappa);
          const q = ps(axis(dim, -1), tf.scalar(kappa));
          const h = q.entropy().dataSync()[0]!;
          expect(
            Math.abs(h - f.entropy),
            `entropy d ${dim} kappa ${kappa}: ${h}`,
          ).toBeLessThanOrEqual(3e-7 * Math.abs(f.entropy) + 1e-6 * f.klToUniform + 1e-8);
          const kl = klDivergence(q, new HypersphericalUniform({ dim })).dataSync()[0]!;
          expect(
            Math.abs(kl - f.klToUniform),
            `KL d ${dim} kappa ${kappa}: ${kl}`,
          ).toBeLessThanOrEqual(1e-6 * f.klToUniform + 2e-9);
          expect(kl).toBeGreaterThanOrEqual(0);
          const lc = q.logNormalizer().dataSync()[0]!;
          expect(Math.abs(lc - f.logNormalizer)).toBeLessThanOrEqual(
            3e-7 * (Math.abs(f.logNormalizer) + Math.fround(kappa)) + 1e-8,
          );
          expectAllClose(q.meanResultantLength(), [f.meanResultantLength], {
            rtol: 1e-6,
            atol: 1e-12,
          });
          expectAllClose(tf.slice(q.mean(), 0, 2), [-f.meanResultantLength, 0], {
            rtol: 1e-6,
            atol: 1e-12,
          });
        });
      }
    }
  });
});

/**
 * The sampler's statistics do not depend on the backend (the Beta draw runs on the host in
 * float64; the backend only reflects it into place), and at d = 1000 the plain-JavaScript cpu
 * backend takes tens of seconds per case: those cases run on wasm, cpu checks the rest.
 */
const ON_WASM = process.env.VAEKIT_TEST_BACKEND === 'wasm';

describe('PowerSpherical: sampling', () => {
  describe('KS test of u = 1 - mu^T x against the exact Beta CDF', () => {
    const pValues: string[] = [];
    for (const dim of [2, 3, 10, 100, 1000]) {
      it.runIf(dim < 1000 || ON_WASM)(
        `d = ${dim}, kappa in {0, 0.5, 10, 1000, 1e5}: p > 0.001`,
        () => {
          const n = dim >= 1000 ? 2000 : 4000;
          const mu = unitVector(dim, 100 + dim);
          for (const kappa of [0, 0.5, 10, 1000, 1e5]) {
            const x = tf.tidy(() =>
              ps(mu, kappa).sample(n, { seed: 1000 + dim + Math.round(Math.log1p(kappa) * 7) }),
            );
            const u = oneMinusT(x.dataSync() as Float32Array, mu);
            x.dispose();
            const { statistic, pValue } = ksTest(u, referenceCdfU(dim, kappa));
            pValues.push(
              `d=${dim} kappa=${kappa}: D=${statistic.toFixed(4)} p=${pValue.toFixed(3)}`,
            );
            expect(pValue, pValues[pValues.length - 1]).toBeGreaterThan(0.001);
          }
          if (PRINT && dim === 1000) console.log(pValues.join('\n'));
        },
      );
    }
  });

  it('the KS test can fail: samples of kappa = 10 against the CDF of kappa = 11', () => {
    const dim = 10;
    const mu = unitVector(dim, 3);
    const x = tf.tidy(() => ps(mu, 10).sample(4000, { seed: 5 }));
    const u = oneMinusT(x.dataSync() as Float32Array, mu);
    x.dispose();
    // The closed form at d = 3 is not available for d = 10: compare with d = 10, kappa = 10
    // shifted by a 10% scale of u, which is what a sampler with kappa off by 10% would give.
    const cdf = referenceCdfU(dim, 10);
    expect(ksTest(u, (v) => cdf(v * 1.1)).pValue).toBeLessThan(1e-6);
  });

  it('has mean kappa/(kappa + d - 1) mu and E[log((1+t)/2)] = psi(alpha) - psi(alpha + beta), per batch element', () => {
    const dim = 5;
    const kappas = [0, 0.5, 10, 100, 1000];
    const n = 4000;
    const mu = unitVector(dim, 11);
    const [t, logHalf] = tf.tidy(() => {
      const muT = tf.tensor(Float32Array.from(mu));
      const x = ps(mu, tf.tensor(kappas)).sample(n, { seed: 5 });
      const w = tf.sum(tf.mul(x, muT), -1);
      return [
        w.arraySync() as number[][],
        tf.log(tf.div(tf.add(w, 1), 2)).arraySync() as number[][],
      ];
    });
    kappas.forEach((kappa, b) => {
      const f = functionsAt(dim, kappa);
      for (const [what, rows, exact] of [
        ['E[t]', t, f.meanResultantLength],
        ['E[log((1+t)/2)]', logHalf, f.meanLogHalfOnePlusT],
      ] as const) {
        const { mean, se } = meanAndError(rows.map((r) => r[b]!));
        expect(
          Math.abs(mean - exact),
          `${what} kappa ${kappa}: ${mean} vs ${exact} (se ${se})`,
        ).toBeLessThan(4.5 * se + 1e-6);
      }
    });
  });

  it('closed-form entropy and KL match Monte Carlo means of -log p and log p + log|S| (5 standard errors)', () => {
    const zs: string[] = [];
    for (const dim of [2, 3, 16, 64]) {
      for (const kappa of [0.5, 10, 1000]) {
        tf.tidy(() => {
          const q = ps(unitVector(dim, dim), kappa);
          const lp = q.logProb(q.sample(4000, { seed: 21 })).dataSync();
          const { mean, se } = meanAndError(Float64Array.from(lp, (v) => -v));
          const h = q.entropy().dataSync()[0]!;
          const kl = klDivergence(q, new HypersphericalUniform({ dim })).dataSync()[0]!;
          const f = functionsAt(dim, kappa);
          expect(Math.abs(h - f.entropy)).toBeLessThan(1e-5 * (1 + Math.abs(f.entropy)));
          zs.push(`d ${dim} kappa ${kappa}: z = ${((mean - h) / se).toFixed(2)}`);
          expect(
            Math.abs(mean - h),
            `entropy d ${dim} kappa ${kappa}: MC ${mean} vs ${h}`,
          ).toBeLessThan(5 * se + 1e-5 * (1 + Math.abs(h)));
          // KL = E[log p] + log|S^{d-1}|: the same draws, shifted.
          const logArea = logSphereSurfaceArea(dim);
          expect(Math.abs(-mean + logArea - kl), `KL d ${dim} kappa ${kappa}`).toBeLessThan(
            5 * se + 1e-5 * (1 + Math.abs(h)),
          );
        });
      }
    }
    if (PRINT) console.log(`entropy vs Monte Carlo:\n${zs.join('\n')}`);
  });

  it('is reproducible from the seed; sample() equals rsample(); other seeds and no seed differ', () => {
    tf.tidy(() => {
      const q = new PowerSpherical({
        meanDirection: tf.tensor([
          [0.6, 0, 0.8],
          [0, -1, 0],
        ]),
        concentration: tf.tensor([3, 300]),
      });
      const a = q.rsample([5], { seed: 42 }).dataSync();
      expect(q.rsample([5], { seed: 42 }).dataSync()).toEqual(a);
      expect(q.sample([5], { seed: 42 }).dataSync()).toEqual(a);
      expect(q.rsample([5], { seed: 0 }).dataSync()).not.toEqual(a);
      expect(q.rsample([5], { seed: 43 }).dataSync()).not.toEqual(a);
      expect(q.rsample([5]).dataSync()).not.toEqual(a);
    });
  });

  it("a batch element's draws do not depend on the other elements' concentrations", () => {
    tf.tidy(() => {
      const mu = tf.tensor([
        [1, 0, 0],
        [0, 1, 0],
      ]);
      const a = new PowerSpherical({ meanDirection: mu, concentration: tf.tensor([3, 7]) });
      const b = new PowerSpherical({ meanDirection: mu, concentration: tf.tensor([3, 700]) });
      const xa = a.sample([4], { seed: 9 }).arraySync() as number[][][];
      const xb = b.sample([4], { seed: 9 }).arraySync() as number[][][];
      for (let i = 0; i < 4; i++) {
        expect(xb[i]![0]).toEqual(xa[i]![0]);
        expect(xb[i]![1]).not.toEqual(xa[i]![1]);
      }
    });
  });

  it('points the right way when mu is within 1e-4 of e1 (float32 cancellation in e1 - mu)', () => {
    // mu = (1, 1e-4, 0)/norm: 1 - mu_1 = 5e-9 is 0 in float32, yet mu_2 = 1e-4. A reflection built
    // from the rounded e1 - mu would map e1 to e1, putting E[x_2] at 0 instead of 1e-4 m (14 se).
    const kappa = 1e6;
    const n = 4000;
    tf.tidy(() => {
      const mu = tf.tensor([1, 1e-4, 0]);
      const q = new PowerSpherical({ meanDirection: mu, concentration: kappa });
      const x = q.sample(n, { seed: 17 }).arraySync() as number[][];
      const m = kappa / (kappa + 2);
      for (const j of [1, 2]) {
        const { mean, se } = meanAndError(x.map((r) => r[j]!));
        const exact = j === 1 ? 1e-4 * m : 0;
        expect(
          Math.abs(mean - exact),
          `coordinate ${j}: ${mean} vs ${exact} (se ${se})`,
        ).toBeLessThan(5 * se);
      }
    });
  });
});

describe('PowerSpherical: finite at the extremes', () => {
  it('samples, log-densities, KL and gradients are finite at mu = +-e1, kappa in {0, 1e-8, 1e6}, d in {2, 3, 4096}', () => {
    for (const dim of [2, 3, 4096]) {
      for (const sign of [1, -1] as const) {
        for (const kappa of [0, 1e-8, 1e6]) {
          tf.tidy(() => {
            const what = `d ${dim} mu ${sign}e1 kappa ${kappa}`;
            const mu = tf.tensor(Float32Array.from(axis(dim, sign)));
            const k = tf.scalar(kappa);
            const loss = (m: tf.Tensor, kk: tf.Tensor) => {
              const q = new PowerSpherical({ meanDirection: m, concentration: kk });
              const z = q.rsample(4, { seed: 7 });
              const kl = klDivergence(q, new HypersphericalUniform({ dim }));
              return tf.add(
                tf.add(tf.sum(q.logProb(z)), tf.sum(z)),
                tf.add(tf.sum(kl), tf.sum(q.entropy())),
              );
            };
            const q = new PowerSpherical({ meanDirection: mu, concentration: k });
            const z = q.rsample(16, { seed: 3 });
            expectFinite(z, `${what} z`);
            const norms = tf.sqrt(tf.sum(tf.square(z), -1));
            expectAllClose(norms, tf.onesLike(norms), {
              rtol: 0,
              atol: 1e-6 * (1 + Math.sqrt(dim)),
            });
            expectFinite(q.logProb(z), `${what} logProb`);
            expectFinite(q.entropy(), `${what} entropy`);
            expectFinite(q.mean(), `${what} mean`);
            expectFinite(loss(mu, k), `${what} loss`);
            const [gMu, gKappa] = tf.grads(loss)([mu, k]);
            expectFinite(gMu!, `${what} d/dmu`);
            expectFinite(gKappa!, `${what} d/dkappa`);
            if (kappa === 1e6) {
              // Concentrated: E[1 - t] = 2 beta / (kappa + 2 beta) = (d - 1) / (kappa + d - 1).
              const t = tf.sum(tf.mul(z, mu), -1).dataSync();
              for (const v of t) expect(v).toBeGreaterThan(dim === 4096 ? 0.99 : 0.9999);
            }
          });
        }
      }
    }
  });

  it('logProb is finite (and 0 * log 0 = 0) at x = -mu, for kappa = 0 and kappa > 0', () => {
    tf.tidy(() => {
      const mu = tf.tensor([0, 1, 0]);
      const x = tf.tensor([0, -1, 0]);
      const lp0 = ps([0, 1, 0], 0).logProb(x).dataSync()[0]!;
      expect(lp0).toBeCloseTo(-Math.log(4 * Math.PI), 5);
      const grad = tf.grads((m: tf.Tensor, k: tf.Tensor, v: tf.Tensor) =>
        new PowerSpherical({ meanDirection: m, concentration: k }).logProb(v),
      );
      for (const kappa of [0, 1e-8, 2]) {
        const lp = ps([0, 1, 0], kappa).logProb(x);
        expectFinite(lp);
        grad([mu, tf.scalar(kappa), x]).forEach((g) => {
          expectFinite(g);
        });
      }
    });
  });
});

describe('PowerSpherical: gradients', () => {
  /**
   * Per-sample derivatives: a batch of n identical distributions (kappa of shape [n]), one draw
   * each; the gradient of sum_i f(x_i) in kappa_i is d f(x_i) / d kappa.
   */
  function perSampleKappaGradient(
    dim: number,
    kappa: number,
    n: number,
    f: (x: tf.Tensor, mu: tf.Tensor) => tf.Tensor,
    seed: number,
  ): Float32Array {
    return tf.tidy(() => {
      const mu = tf.tensor(Float32Array.from(unitVector(dim, dim)));
      const grad = tf.grad((k: tf.Tensor) => {
        const q = new PowerSpherical({ meanDirection: mu, concentration: k });
        return tf.sum(f(q.rsample([], { seed }), mu));
      });
      return grad(tf.fill([n], kappa)).dataSync() as Float32Array;
    });
  }

  const cosine = (x: tf.Tensor, mu: tf.Tensor) => tf.sum(tf.mul(x, mu), -1);
  const logHalf = (x: tf.Tensor, mu: tf.Tensor) => tf.log(tf.div(tf.add(cosine(x, mu), 1), 2));

  function checkKappaGradients(cases: (readonly [number, number])[]): void {
    const zs: string[] = [];
    for (const [dim, kappa] of cases) {
      const f = functionsAt(dim, kappa);
      const exactT = (dim - 1) / (Math.fround(kappa) + dim - 1) ** 2;
      // d/dkappa E[log((1+t)/2)] = d/dkappa (psi(alpha) - psi(alpha + beta)) = Tpsi = KL' / kappa.
      const exactLog = f.klDerivative / Math.fround(kappa);
      for (const [name, fn, exact] of [
        ['t', cosine, exactT],
        ['log((1+t)/2)', logHalf, exactLog],
      ] as const) {
        const { mean, se } = meanAndError(perSampleKappaGradient(dim, kappa, 2000, fn, 17 + dim));
        const z = (mean - exact) / se;
        zs.push(`d ${dim} kappa ${kappa} f=${name}: z = ${z.toFixed(2)}`);
        expect(
          Math.abs(mean - exact),
          `d ${dim} kappa ${kappa} f=${name}: ${mean} vs ${exact} (se ${se})`,
        ).toBeLessThan(4.5 * se + 1e-5 * Math.abs(exact));
      }
    }
    if (PRINT) console.log(`kappa gradients (z-scores):\n${zs.join('\n')}`);
  }

  it("d/dkappa E[mu^T x] = (d - 1)/(kappa + d - 1)^2 and d/dkappa E[log((1+t)/2)] = psi'(alpha) - psi'(alpha + beta)", () => {
    checkKappaGradients(
      [2, 3, 5, 16, 64].flatMap((dim) =>
        [0.01, 0.5, 10, 100, 1000, 1e5].map((kappa) => [dim, kappa] as const),
      ),
    );
  });

  it.runIf(ON_WASM)('the same kappa gradients at d = 1000 (kappa 10 and 1e5)', () => {
    checkKappaGradients([
      [1000, 10],
      [1000, 1e5],
    ]);
  });

  it('sums the gradient over samples and broadcast batch elements to the shape of kappa', () => {
    tf.tidy(() => {
      const mu = tf.tensor([
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ]);
      const g = tf.grad((k: tf.Tensor) => {
        const q = new PowerSpherical({ meanDirection: mu, concentration: k });
        return tf.sum(q.rsample([4, 2], { seed: 1 }));
      });
      expect(g(tf.scalar(2)).shape).toEqual([]);
      expect(g(tf.tensor([[2], [3], [4]])).shape).toEqual([3, 1]);
      const perElement = g(tf.tensor([2, 2, 2])).dataSync();
      const total = g(tf.scalar(2)).dataSync()[0]!;
      expect(total).toBeCloseTo(perElement[0]! + perElement[1]! + perElement[2]!, 5);
    });
  });

  it('d/dmu E[a^T x] = kappa/(kappa + d - 1) a', () => {
    for (const dim of [2, 3, 5, 16, 64]) {
      for (const kappa of [1, 10]) {
        tf.tidy(() => {
          const n = 2000;
          const mu = unitVector(dim, 7 * dim);
          const a = unitVector(dim, 11 * dim);
          const grad = tf.grad((m: tf.Tensor) => {
            const q = new PowerSpherical({ meanDirection: m, concentration: kappa });
            return tf.sum(tf.mul(q.rsample([], { seed: 23 }), tf.tensor(Float32Array.from(a))));
          });
          const g = grad(
            tf.tile(tf.tensor2d(Float32Array.from(mu), [1, dim]), [n, 1]),
          ).arraySync() as number[][];
          const m = kappa / (kappa + dim - 1);
          for (let j = 0; j < dim; j++) {
            const { mean, se } = meanAndError(g.map((row) => row[j]!));
            expect(
              Math.abs(mean - m * a[j]!),
              `d ${dim} kappa ${kappa} coordinate ${j}`,
            ).toBeLessThan(4.5 * se + 1e-6);
          }
        });
      }
    }
  });
});

describe('PowerSpherical: detached and memory', () => {
  it('detached() stops the gradient of logProb in both parameters but not in the value', () => {
    tf.tidy(() => {
      const mu = tf.tensor([0, 0.6, 0.8]);
      const kappa = tf.scalar(3);
      const z = tf.tensor([0.6, 0, 0.8]);
      const [gMu, gKappa, gZ] = tf.grads((m: tf.Tensor, k: tf.Tensor, v: tf.Tensor) =>
        new PowerSpherical({ meanDirection: m, concentration: k }).detached().logProb(v),
      )([mu, kappa, z]);
      expectAllClose(gMu!, [0, 0, 0]);
      expectAllClose(gKappa!, 0);
      // d/dz kappa log(1 + mu^T z) = kappa mu / (1 + mu^T z), mu^T z = 0.64.
      expectAllClose(gZ!, [0, (3 * 0.6) / 1.64, (3 * 0.8) / 1.64], { rtol: 1e-6 });
    });
  });

  it('leaks no tensors', async () => {
    const mu = tf.tensor([
      [0, 1, 0],
      [1, 0, 0],
    ]);
    const kappa = tf.tensor([2, 40]);
    const q = new PowerSpherical({ meanDirection: mu, concentration: kappa });
    const p = new HypersphericalUniform({ dim: 3 });
    await expectNoLeaks(() => [
      q.sample(3, { seed: 1 }),
      q.rsample([2, 2], { seed: 2 }),
      q.entropy(),
      q.mean(),
    ]);
    await expectNoLeaks(() => {
      const z = q.sample(3, { seed: 1 });
      const out = [q.logProb(z), klDivergence(q, p)];
      z.dispose();
      return out;
    });
    await expectNoLeaks(() => [q.meanResultantLength(), q.logNormalizer()]);
    await expectNoLeaks(() =>
      tf.grads((m: tf.Tensor, k: tf.Tensor) => {
        const r = new PowerSpherical({ meanDirection: m, concentration: k });
        return tf.add(tf.sum(r.logProb(r.rsample(4, { seed: 5 }))), tf.sum(klDivergence(r, p)));
      })([mu, kappa]),
    );
    await expectNoLeaks(() => {
      const d = q.detached();
      const out = d.rsample(2, { seed: 1 });
      d.dispose();
      return out;
    });
    mu.dispose();
    kappa.dispose();
  });
});
