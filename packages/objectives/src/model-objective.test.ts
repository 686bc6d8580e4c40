import * as tf from '@tensorflow/tfjs-core';
import { klDivergence } from '@vaekit/distributions';
import { expectAllClose, expectFinite, expectNoLeaks } from '@vaekit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { elbo } from './bounds/elbo';
import { iwae } from './bounds/iwae';
import { miwae } from './bounds/miwae';
import { importanceLogWeights } from './log-weights';
import { modelObjective } from './model-objective';
import type { ObjectiveOptions } from './objective-options';
import { perturbedModel } from './testing/fixtures';
import { type LinearGaussianModel, linearGaussianModel } from './testing/linear-gaussian-model';

let model: LinearGaussianModel;
let x: tf.Tensor;
let encoderVars: tf.Variable[];
let decoderVars: tf.Variable[];
beforeAll(() => {
  model = perturbedModel(0.2);
  x = model.sample(3, 5);
  encoderVars = model.encoderVariables;
  decoderVars = model.decoderVariables;
});
afterAll(() => {
  x.dispose();
  model.dispose();
});

/** Values of a result's bound and losses, for comparisons. */
function values(options: ObjectiveOptions) {
  return tf.tidy(() => {
    const r = modelObjective(model, x, options);
    return {
      bound: Array.from(r.bound.dataSync()),
      encoderLoss: r.encoderLoss.dataSync()[0]!,
      decoderLoss: r.decoderLoss.dataSync()[0]!,
      kl: Array.from(r.kl.dataSync()),
      reconstruction: Array.from(r.reconstruction.dataSync()),
    };
  });
}

/** Gradients of one loss of `modelObjective` with respect to `vars`, as flat float arrays. */
function grads(
  options: ObjectiveOptions,
  which: 'encoderLoss' | 'decoderLoss',
  vars: tf.Variable[],
  m: LinearGaussianModel = model,
  data: tf.Tensor = x,
): number[][] {
  return tf.tidy(() => {
    const { grads: g } = tf.variableGrads(() => modelObjective(m, data, options)[which], vars);
    return vars.map((v) => Array.from(g[v.name]!.dataSync()));
  });
}

function expectGradsClose(a: number[][], b: number[][], tol = { rtol: 1e-4, atol: 1e-5 }) {
  expect(a.length).toBe(b.length);
  a.forEach((g, i) => {
    expectAllClose(g, b[i]!, tol);
  });
}

