/**
 * One contract suite, run over every distribution of the package: shapes, golden log-densities
 * (mpmath, float64), seeded sample moments, closed-form entropy and KL against Monte Carlo,
 * finite gradients at extreme parameters, reproducible seeds and no tensor leaks.
 */
import * as tf from '@tensorflow/tfjs-core';
import { expectAllClose, expectFinite, expectNoLeaks, normalSamples } from '@vaekit/test-utils';
import { describe, expect, it } from 'vitest';
import golden from './__fixtures__/distributions-golden.json';
import powerSphericalGolden from './__fixtures__/power-spherical-golden.json';
import { DiagonalNormal } from './diagonal-normal';
import type { Distribution } from './distribution';
import { HypersphericalUniform } from './hyperspherical-uniform';
import { klDivergence } from './kl';
import { PowerSpherical } from './power-spherical';
import { StandardNormal } from './standard-normal';
import { VonMisesFisher, type VonMisesFisherSampler } from './von-mises-fisher';

const BATCH_SHAPES: number[][] = [[], [4], [2, 3]];

interface GoldenCase {
  dist: Distribution;
  value: tf.Tensor;
  /** Expected log-densities, one per batch element. */
  expected: number[];
  /** Absolute tolerance per element. */
  atol: number[];
}

interface Family {
  name: string;
  dim: number;
  /** A typical member with the given batch shape (parameters vary across the batch). */
  make(batchShape: number[]): Distribution;
  /** The differentiable parameters of a typical member, and how to build from them. */
  params(batchShape: number[]): tf.Tensor[];
  build(params: tf.Tensor[], batchShape: number[]): Distribution;
  /** Extreme parameter sets for the finiteness check. */
  extremes: { label: string; params: () => tf.Tensor[] }[];
  /** Distributions q with a registered closed-form KL(p || q). */
  partners: { name: string; make(batchShape: number[]): Distribution }[];
  /** Golden log-density cases, several batch elements per case. */
  golden(): GoldenCase[];
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Deterministic float32 normal draws with the given shape. */
function normals(shape: number[], seed: number, scale = 1, shift = 0): tf.Tensor {
  return tf.tensor(
    Float32Array.from(normalSamples(size(shape), seed), (x) => shift + scale * x),
    shape,
  );
}

/** Rows of float32-exact unit vectors. */
function unitRows(shape: number[], seed: number): tf.Tensor {
  const d = shape[shape.length - 1]!;
  const v = normalSamples(size(shape), seed);
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i += d) {
    const norm = Math.hypot(...v.subarray(i, i + d));
    for (let j = 0; j < d; j++) out[i + j] = v[i + j]! / norm;
  }
  return tf.tensor(out, shape);
}

/** Concentrations spread over [0.3, 3000] (log scale) across the batch. */
function kappas(batchShape: number[]): tf.Tensor {
  const n = size(batchShape);
  return tf.tensor(
    Float32Array.from({ length: n }, (_, i) => 0.3 * 10 ** ((4 * i) / Math.max(1, n - 1))),
    batchShape,
  );
}

function diagonalNormal(): Family {
  const dim = 3;
  const params = (b: number[]) => [
    normals([...b, dim], 1, 2),
    tf.exp(normals([...b, dim], 2, 0.5)),
  ];
  return {
    name: 'DiagonalNormal',
    dim,
    params,
    build: ([loc, scale]) => new DiagonalNormal({ loc: loc!, scale: scale! }),
    make: (b) => {
      const [loc, scale] = params(b);
      return new DiagonalNormal({ loc: loc!, scale: scale! });
    },
    extremes: [
      { label: 'loc 1e4, scale 1e-4', params: () => [tf.fill([dim], 1e4), tf.fill([dim], 1e-4)] },
      { label: 'loc -1e4, scale 1e4', params: () => [tf.fill([dim], -1e4), tf.fill([dim], 1e4)] },
    ],
    partners: [
      { name: 'StandardNormal', make: (b) => new StandardNormal({ dim, batchShape: b }) },
      {
        name: 'DiagonalNormal',
        make: (b) =>
          new DiagonalNormal({
            loc: normals([...b, dim], 3),
            scale: tf.exp(normals([...b, dim], 4, 0.3)),
          }),
      },
    ],
    golden: () => {
      const byDim = new Map<number, typeof golden.diagonalNormal>();
      for (const g of golden.diagonalNormal)
        byDim.set(g.loc.length, [...(byDim.get(g.loc.length) ?? []), g]);
      return [...byDim.values()].map((cases) => ({
        dist: new DiagonalNormal({
          loc: tf.tensor(cases.map((c) => c.loc)),
          scale: tf.tensor(cases.map((c) => c.scale)),
        }),
        value: tf.tensor(cases.map((c) => c.value)),
        expected: cases.map((c) => c.logProb),
        atol: cases.map((c) => 1e-5 * (1 + Math.abs(c.logProb))),
      }));
    },
  };
}

