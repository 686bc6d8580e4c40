import * as tf from '@tensorflow/tfjs-core';
import {
  expectAllClose,
  expectFinite,
  expectNoLeaks,
  ksTest,
  normalSamples,
} from '@vaekit/test-utils';
import { describe, expect, it } from 'vitest';
import golden from './__fixtures__/distributions-golden.json';
import tCdfs from './__fixtures__/vmf-t-cdf.json';
import hugeKappa from './special/__fixtures__/vmf-huge-kappa.json';
import { logSphereSurfaceArea } from './special/log-sphere-surface-area';
import { HypersphericalUniform } from './hyperspherical-uniform';
import { klDivergence } from './kl';
import { VonMisesFisher, type VonMisesFisherSampler } from './von-mises-fisher';

const SAMPLERS: VonMisesFisherSampler[] = ['inverse-cdf', 'wood'];

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

/** The mpmath values of A_d, A_d', log C_d, entropy and KL at (d, kappa). */
function functionsAt(dim: number, kappa: number) {
  const f = golden.vmfFunctions.find((g) => g.dim === dim && g.kappa === Math.fround(kappa));
  if (f === undefined) throw new Error(`no golden vMF functions at d ${dim}, kappa ${kappa}`);
  return f;
}

/**
 * `t = 1 - mu^T z` for each row of the float32 samples `z`, keeping its relative precision when
 * w is near 1: `t = ||z - w mu||^2 / (1 + w)` (since `1 - w^2 = ||z - w mu||^2` on the sphere).
 */
function oneMinusW(z: Float32Array, mu: Float64Array): Float64Array {
  const d = mu.length;
  const n = z.length / d;
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let w = 0;
    for (let j = 0; j < d; j++) w += mu[j]! * z[i * d + j]!;
    if (w <= 0.5) {
      t[i] = 1 - w;
      continue;
    }
    let s2 = 0;
    for (let j = 0; j < d; j++) s2 += (z[i * d + j]! - w * mu[j]!) ** 2;
    t[i] = s2 / (1 + w);
  }
  return t;
}

/**
 * The exact CDF of `t = 1 - w`: closed form for d = 3, else linear interpolation of the committed
 * QUADPACK reference (about 400 points that follow the mass; interpolation error < 3e-4, far
 * below the KS critical values ~0.03 at these sample sizes).
 */