describe('modelObjective: the identities at model level (same draws)', () => {
  const seed = 17;
  it('IWAE_1 = ELBO (sampled KL)', () => {
    const a = values({ objective: 'iwae', k: 1, seed });
    const b = values({ objective: 'elbo', k: 1, kl: 'sampled', seed });
    expectAllClose(a.bound, b.bound, { rtol: 1e-6 });
    expect(a.encoderLoss).toBeCloseTo(b.encoderLoss, 5);
  });

  it('MIWAE(1, K) = IWAE_K and MIWAE(K, 1) = ELBO', () => {
    const iw = values({ objective: 'iwae', k: 8, seed });
    const m1 = values({ objective: 'miwae', k: 8, groups: 1, seed });
    const mk = values({ objective: 'miwae', k: 8, groups: 8, seed });
    const el = values({ objective: 'elbo', k: 8, kl: 'sampled', seed });
    expectAllClose(m1.bound, iw.bound, { rtol: 1e-6 });
    expectAllClose(mk.bound, el.bound, { rtol: 1e-5 });
    expectGradsClose(
      grads({ objective: 'miwae', k: 8, groups: 1, seed }, 'encoderLoss', encoderVars),
      grads({ objective: 'iwae', k: 8, seed }, 'encoderLoss', encoderVars),
    );
  });

  it('CIWAE(1) = ELBO and CIWAE(0) = IWAE_K', () => {
    const iw = values({ objective: 'iwae', k: 8, seed });
    const el = values({ objective: 'elbo', k: 8, kl: 'sampled', seed });
    expectAllClose(values({ objective: 'ciwae', k: 8, beta: 1, seed }).bound, el.bound, {
      rtol: 1e-6,
    });
    expectAllClose(values({ objective: 'ciwae', k: 8, beta: 0, seed }).bound, iw.bound, {
      rtol: 1e-6,
    });
  });

  it('PIWAE(1, K) gives IWAE_K to both networks (values and gradients)', () => {
    const iw = values({ objective: 'iwae', k: 8, seed });
    const pi = values({ objective: 'piwae', k: 8, groups: 1, seed });
    expectAllClose(pi.bound, iw.bound, { rtol: 1e-6 });
    expect(pi.encoderLoss).toBeCloseTo(iw.encoderLoss, 5);
    expect(pi.decoderLoss).toBeCloseTo(iw.decoderLoss, 5);
    for (const [which, vars] of [
      ['encoderLoss', encoderVars],
      ['decoderLoss', decoderVars],
    ] as const) {
      expectGradsClose(
        grads({ objective: 'piwae', k: 8, groups: 1, seed }, which, vars),
        grads({ objective: 'iwae', k: 8, seed }, which, vars),
      );
    }
  });

  it('the bounds are the pure functions of importanceLogWeights with the same seed', () => {
    tf.tidy(() => {
      const lw = importanceLogWeights(model, x, { k: 12, seed });
      expectAllClose(values({ objective: 'iwae', k: 12, seed }).bound, iwae(lw), { rtol: 1e-6 });
      expectAllClose(
        values({ objective: 'miwae', k: 12, groups: 3, seed }).bound,
        miwae(lw, { groups: 3 }),
        {
          rtol: 1e-6,
        },
      );
      const pi = modelObjective(model, x, { objective: 'piwae', k: 12, groups: 3, seed });
      expectAllClose(pi.bound, iwae(lw), { rtol: 1e-6 });
      expect(pi.encoderLoss.dataSync()[0]).toBeCloseTo(
        -tf.mean(miwae(lw, { groups: 3 })).dataSync()[0]!,
        5,
      );
      expect(pi.decoderLoss.dataSync()[0]).toBeCloseTo(-tf.mean(iwae(lw)).dataSync()[0]!, 5);
    });
  });
});