function standardNormal(): Family {
  const dim = 3;
  return {
    name: 'StandardNormal',
    dim,
    params: () => [],
    build: (_, b) => new StandardNormal({ dim, batchShape: b }),
    make: (b) => new StandardNormal({ dim, batchShape: b }),
    extremes: [],
    partners: [
      { name: 'StandardNormal', make: (b) => new StandardNormal({ dim, batchShape: b }) },
      {
        name: 'DiagonalNormal',
        make: (b) =>
          new DiagonalNormal({
            loc: normals([...b, dim], 5),
            scale: tf.exp(normals([...b, dim], 6, 0.3)),
          }),
      },
    ],
    golden: () =>
      golden.standardNormal.map((c) => ({
        dist: new StandardNormal({ dim: c.dim, batchShape: [2] }),
        value: tf.tensor([c.value, c.value]),
        expected: [c.logProb, c.logProb],
        atol: [1e-5 * (1 + Math.abs(c.logProb)), 1e-5 * (1 + Math.abs(c.logProb))],
      })),
  };
}

function vonMisesFisher(sampler: VonMisesFisherSampler): Family {
  const dim = 4;
  const build = ([mu, kappa]: tf.Tensor[]) =>
    new VonMisesFisher({ meanDirection: mu!, concentration: kappa!, sampler });
  const axis = (sign: number) => tf.tensor([sign, 0, 0, 0]);
  return {
    name: `VonMisesFisher (${sampler})`,
    dim,
    params: (b) => [unitRows([...b, dim], 7), kappas(b)],
    build,
    make: (b) => build([unitRows([...b, dim], 7), kappas(b)]),
    extremes: [1, -1].flatMap((sign) =>
      [0, 1e-8, 1e6].map((kappa) => ({
        label: `mu ${sign > 0 ? '+' : '-'}e1, kappa ${kappa}`,
        params: () => [axis(sign), tf.scalar(kappa)],
      })),
    ),
    partners: [
      {
        name: 'HypersphericalUniform',
        make: (b) => new HypersphericalUniform({ dim, batchShape: b }),
      },
    ],
    golden: () => {
      const byDim = new Map<number, typeof golden.vonMisesFisher>();
      for (const g of golden.vonMisesFisher) {
        if (g.mu !== undefined) byDim.set(g.dim, [...(byDim.get(g.dim) ?? []), g]);
      }
      return [...byDim.values()].map((cases) => ({
        dist: new VonMisesFisher({
          meanDirection: tf.tensor(cases.map((c) => c.mu!)),
          concentration: tf.tensor(cases.map((c) => c.kappa)),
          sampler,
        }),
        value: tf.tensor(cases.map((c) => c.z!)),
        expected: cases.map((c) => c.logProb),
        atol: cases.map((c) => 1e-5 + 4e-7 * (Math.abs(c.logProb) + 2 * c.kappa)),
      }));
    },
  };
}

function powerSpherical(): Family {
  const dim = 4;
  const build = ([mu, kappa]: tf.Tensor[]) =>
    new PowerSpherical({ meanDirection: mu!, concentration: kappa! });
  const axis = (sign: number) => tf.tensor([sign, 0, 0, 0]);
  return {
    name: 'PowerSpherical',
    dim,
    params: (b) => [unitRows([...b, dim], 7), kappas(b)],
    build,
    make: (b) => build([unitRows([...b, dim], 7), kappas(b)]),
    extremes: [1, -1].flatMap((sign) =>
      [0, 1e-8, 1e6].map((kappa) => ({
        label: `mu ${sign > 0 ? '+' : '-'}e1, kappa ${kappa}`,
        params: () => [axis(sign), tf.scalar(kappa)],
      })),
    ),
    partners: [
      {
        name: 'HypersphericalUniform',
        make: (b) => new HypersphericalUniform({ dim, batchShape: b }),
      },
    ],
    golden: () => {
      const byDim = new Map<number, typeof powerSphericalGolden.logProbDense>();
      for (const g of powerSphericalGolden.logProbDense) {
        byDim.set(g.dim, [...(byDim.get(g.dim) ?? []), g]);
      }
      return [...byDim.values()].map((cases) => ({
        dist: new PowerSpherical({
          meanDirection: tf.tensor(cases.map((c) => c.mu)),
          concentration: tf.tensor(cases.map((c) => c.kappa)),
        }),
        value: tf.tensor(cases.map((c) => c.z)),
        expected: cases.map((c) => c.logProb),
        atol: cases.map((c) => 1e-5 + 4e-7 * (Math.abs(c.logProb) + 2 * c.kappa)),
      }));
    },
  };
}