function referenceCdfT(dim: number, kappa: number): (t: number) => number {
  if (dim === 3) {
    return kappa === 0 ? (t) => t / 2 : (t) => -Math.expm1(-kappa * t) / -Math.expm1(-2 * kappa);
  }
  const ref = tCdfs.find((c) => c.dim === dim && c.kappa === kappa);
  if (ref === undefined) throw new Error(`no reference CDF at d ${dim}, kappa ${kappa}`);
  const { t: ts, cdf } = ref;
  const last = ts.length - 1;
  return (t) => {
    if (t <= ts[0]!) return (cdf[0]! * t) / ts[0]!;
    if (t >= ts[last]!)
      return Math.min(1, cdf[last]! + ((1 - cdf[last]!) * (t - ts[last]!)) / (2 - ts[last]!));
    let a = 0;
    let b = last;
    while (b - a > 1) {
      const m = (a + b) >> 1;
      if (ts[m]! <= t) a = m;
      else b = m;
    }
    return cdf[a]! + ((cdf[b]! - cdf[a]!) * (t - ts[a]!)) / (ts[b]! - ts[a]!);
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

describe('VonMisesFisher: construction', () => {
  it('rejects invalid parameters, naming the parameter and the valid range', () => {
    tf.tidy(() => {
      const mu = tf.tensor([0, 0, 1]);
      expect(
        () => new VonMisesFisher({ meanDirection: tf.tensor([0, 0, 2]), concentration: 1 }),
      ).toThrow(
        /meanDirection must be unit-norm along its last axis \(\|norm - 1\| <= 0.001\), got a vector of norm 2/,
      );
      expect(
        () =>
          new VonMisesFisher({
            meanDirection: tf.tensor([
              [1, 0],
              [0.6, 0.79],
            ]),
            concentration: 1,
          }),
      ).toThrow(/meanDirection must be unit-norm.*got a vector of norm 0.99/);
      expect(() => new VonMisesFisher({ meanDirection: tf.tensor([1]), concentration: 1 })).toThrow(
        /meanDirection must be of event size d >= 2/,
      );
      for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
        expect(() => new VonMisesFisher({ meanDirection: mu, concentration: bad })).toThrow(
          /concentration must be finite and >= 0 \(kappa in \[0, Infinity\)\)/,
        );
      }
      expect(
        () => new VonMisesFisher({ meanDirection: mu, concentration: tf.tensor([1, -0.5]) }),
      ).toThrow(/concentration must be finite and >= 0.*got -0.5/);
      expect(
        () =>
          new VonMisesFisher({
            meanDirection: tf.tensor([
              [0, 1],
              [1, 0],
            ]),
            concentration: tf.ones([3]),
          }),
      ).toThrow(
        /VonMisesFisher meanDirection batch shape and concentration: shapes \[2\] and \[3\] do not broadcast/,
      );
      expect(
        () =>
          new VonMisesFisher({
            meanDirection: mu,
            concentration: 1,
            sampler: 'householder' as VonMisesFisherSampler,
          }),
      ).toThrow(/sampler must be one of 'inverse-cdf', 'wood', got 'householder'/);
      // Within the 1e-3 tolerance is accepted.
      expect(
        new VonMisesFisher({ meanDirection: tf.tensor([0, 0.6, 0.8005]), concentration: 1 }).dim,
      ).toBe(3);
    });
  });

  it('broadcasts the batch shape of meanDirection against concentration', () => {
    tf.tidy(() => {
      const a = new VonMisesFisher({
        meanDirection: tf.tensor([0, 0, 1]),
        concentration: tf.tensor([1, 2, 3, 4]),
      });
      expect(a.batchShape).toEqual([4]);
      expect(a.rsample(5, { seed: 1 }).shape).toEqual([5, 4, 3]);
      const mu = tf.tile(tf.tensor([[[1, 0, 0]]]), [2, 1, 1]);
      const b = new VonMisesFisher({ meanDirection: mu, concentration: tf.tensor([1, 2, 3, 4]) });
      expect(b.batchShape).toEqual([2, 4]);
      expect(b.eventShape).toEqual([3]);
      expect(b.rsample([], { seed: 1 }).shape).toEqual([2, 4, 3]);
      expect(b.logProb(tf.tensor([0, 1, 0])).shape).toEqual([2, 4]);
      expect(b.entropy().shape).toEqual([2, 4]);
      expect(b.mean().shape).toEqual([2, 4, 3]);
    });
  });
});

describe('VonMisesFisher: densities against mpmath', () => {
  it('logProb matches float64 golden values (d = 2 ... 4096, kappa = 0 ... 1e6, mu = +-e1)', () => {
    for (const g of golden.vonMisesFisher) {
      tf.tidy(() => {
        const mu = new Float32Array(g.dim);
        const z = new Float32Array(g.dim);
        if ('mu' in g && g.mu !== undefined) {
          mu.set(g.mu);
          z.set(g.z!);
        } else {
          for (const [i, v] of g.muSparse!) mu[i!] = v!;
          for (const [i, v] of g.zSparse!) z[i!] = v!;
        }
        const q = new VonMisesFisher({ meanDirection: tf.tensor(mu), concentration: g.kappa });
        const lp = q.logProb(tf.tensor(z)).dataSync()[0]!;
        // float32: the terms log C_d and kappa mu^T z are each good to a few ulps of their size.
        const tol = 1e-5 + 4e-7 * (Math.abs(g.logProb) + 2 * g.kappa);
        expect(
          Math.abs(lp - g.logProb),
          `d ${g.dim} kappa ${g.kappa}: ${lp} vs ${g.logProb}`,
        ).toBeLessThanOrEqual(tol);
      });
    }
  });

  it('entropy, mean, KL to the uniform, A_d and log C_d match mpmath', () => {
    for (const dim of [2, 3, 5, 64, 4096]) {
      for (const kappa of [0, 1e-8, 0.5, 10, 1000, 1e5, 1e6]) {
        tf.tidy(() => {
          const f = functionsAt(dim, kappa);
          const mu = axis(dim, -1);
          const q = new VonMisesFisher({
            meanDirection: tf.tensor(Float32Array.from(mu)),
            concentration: tf.scalar(kappa),
          });
          const scale = (x: number) =>
            2e-6 * (Math.abs(x) + kappa * (1 - f.meanResultantLength) + 1);
          const h = q.entropy().dataSync()[0]!;
          expect(
            Math.abs(h - f.entropy),
            `entropy d ${dim} kappa ${kappa}: ${h}`,
          ).toBeLessThanOrEqual(scale(f.entropy));
          const kl = klDivergence(q, new HypersphericalUniform({ dim })).dataSync()[0]!;
          expect(
            Math.abs(kl - f.klToUniform),
            `KL d ${dim} kappa ${kappa}: ${kl}`,
          ).toBeLessThanOrEqual(scale(f.klToUniform));
          expect(kl).toBeGreaterThanOrEqual(0);
          expectAllClose(q.meanResultantLength(), [f.meanResultantLength], {
            rtol: 1e-5,
            atol: 1e-7,
          });
          const lc = q.logNormalizer().dataSync()[0]!;
          expect(Math.abs(lc - f.logNormalizer)).toBeLessThanOrEqual(
            4e-7 * (Math.abs(f.logNormalizer) + kappa) + 1e-5,
          );
          const m = q.mean();
          expect(m.shape).toEqual([dim]);
          expectAllClose(tf.slice(m, 0, 2), [-f.meanResultantLength, 0], {
            rtol: 1e-5,
            atol: 1e-7,
          });
        });
      }
    }
  });
});

describe('VonMisesFisher: finite at the extremes', () => {
  it('samples, log-densities, KL and gradients are finite at mu = +-e1, kappa in {0, 1e-8, 1e6}, d in {2, 3, 4096}', () => {
    for (const sampler of SAMPLERS) {
      for (const dim of [2, 3, 4096]) {
        for (const sign of [1, -1] as const) {
          for (const kappa of [0, 1e-8, 1e6]) {
            tf.tidy(() => {
              const what = `${sampler} d ${dim} mu ${sign}e1 kappa ${kappa}`;
              const mu = tf.tensor(Float32Array.from(axis(dim, sign)));
              const k = tf.scalar(kappa);
              const loss = (m: tf.Tensor, kk: tf.Tensor) => {
                const q = new VonMisesFisher({ meanDirection: m, concentration: kk, sampler });
                const z = q.rsample(4, { seed: 7 });
                const kl = klDivergence(q, new HypersphericalUniform({ dim }));
                return tf.add(
                  tf.add(tf.sum(q.logProb(z)), tf.sum(z)),
                  tf.add(tf.sum(kl), tf.sum(q.entropy())),
                );
              };
              const q = new VonMisesFisher({ meanDirection: mu, concentration: k, sampler });
              const z = q.rsample(16, { seed: 3 });
              expectFinite(z, `${what} z`);
              const norms = tf.sqrt(tf.sum(tf.square(z), -1));
              // float32: the normalisation of nu sums d squares (error ~ sqrt(d) ulps).
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
                // Concentrated: every sample within 1e-2 of mu (E[1 - w] = (d - 1) / (2 kappa)).
                const w = tf.sum(tf.mul(z, mu), -1).dataSync();
                for (const v of w) expect(v).toBeGreaterThan(dim === 4096 ? 0.99 : 0.9999);
              }
            });
          }
        }
      }
    }
  });
});