describe('modelObjective: the ELBO with the analytic KL and its KL controls', () => {
  it('bound = mean_k log p(x|z_k) - KL(q || p), KL in closed form', () => {
    tf.tidy(() => {
      const r = modelObjective(model, x, { objective: 'elbo', k: 4, seed: 2 });
      const q = model.encode(x);
      const kl = klDivergence(q, model.prior);
      expectAllClose(r.kl, kl, { rtol: 1e-6 });
      const z = q.rsample(4, { seed: 2 });
      const logLik = model.decode(tf.reshape(z, [12, 2])).logProb(tf.tile(x, [4, 1]));
      const recon = tf.mean(tf.reshape(logLik, [4, 3]), 0);
      expectAllClose(r.reconstruction, recon, { rtol: 1e-5 });
      expectAllClose(r.bound, tf.sub(recon, kl), { rtol: 1e-5 });
      expect(r.encoderLoss.dataSync()[0]).toBeCloseTo(-tf.mean(r.bound).dataSync()[0]!, 4);
      // The analytic ELBO has the sampled ELBO's expectation.
      const many = modelObjective(model, x, { objective: 'elbo', k: 20000, seed: 3 }).bound;
      const sampled = elbo(importanceLogWeights(model, x, { k: 20000, seed: 4 }));
      expectAllClose(many, sampled, { rtol: 0, atol: 0.05 });
    });
  });

  it('klWeight weights the KL term of the loss only (the bound stays the true ELBO)', () => {
    const base = values({ objective: 'elbo', seed: 4 });
    const weighted = values({ objective: 'elbo', seed: 4, klWeight: 0.25 });
    expectAllClose(weighted.bound, base.bound, { rtol: 1e-6 });
    const meanRecon = base.reconstruction.reduce((a, v) => a + v, 0) / 3;
    const meanKL = base.kl.reduce((a, v) => a + v, 0) / 3;
    expect(weighted.encoderLoss).toBeCloseTo(-meanRecon + 0.25 * meanKL, 4);
    // The sampled form weights log p(z) - log q(z|x) the same way.
    const sampled = values({ objective: 'elbo', seed: 4, kl: 'sampled', klWeight: 0.25 });
    const sampledKL = sampled.kl.reduce((a, v) => a + v, 0) / 3;
    const sampledRecon = sampled.reconstruction.reduce((a, v) => a + v, 0) / 3;
    expect(sampled.encoderLoss).toBeCloseTo(-sampledRecon + 0.25 * sampledKL, 4);
  });

  it('free bits: sum_j max(lambda, batch-mean KL_j), and no KL gradient below the floor', () => {
    const lambda = 0.3;
    const r = values({ objective: 'elbo', seed: 4, freeBits: lambda });
    const perDim = tf.tidy(() => {
      const q = model.encode(x) as unknown as { loc: tf.Tensor; scale: tf.Tensor };
      const v = tf.square(q.scale);
      return Array.from(
        tf
          .mean(tf.mul(0.5, tf.sub(tf.add(tf.square(q.loc), v), tf.add(tf.log(v), 1))), 0)
          .dataSync(),
      );
    });
    const meanRecon = r.reconstruction.reduce((a, v) => a + v, 0) / 3;
    const floored = perDim.reduce((a, v) => a + Math.max(lambda, v), 0);
    expect(r.encoderLoss).toBeCloseTo(-meanRecon + floored, 4);
    // A floor above every dimension's KL leaves only the reconstruction's gradient.
    expectGradsClose(
      grads({ objective: 'elbo', seed: 4, freeBits: 100 }, 'encoderLoss', encoderVars),
      grads({ objective: 'elbo', seed: 4, klWeight: 0 }, 'encoderLoss', encoderVars),
    );
  });
});