function hypersphericalUniform(): Family {
  const dim = 4;
  return {
    name: 'HypersphericalUniform',
    dim,
    params: () => [],
    build: (_, b) => new HypersphericalUniform({ dim, batchShape: b }),
    make: (b) => new HypersphericalUniform({ dim, batchShape: b }),
    extremes: [],
    partners: [
      {
        name: 'HypersphericalUniform',
        make: (b) => new HypersphericalUniform({ dim, batchShape: b }),
      },
    ],
    golden: () =>
      golden.hypersphericalUniform.map((c) => ({
        dist: new HypersphericalUniform({ dim: c.dim, batchShape: [2] }),
        value: tf.tensor2d(
          Float32Array.from({ length: 2 * c.dim }, (_, i) => (i % c.dim === 0 ? 1 : 0)),
          [2, c.dim],
        ),
        expected: [c.logProb, c.logProb],
        atol: [1e-6 * (1 + Math.abs(c.logProb)), 1e-6 * (1 + Math.abs(c.logProb))],
      })),
  };
}

const FAMILIES: Family[] = [
  diagonalNormal(),
  standardNormal(),
  vonMisesFisher('inverse-cdf'),
  vonMisesFisher('wood'),
  powerSpherical(),
  hypersphericalUniform(),
];

/** Per-column mean and standard error of a [n, m] matrix given as a flat array. */
function columnStats(x: ArrayLike<number>, n: number): { mean: number[]; se: number[] } {
  const m = x.length / n;
  const mean = new Array<number>(m).fill(0);
  const se = new Array<number>(m).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) mean[j]! += x[i * m + j]! / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) se[j]! += (x[i * m + j]! - mean[j]!) ** 2;
  for (let j = 0; j < m; j++) se[j] = Math.sqrt(se[j]! / (n - 1) / n);
  return { mean, se };
}