describe('VonMisesFisher: huge concentrations (kappa = 1e6 ... 1e38) against mpmath', () => {
  const rows = hugeKappa.rows.filter((r) => r.precision === 'float32');

  it('logProb at the mode, entropy and KL to the uniform are finite and match mpmath (were NaN from 1e20)', () => {
    for (const r of rows) {
      tf.tidy(() => {
        const what = `d ${r.dim} kappa ${r.kappa}`;
        const mu = tf.tensor(Float32Array.from(axis(r.dim, 1)));
        const q = new VonMisesFisher({ meanDirection: mu, concentration: tf.scalar(r.kappa) });
        // Terms of size |log|S^{d-1}|| and the value itself: a few float32 roundings of those.
        const scale = (v: number) => Math.max(Math.abs(v), Math.abs(logSphereSurfaceArea(r.dim)));
        const close = (got: tf.Tensor, expected: string, label: string) => {
          const g = got.dataSync()[0]!;
          const e = Number(expected);
          expect(Number.isFinite(g), `${what} ${label}`).toBe(true);
          expect(Math.abs(g - e) / scale(e), `${what} ${label}: ${g} vs ${e}`).toBeLessThan(3e-7);
        };
        close(q.logProb(mu), r.logNormalizerPlusKappa, 'logProb(mu) = log C + kappa');
        close(q.entropy(), r.entropy, 'entropy');
        close(klDivergence(q, new HypersphericalUniform({ dim: r.dim })), r.klToUniform, 'KL');
      });
    }
  });

  it('samples (both samplers) are finite unit vectors with E[1 - w] = 1 - A_d(kappa), with finite gradients', () => {
    for (const sampler of SAMPLERS) {
      for (const r of rows) {
        tf.tidy(() => {
          const what = `${sampler} d ${r.dim} kappa ${r.kappa}`;
          const mu = unitVector(r.dim, 5);
          const muT = tf.tensor(Float32Array.from(mu));
          const k = tf.scalar(r.kappa);
          const q = new VonMisesFisher({ meanDirection: muT, concentration: k, sampler });
          // E[1 - w] is checked only where float32 resolves it (kappa = 1e6): 1000 samples there,
          // 100 elsewhere (finiteness and norms).
          const expected = Number(r.oneMinusMeanResultantLength);
          const z = q.rsample(expected > 1e-6 ? 1000 : 100, { seed: 11 });
          expectFinite(z, `${what} z`);
          expectFinite(q.logProb(z), `${what} logProb`);
          const norms = tf.sqrt(tf.sum(tf.square(z), -1));
          expectAllClose(norms, tf.onesLike(norms), {
            rtol: 0,
            atol: 1e-6 * (1 + Math.sqrt(r.dim)),
          });
          // t = 1 - w is resolved by float32 z only while it exceeds ~1e-7 (w = 1 - t rounds to 1
          // beyond): check its mean where it is, its smallness elsewhere.
          const t = oneMinusW(z.dataSync() as Float32Array, mu);
          if (expected > 1e-6) {
            const { mean, se } = meanAndError(t);
            expect(
              Math.abs(mean - expected),
              `${what}: E[1 - w] ${mean} vs ${expected}`,
            ).toBeLessThan(5 * se);
          } else {
            for (const v of t) expect(v, what).toBeLessThan(1e-5);
          }
          const [gMu, gKappa] = tf.grads((m: tf.Tensor, kk: tf.Tensor) => {
            const p = new VonMisesFisher({ meanDirection: m, concentration: kk, sampler });
            return tf.add(tf.sum(p.rsample(8, { seed: 1 })), tf.sum(p.logProb(m)));
          })([muT, k]);
          expectFinite(gMu!, `${what} d/dmu`);
          expectFinite(gKappa!, `${what} d/dkappa`);
        });
      }
    }
  });

  it('the inverse-CDF sampler draws the right angle distribution at kappa = 1e38 (d = 3, exact t)', () => {
    // d = 3: t = 1 - w is exponential with rate kappa (truncated at 2); with mu = e_d the float32
    // sample keeps t to full relative precision through its small components.
    tf.tidy(() => {
      const kappa = Math.fround(1e38);
      const mu = new Float64Array([0, 0, 1]);
      const q = new VonMisesFisher({ meanDirection: tf.tensor([0, 0, 1]), concentration: kappa });
      const t = oneMinusW(q.rsample(4000, { seed: 2 }).dataSync() as Float32Array, mu);
      const scaled = Array.from(t, (v) => v * kappa);
      const { pValue } = ksTest(scaled, (x) => -Math.expm1(-x));
      expect(pValue).toBeGreaterThan(0.001);
    });
  });
});