describe('modelObjective: DReG', () => {
  it('has zero encoder gradient at the exact posterior (reparameterised has not), for any K', () => {
    // d = 1: the default encoder is the exact posterior, so log w is constant in z.
    const exact = linearGaussianModel({ W: [[1.5], [-0.5]], b: [0.2, 0], s: 0.8 });
    const data = exact.sample(3, 1);
    for (const options of [
      { objective: 'iwae', k: 5 },
      { objective: 'miwae', k: 6, groups: 2 },
      { objective: 'piwae', k: 6, groups: 3 },
      { objective: 'ciwae', k: 5, beta: 0 },
      { objective: 'elbo', k: 1 },
    ] as ObjectiveOptions[]) {
      const dreg = grads(
        { ...options, gradientEstimator: 'dreg', seed: 9 },
        'encoderLoss',
        exact.encoderVariables,
        exact,
        data,
      );
      for (const g of dreg)
        expectAllClose(
          g,
          g.map(() => 0),
          { rtol: 0, atol: 1e-4 },
        );
      const rep = grads(
        { ...options, seed: 9 },
        'encoderLoss',
        exact.encoderVariables,
        exact,
        data,
      );
      expect(Math.max(...rep.flat().map(Math.abs))).toBeGreaterThan(1e-2);
    }
    data.dispose();
    exact.dispose();
  });

  it('matches a hand-computed DReG gradient: -(1/B) sum_b sum_k w~^2 d log w / dz * dz/dphi', () => {
    const k = 6;
    const seed = 21;
    const got = grads(
      { objective: 'iwae', k, gradientEstimator: 'dreg', seed },
      'encoderLoss',
      encoderVars,
    );
    // Reference in float64 from the same draws.
    const { zs, locs, scales, xs, lws } = tf.tidy(() => {
      const q = model.encode(x) as unknown as {
        loc: tf.Tensor;
        scale: tf.Tensor;
        rsample: (n: number, o: object) => tf.Tensor;
      };
      return {
        zs: q.rsample(k, { seed }).arraySync() as number[][][],
        locs: q.loc.arraySync() as number[][],
        scales: tf.exp(encoderVars[2]!).arraySync() as number[],
        xs: x.arraySync() as number[][],
        lws: importanceLogWeights(model, x, { k, seed }).arraySync() as number[][],
      };
    });
    const [Wm, bv] = decoderVars.map((v) => v.arraySync()) as [number[][], number[]];
    const s2 = 0.7 * 0.7;
    const gradA = [0, 1, 2].map(() => [0, 0]);
    const gradC = [0, 0];
    const gradLogScale = [0, 0];
    for (let b = 0; b < 3; b++) {
      const col = lws.map((row) => row[b]!);
      const m = Math.max(...col);
      const total = col.reduce((a, v) => a + Math.exp(v - m), 0);
      for (let j = 0; j < k; j++) {
        const wt = Math.exp(col[j]! - m) / total;
        const z = zs[j]![b]!;
        // d log w / dz = W^T (x - W z - b) / s^2 - z + (z - loc) / scale^2
        const resid = Wm.map((row, i) => xs[b]![i]! - row[0]! * z[0]! - row[1]! * z[1]! - bv[i]!);
        const dz = [0, 1].map(
          (u) =>
            Wm.reduce((a, row, i) => a + row[u]! * resid[i]!, 0) / s2 -
            z[u]! +
            (z[u]! - locs[b]![u]!) / scales[u]! ** 2,
        );
        for (let u = 0; u < 2; u++) {
          const coef = -(wt * wt * dz[u]!) / 3;
          gradC[u]! += coef;
          for (let i = 0; i < 3; i++) gradA[i]![u]! += coef * xs[b]![i]!;
          gradLogScale[u]! += coef * (z[u]! - locs[b]![u]!); // dz/dlogScale = scale * eps = z - loc
        }
      }
    }
    expectAllClose(got[0]!, gradA.flat(), { rtol: 1e-3, atol: 1e-5 });
    expectAllClose(got[1]!, gradC, { rtol: 1e-3, atol: 1e-5 });
    expectAllClose(got[2]!, gradLogScale, { rtol: 1e-3, atol: 1e-5 });
  });

  it("keeps the decoder's gradient and every loss value of the reparameterised objective", () => {
    for (const options of [
      { objective: 'iwae', k: 6 },
      { objective: 'miwae', k: 6, groups: 2 },
      { objective: 'ciwae', k: 6, beta: 0.4 },
      { objective: 'piwae', k: 6, groups: 3 },
      { objective: 'elbo', k: 2 },
    ] as ObjectiveOptions[]) {
      const sampledKL = options.objective === 'elbo' ? { kl: 'sampled' as const } : {};
      const rep = values({ ...options, ...sampledKL, seed: 5 });
      const dreg = values({ ...options, gradientEstimator: 'dreg', seed: 5 });
      expectAllClose(dreg.bound, rep.bound, { rtol: 1e-6 });
      expect(dreg.encoderLoss).toBeCloseTo(rep.encoderLoss, 4);
      expect(dreg.decoderLoss).toBeCloseTo(rep.decoderLoss, 4);
      expectGradsClose(
        grads({ ...options, gradientEstimator: 'dreg', seed: 5 }, 'decoderLoss', decoderVars),
        grads({ ...options, ...sampledKL, seed: 5 }, 'decoderLoss', decoderVars),
      );
    }
  });

  it('DReG-MIWAE(1, K) = DReG-IWAE and DReG-CIWAE(0) = DReG-IWAE; DReG-CIWAE(1) is the reparameterised ELBO', () => {
    const iw = grads(
      { objective: 'iwae', k: 6, gradientEstimator: 'dreg', seed: 8 },
      'encoderLoss',
      encoderVars,
    );
    expectGradsClose(
      grads(
        { objective: 'miwae', k: 6, groups: 1, gradientEstimator: 'dreg', seed: 8 },
        'encoderLoss',
        encoderVars,
      ),
      iw,
    );
    expectGradsClose(
      grads(
        { objective: 'ciwae', k: 6, beta: 0, gradientEstimator: 'dreg', seed: 8 },
        'encoderLoss',
        encoderVars,
      ),
      iw,
    );
    expectGradsClose(
      grads(
        { objective: 'ciwae', k: 6, beta: 1, gradientEstimator: 'dreg', seed: 8 },
        'encoderLoss',
        encoderVars,
      ),
      grads({ objective: 'elbo', k: 6, kl: 'sampled', seed: 8 }, 'encoderLoss', encoderVars),
    );
  });
});