describe.each(FAMILIES)('contract: $name', (family) => {
  const d = family.dim;

  it.each(BATCH_SHAPES.map((b) => [b]))(
    'has the documented shapes for batch shape %j',
    (batchShape) => {
      tf.tidy(() => {
        const p = family.make(batchShape);
        expect(p.batchShape).toEqual(batchShape);
        expect(p.eventShape).toEqual([d]);
        for (const [sampleShape, prefix] of [
          [undefined, []],
          [5, [5]],
          [
            [2, 3],
            [2, 3],
          ],
          [[0], [0]],
        ] as const) {
          expect(p.sample(sampleShape as number[] | number | undefined, { seed: 1 }).shape).toEqual(
            [...prefix, ...batchShape, d],
          );
          expect(
            p.rsample(sampleShape as number[] | number | undefined, { seed: 1 }).shape,
          ).toEqual([...prefix, ...batchShape, d]);
        }
        const z = p.sample([5], { seed: 2 });
        expect(p.logProb(z).shape).toEqual([5, ...batchShape]);
        expect(p.logProb(tf.slice(z, [0], [1])).shape).toEqual([1, ...batchShape]);
        // A value with the event shape alone broadcasts against the batch.
        expect(
          p.logProb(tf.tensor(Float32Array.from({ length: d }, (_, i) => (i === 0 ? 1 : 0)))).shape,
        ).toEqual(batchShape);
        expect(p.entropy().shape).toEqual(batchShape);
        expect(p.mean().shape).toEqual([...batchShape, d]);
        const detached = p.detached();
        expect(detached.batchShape).toEqual(batchShape);
        expectAllClose(detached.logProb(z), p.logProb(z), { rtol: 1e-6, atol: 1e-6 });
        expect(() => p.logProb(tf.zeros([d + 1]))).toThrow(/value must have event shape/);
      });
    },
  );

  it('log-densities match float64 golden values (mpmath), batched', () => {
    tf.tidy(() => {
      for (const { dist, value, expected, atol } of family.golden()) {
        const lp = dist.logProb(value).dataSync();
        expect(lp.length).toBe(expected.length);
        expected.forEach((e, i) => {
          expect(Math.abs(lp[i]! - e), `element ${i}: ${lp[i]} vs ${e}`).toBeLessThanOrEqual(
            atol[i]!,
          );
        });
      }
    });
  });

  it('seeded sample moments: the sample mean is within 5 standard errors of mean()', () => {
    tf.tidy(() => {
      const n = 4000;
      const p = family.make([4]);
      const { mean, se } = columnStats(p.sample(n, { seed: 11 }).dataSync(), n);
      const exact = p.mean().dataSync();
      exact.forEach((e, j) => {
        expect(
          Math.abs(mean[j]! - e),
          `coordinate ${j}: ${mean[j]} vs ${e} (se ${se[j]})`,
        ).toBeLessThanOrEqual(5 * se[j]! + 1e-6 * (1 + Math.abs(e)));
      });
    });
  });

  it('closed-form entropy and KL match Monte Carlo estimates (fixed seed, 5 standard errors)', () => {
    tf.tidy(() => {
      const n = 4000;
      const p = family.make([4]);
      const z = p.sample(n, { seed: 12 });
      const logP = p.logProb(z);
      const h = columnStats(tf.neg(logP).dataSync(), n);
      p.entropy()
        .dataSync()
        .forEach((e, j) => {
          expect(
            Math.abs(h.mean[j]! - e),
            `entropy ${j}: MC ${h.mean[j]} vs ${e}`,
          ).toBeLessThanOrEqual(5 * h.se[j]! + 1e-5 * (1 + Math.abs(e)));
        });
      for (const partner of family.partners) {
        const q = partner.make([4]);
        const kl = columnStats(tf.sub(logP, q.logProb(z)).dataSync(), n);
        const closed = klDivergence(p, q);
        expect(closed.shape).toEqual([4]);
        closed.dataSync().forEach((e, j) => {
          expect(e, `KL to ${partner.name} is >= 0`).toBeGreaterThanOrEqual(-1e-6);
          expect(
            Math.abs(kl.mean[j]! - e),
            `KL to ${partner.name} ${j}: MC ${kl.mean[j]} vs ${e}`,
          ).toBeLessThanOrEqual(5 * kl.se[j]! + 1e-5 * (1 + Math.abs(e)));
        });
      }
    });
  });

  it('gradients of logProb(rsample), entropy and KL are finite, at typical and extreme parameters', () => {
    const sets = [{ label: 'typical', params: () => family.params([4]) }, ...family.extremes];
    for (const { label, params } of sets) {
      tf.tidy(() => {
        const ps = params();
        const batch = ps.length > 0 ? [] : [4];
        const value = tf.tidy(() => family.build(params(), batch).sample(3, { seed: 4 }));
        const objective = (...args: tf.Tensor[]) => {
          const v = args[args.length - 1]!;
          const p = family.build(args.slice(0, -1), batch);
          const z = p.rsample(3, { seed: 5 });
          // (+ 0 * sum(v): the uniform's log-density is constant, with no path back to v.)
          let total = tf.add(
            tf.add(tf.sum(p.logProb(z)), tf.sum(p.logProb(v))),
            tf.mul(tf.sum(v), 0),
          );
          total = tf.add(total, tf.sum(p.entropy()));
          for (const partner of family.partners) {
            const q = partner.make(p.batchShape);
            total = tf.add(total, tf.sum(klDivergence(p, q)));
          }
          return total;
        };
        expectFinite(objective(...ps, value), `${label} objective`);
        const grads = tf.grads(objective)([...ps, value]);
        grads.forEach((g, i) => {
          expectFinite(g, `${label} gradient ${i}`);
        });
      });
    }
  });

  it('the same seed gives identical samples; another seed different ones', () => {
    tf.tidy(() => {
      const p = family.make([2, 3]);
      const a = p.rsample([3], { seed: 123 }).dataSync();
      expect(p.rsample([3], { seed: 123 }).dataSync()).toEqual(a);
      expect(p.sample([3], { seed: 123 }).dataSync()).toEqual(a);
      expect(family.make([2, 3]).sample([3], { seed: 123 }).dataSync()).toEqual(a);
      expect(p.sample([3], { seed: 124 }).dataSync()).not.toEqual(a);
    });
  });

  it('leaks no tensors', async () => {
    const p = family.make([2]);
    const q = family.partners[0]!.make([2]);
    const ps = family.params([2]);
    await expectNoLeaks(() => [
      p.sample(3, { seed: 1 }),
      p.rsample([2, 2], { seed: 2 }),
      p.entropy(),
      p.mean(),
    ]);
    await expectNoLeaks(() => {
      const z = p.sample(3, { seed: 1 });
      const out = [p.logProb(z), klDivergence(p, q)];
      z.dispose();
      return out;
    });
    await expectNoLeaks(() => {
      const detached = p.detached();
      const out = detached.rsample(2, { seed: 3 });
      detached.dispose();
      return out;
    });
    if (ps.length > 0) {
      await expectNoLeaks(() =>
        tf.grads((...args: tf.Tensor[]) => {
          const r = family.build(args, [2]);
          const out = tf.add(
            tf.sum(r.logProb(r.rsample(3, { seed: 4 }))),
            tf.sum(klDivergence(r, q)),
          );
          return out;
        })(ps),
      );
    }
    for (const t of ps) t.dispose();
    p.dispose();
    q.dispose();
  });
});