describe('VonMisesFisher: sampling', () => {
  it('is reproducible from the seed, for both samplers, and sample() equals rsample()', () => {
    for (const sampler of SAMPLERS) {
      tf.tidy(() => {
        const q = new VonMisesFisher({
          meanDirection: tf.tensor([
            [0.6, 0, 0.8],
            [0, -1, 0],
          ]),
          concentration: tf.tensor([3, 300]),
          sampler,
        });
        const a = q.rsample([5], { seed: 42 }).dataSync();
        expect(q.rsample([5], { seed: 42 }).dataSync()).toEqual(a);
        expect(q.sample([5], { seed: 42 }).dataSync()).toEqual(a);
        expect(q.rsample([5], { seed: 43 }).dataSync()).not.toEqual(a);
        const unseeded = q.rsample([5]).dataSync();
        expect(unseeded).not.toEqual(a);
      });
    }
  });

  it('has mean A_d(kappa) mu per batch element, with a different kappa per element', () => {
    for (const sampler of SAMPLERS) {
      tf.tidy(() => {
        const dim = 5;
        const kappas = [0, 0.5, 5, 50, 1000];
        const mu = tf.tensor(Float32Array.from(unitVector(dim, 11)));
        const q = new VonMisesFisher({
          meanDirection: mu,
          concentration: tf.tensor(kappas),
          sampler,
        });
        const n = 3000;
        const w = tf.sum(tf.mul(q.sample(n, { seed: 5 }), mu), -1).arraySync() as number[][];
        kappas.forEach((kappa, b) => {
          const { mean, se } = meanAndError(w.map((row) => row[b]!));
          const exact = functionsAt(dim, kappa).meanResultantLength;
          expect(
            Math.abs(mean - exact),
            `${sampler} kappa ${kappa}: ${mean} vs ${exact} (se ${se})`,
          ).toBeLessThan(4.5 * se + 1e-7);
        });
      });
    }
  });

  describe.each(SAMPLERS)('KS test of w = mu^T z against the exact CDF (%s)', (sampler) => {
    for (const dim of [2, 3, 10, 100, 1000]) {
      it(`d = ${dim}, kappa in {0, 0.5, 10, 1000, 1e5}: p > 0.001`, () => {
        const n = dim >= 1000 ? 2000 : 4000;
        const mu = unitVector(dim, 100 + dim);
        const results: string[] = [];
        for (const kappa of [0, 0.5, 10, 1000, 1e5]) {
          const z = tf.tidy(() => {
            const q = new VonMisesFisher({
              meanDirection: tf.tensor(Float32Array.from(mu)),
              concentration: kappa,
              sampler,
            });
            return q.sample(n, { seed: 1000 + dim + Math.round(Math.log1p(kappa) * 7) });
          });
          const t = oneMinusW(z.dataSync() as Float32Array, mu);
          z.dispose();
          const { statistic, pValue } = ksTest(t, referenceCdfT(dim, kappa));
          results.push(
            `${sampler} d=${dim} kappa=${kappa}: D=${statistic.toFixed(4)} p=${pValue.toFixed(3)}`,
          );
          expect(pValue, results[results.length - 1]).toBeGreaterThan(0.001);
        }
        if (process.env.VAEKIT_PRINT_KS) console.log(results.join('\n'));
      });
    }
  });
});