describe('modelObjective: arguments and memory', () => {
  it('throws errors naming the bad field', () => {
    const cases: [unknown, RegExp][] = [
      [
        { objective: 'vae' },
        /^objective must be one of elbo, iwae, miwae, ciwae, piwae, got "vae"/,
      ],
      [{ objective: 'iwae' }, /^k must be a positive integer .*required for objective 'iwae'/],
      [{ objective: 'iwae', k: 2.5 }, /^k must be a positive integer/],
      [{ objective: 'miwae', k: 8 }, /^groups must be given for objective 'miwae'/],
      [
        { objective: 'miwae', k: 8, groups: 3 },
        /^groups must be a positive integer dividing the number of samples K = 8, got 3/,
      ],
      [{ objective: 'piwae', k: 9, groups: 2 }, /^groups must be a positive integer dividing/],
      [{ objective: 'ciwae', k: 4 }, /^beta must be given for objective 'ciwae'/],
      [{ objective: 'ciwae', k: 4, beta: 2 }, /^beta must be a number in \[0, 1\], got 2/],
      [
        { objective: 'iwae', k: 4, gradientEstimator: 'vimco' },
        /^gradientEstimator must be one of reparameterized, dreg/,
      ],
      [
        { objective: 'iwae', k: 4, klWeight: 0.5 },
        /klWeight, freeBits and kl must be left at their defaults .* for objective 'iwae'/,
      ],
      [{ objective: 'elbo', klWeight: -1 }, /^klWeight must be a finite number >= 0/],
      [{ objective: 'elbo', freeBits: -1 }, /^freeBits must be a finite number >= 0/],
      [
        { objective: 'elbo', freeBits: 1, kl: 'sampled' },
        /^kl must be 'auto' or 'analytic' with freeBits > 0/,
      ],
      [
        { objective: 'elbo', kl: 'analytic', gradientEstimator: 'dreg' },
        /^kl must be 'auto' or 'sampled' with gradientEstimator 'dreg'/,
      ],
      [{ objective: 'elbo', kl: 'exact' }, /^kl must be one of auto, analytic, sampled/],
    ];
    for (const [options, message] of cases) {
      expect(() => modelObjective(model, x, options as ObjectiveOptions)).toThrow(message);
    }
    const wrongBatch = { ...model, encode: () => model.encode(tf.ones([2, 3])) };
    expect(() => modelObjective(wrongBatch, x, { objective: 'iwae', k: 2 })).toThrow(
      /model.encode\(x\) must return a posterior with batchShape \[B\] = \[3\]/,
    );
  });

  it('returns finite [B] bounds and scalar losses, and leaks no tensors', async () => {
    for (const options of [
      { objective: 'elbo' },
      { objective: 'elbo', freeBits: 0.1, klWeight: 0.5 },
      { objective: 'iwae', k: 4, gradientEstimator: 'dreg' },
      { objective: 'miwae', k: 4, groups: 2 },
      { objective: 'ciwae', k: 4, beta: 0.5, gradientEstimator: 'dreg' },
      { objective: 'piwae', k: 4, groups: 2, gradientEstimator: 'dreg' },
    ] as ObjectiveOptions[]) {
      await expectNoLeaks(() => {
        const r = modelObjective(model, x, options);
        expect(r.bound.shape).toEqual([3]);
        expect(r.kl.shape).toEqual([3]);
        expect(r.reconstruction.shape).toEqual([3]);
        expect(r.encoderLoss.shape).toEqual([]);
        expectFinite(r.bound);
        return r;
      });
    }
  });
});