describe('VonMisesFisher: implicit reparameterisation gradient in kappa', () => {
  /**
   * Per-sample derivatives: a batch of n identical distributions (kappa of shape [n]), one draw
   * each; the gradient of sum_i f(z_i) in kappa_i is d f(z_i) / d kappa.
   */
  function perSampleKappaGradient(
    dim: number,
    kappa: number,
    sampler: VonMisesFisherSampler,
    n: number,
    f: (z: tf.Tensor, mu: tf.Tensor) => tf.Tensor,
  ): Float32Array {
    return tf.tidy(() => {
      const mu = tf.tensor(Float32Array.from(unitVector(dim, dim)));
      const grad = tf.grad((k: tf.Tensor) => {
        const q = new VonMisesFisher({ meanDirection: mu, concentration: k, sampler });
        return tf.sum(f(q.rsample([], { seed: 17 + dim }), mu));
      });
      return grad(tf.fill([n], kappa)).dataSync() as Float32Array;
    });
  }

  const w = (z: tf.Tensor, mu: tf.Tensor) => tf.sum(tf.mul(z, mu), -1);
  const w2 = (z: tf.Tensor, mu: tf.Tensor) => tf.square(w(z, mu));

  it.each(SAMPLERS)(
    "d/dkappa E[mu^T z] = A_d'(kappa) and d/dkappa E[(mu^T z)^2] match mpmath (%s)",
    (sampler) => {
      for (const dim of [2, 3, 5, 16, 64]) {
        for (const kappa of [0.5, 5, 50, 1000]) {
          const f = functionsAt(dim, kappa);
          const a = f.meanResultantLength;
          const da = f.meanResultantLengthDerivative;
          // E[w^2] = 1 - (d - 1) A / kappa, so d/dkappa E[w^2] = -(d - 1) (kappa A' - A) / kappa^2.
          const dw2 = (-(dim - 1) * (kappa * da - a)) / (kappa * kappa);
          for (const [name, fn, exact] of [
            ['w', w, da],
            ['w^2', w2, dw2],
          ] as const) {
            const { mean, se } = meanAndError(
              perSampleKappaGradient(dim, kappa, sampler, 2000, fn),
            );
            expect(
              Math.abs(mean - exact),
              `${sampler} d ${dim} kappa ${kappa} f=${name}: ${mean} vs ${exact} (se ${se})`,
            ).toBeLessThan(4.5 * se + 2e-3 * Math.abs(exact));
          }
        }
      }
    },
  );

  it('matches finite differences in kappa with common random numbers (inverse-cdf)', () => {
    // The inverse-CDF sample is a smooth function of kappa for fixed (u, eps): the derivative of
    // the sample mean of f(z) = a^T z (which also involves d sqrt(1-w^2)/dkappa) must match its
    // central difference, sample by sample summed.
    for (const dim of [2, 3, 5, 16, 64]) {
      for (const kappa of [0.3, 4, 60, 900]) {
        tf.tidy(() => {
          const mu = tf.tensor(Float32Array.from(unitVector(dim, 3 * dim)));
          const a = tf.tensor(Float32Array.from(unitVector(dim, 5 * dim)));
          const n = 500;
          const f = (k: tf.Tensor) => {
            const q = new VonMisesFisher({ meanDirection: mu, concentration: k });
            return tf.sum(tf.mul(q.rsample(n, { seed: 99 }), a), -1);
          };
          // Sample means in float64 (a float32 mean of 500 terms would add ~1e-7 of noise).
          const mean64 = (k: number) => {
            let sum = 0;
            for (const v of f(tf.scalar(k)).dataSync()) sum += v;
            return sum / n;
          };
          const h = 0.03 * kappa;
          const fd = (mean64(kappa + h) - mean64(kappa - h)) / (2 * h);
          const g = tf
            .grad((k: tf.Tensor) => tf.div(tf.sum(f(k)), n))(tf.scalar(kappa))
            .dataSync()[0]!;
          // Tolerance: FD truncation (~(h/kappa)^2) and float32 rounding of z (~6e-8 / h).
          expect(Math.abs(g - fd), `d ${dim} kappa ${kappa}: ${g} vs ${fd}`).toBeLessThan(
            2e-3 * Math.abs(fd) + 1e-7 / h,
          );
        });
      }
    }
  });

  it('sums the gradient over samples and broadcast batch elements to the shape of kappa', () => {
    tf.tidy(() => {
      const mu = tf.tensor([
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ]);
      const g = tf.grad((k: tf.Tensor) => {
        const q = new VonMisesFisher({ meanDirection: mu, concentration: k });
        return tf.sum(q.rsample([4, 2], { seed: 1 }));
      });
      expect(g(tf.scalar(2)).shape).toEqual([]);
      expect(g(tf.tensor([[2], [3], [4]])).shape).toEqual([3, 1]);
      // The scalar gradient equals the sum of the per-element gradients.
      const perElement = g(tf.tensor([2, 2, 2])).dataSync();
      const total = g(tf.scalar(2)).dataSync()[0]!;
      expect(total).toBeCloseTo(perElement[0]! + perElement[1]! + perElement[2]!, 5);
    });
  });
});

describe('VonMisesFisher: many distinct concentrations (coarse tables)', () => {
  it.each(SAMPLERS)(
    'samples and implicit gradients stay exact with 50 distinct kappas (%s)',
    (sampler) => {
      // One kappa per row, as from an encoder: 50 distinct values within 5e-4 (relative) of kappa,
      // so that the pooled draws follow vMF(kappa) to ~1e-4 in the CDF and A'(kappa) to ~1e-4.
      for (const [dim, kappa] of [
        [3, 10],
        [10, 1000],
      ] as const) {
        tf.tidy(() => {
          const n = 3000;
          const mu = unitVector(dim, 41);
          const kappas = tf.tensor(
            Float32Array.from({ length: n }, (_, i) => kappa * (1 + 1e-5 * (i % 50))),
          );
          const muT = tf.tensor(Float32Array.from(mu));
          const draw = (k: tf.Tensor) =>
            new VonMisesFisher({ meanDirection: muT, concentration: k, sampler }).rsample([], {
              seed: 8,
            });
          const { pValue } = ksTest(
            oneMinusW(draw(kappas).dataSync() as Float32Array, mu),
            referenceCdfT(dim, kappa),
          );
          expect(pValue, `${sampler} d ${dim} kappa ${kappa}`).toBeGreaterThan(0.001);
          const g = tf
            .grad((k: tf.Tensor) => tf.sum(tf.mul(draw(k), muT)))(kappas)
            .dataSync();
          const { mean, se } = meanAndError(g);
          const exact = functionsAt(dim, kappa).meanResultantLengthDerivative;
          expect(
            Math.abs(mean - exact),
            `${sampler} d ${dim} kappa ${kappa}: ${mean} vs ${exact}`,
          ).toBeLessThan(4.5 * se + 2e-3 * exact);
        });
      }
    },
  );
});

describe('VonMisesFisher: gradient in the mean direction', () => {
  it.each(SAMPLERS)('d/dmu E[a^T z] = A_d(kappa) a (%s)', (sampler) => {
    for (const dim of [2, 3, 5, 16, 64]) {
      for (const kappa of [1, 10]) {
        tf.tidy(() => {
          const n = 2000;
          const mu = unitVector(dim, 7 * dim);
          const a = unitVector(dim, 11 * dim);
          const grad = tf.grad((m: tf.Tensor) => {
            const q = new VonMisesFisher({ meanDirection: m, concentration: kappa, sampler });
            return tf.sum(tf.mul(q.rsample([], { seed: 23 }), tf.tensor(Float32Array.from(a))));
          });
          const g = grad(
            tf.tile(tf.tensor2d(Float32Array.from(mu), [1, dim]), [n, 1]),
          ).arraySync() as number[][];
          const aD = functionsAt(dim, kappa).meanResultantLength;
          for (let j = 0; j < dim; j++) {
            const { mean, se } = meanAndError(g.map((row) => row[j]!));
            expect(
              Math.abs(mean - aD * a[j]!),
              `${sampler} d ${dim} kappa ${kappa} coordinate ${j}`,
            ).toBeLessThan(4.5 * se + 1e-6);
          }
        });
      }
    }
  });
});

describe('VonMisesFisher: detached and memory', () => {
  it('detached() stops the gradient of logProb in both parameters but not in the value', () => {
    tf.tidy(() => {
      const mu = tf.tensor([0, 0.6, 0.8]);
      const kappa = tf.scalar(3);
      const z = tf.tensor([0.6, 0, 0.8]);
      const [gMu, gKappa, gZ] = tf.grads((m: tf.Tensor, k: tf.Tensor, v: tf.Tensor) =>
        new VonMisesFisher({ meanDirection: m, concentration: k }).detached().logProb(v),
      )([mu, kappa, z]);
      expectAllClose(gMu!, [0, 0, 0]);
      expectAllClose(gKappa!, 0);
      expectAllClose(gZ!, [0, 1.8, 2.4], { rtol: 1e-6 });
    });
  });

  it('leaks no tensors', async () => {
    const mu = tf.tensor([
      [0, 1, 0],
      [1, 0, 0],
    ]);
    const kappa = tf.tensor([2, 40]);
    for (const sampler of SAMPLERS) {
      const q = new VonMisesFisher({ meanDirection: mu, concentration: kappa, sampler });
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
          const r = new VonMisesFisher({ meanDirection: m, concentration: k, sampler });
          return tf.add(tf.sum(r.logProb(r.rsample(4, { seed: 5 }))), tf.sum(klDivergence(r, p)));
        })([mu, kappa]),
      );
      await expectNoLeaks(() => {
        const d = q.detached();
        const out = d.rsample(2, { seed: 1 });
        d.dispose();
        return out;
      });
    }
    mu.dispose();
    kappa.dispose();
  });
});
