import * as tf from '@tensorflow/tfjs-core';
import {
  DiagonalNormal,
  HypersphericalUniform,
  klDivergence,
  VonMisesFisher,
} from '@vaekit/distributions';
import { expectAllClose, expectFinite, expectNoLeaks } from '@vaekit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeUnits, posteriorMean } from './metrics/active-units';
import { klToPrior } from './metrics/kl-to-prior';
import { mutualInformation } from './metrics/mutual-information';
import { importanceSampledNLL } from './metrics/nll';
import type { LatentVariableModel } from './model';
import { modelObjective } from './model-objective';
import { objectiveGradients } from './objective-gradients';
import type { ObjectiveOptions } from './objective-options';

const D = 4;
const DIM = 3;

/**
 * A small hyperspherical VAE: q(z|x) = vMF(normalise(x E + e), kappa), p(z) = U(S^2),
 * p(x|z) = N(z G + g, 0.5^2 I). kappa is learned (kappa = exp(logKappa)) or fixed (a number).
 */
function vmfModel(kappa: 'learned' | number) {
  const E = tf.variable(tf.randomNormal([D, DIM], 0, 0.7, 'float32', 1));
  const e = tf.variable(tf.randomNormal([DIM], 0, 0.1, 'float32', 2));
  const logKappa = tf.variable(tf.scalar(Math.log(10)));
  const G = tf.variable(tf.randomNormal([DIM, D], 0, 0.7, 'float32', 3));
  const g = tf.variable(tf.zeros([D]));
  const prior = new HypersphericalUniform({ dim: DIM });
  const model: LatentVariableModel = {
    prior,
    encode: (x) => {
      const raw = tf.add(tf.matMul(x, E), e);
      const meanDirection = tf.div(raw, tf.norm(raw, 'euclidean', -1, true));
      return new VonMisesFisher({
        meanDirection,
        concentration: kappa === 'learned' ? tf.exp(logKappa) : kappa,
      });
    },
    decode: (z) =>
      new DiagonalNormal({ loc: tf.add(tf.matMul(z, G), g), scale: tf.fill([D], 0.5) }),
  };
  return {
    model,
    encoder: kappa === 'learned' ? [E, e, logKappa] : [E, e],
    decoder: [G, g],
    logKappa,
    dispose: () => tf.dispose([E, e, logKappa, G, g]),
  };
}

let learned: ReturnType<typeof vmfModel>;
let fixed: ReturnType<typeof vmfModel>;
let x: tf.Tensor;
beforeAll(() => {
  learned = vmfModel('learned');
  fixed = vmfModel(20);
  x = tf.randomNormal([5, D], 0, 1, 'float32', 7);
});
afterAll(() => {
  learned.dispose();
  fixed.dispose();
  x.dispose();
});

const OBJECTIVES: ObjectiveOptions[] = [
  { objective: 'elbo' },
  { objective: 'elbo', k: 4, kl: 'sampled' },
  { objective: 'iwae', k: 8 },
  { objective: 'miwae', k: 8, groups: 2 },
  { objective: 'ciwae', k: 8, beta: 0.5 },
  { objective: 'piwae', k: 8, groups: 4 },
];

describe('modelObjective with a von Mises-Fisher posterior and a uniform prior', () => {
  it('computes finite bounds and losses, and finite, non-zero gradients for a learned concentration', () => {
    for (const base of OBJECTIVES) {
      for (const gradientEstimator of ['reparameterized', 'dreg'] as const) {
        if (gradientEstimator === 'dreg' && base.objective === 'elbo' && base.kl === undefined)
          continue;
        const options = { ...base, gradientEstimator, seed: 3 } as ObjectiveOptions;
        const g = objectiveGradients(learned.model, x, options, {
          encoder: learned.encoder,
          decoder: learned.decoder,
        });
        expect(g.bound.shape).toEqual([5]);
        expectFinite(g.bound, `${base.objective} bound`);
        expectFinite(g.encoderLoss);
        expectFinite(g.decoderLoss);
        for (const v of [...learned.encoder, ...learned.decoder]) {
          const grad = g.encoderGrads[v.name] ?? g.decoderGrads[v.name];
          expect(
            grad,
            `${base.objective}/${gradientEstimator}: gradient of ${v.name}`,
          ).toBeDefined();
          expectFinite(grad!, `${base.objective}/${gradientEstimator} gradient`);
        }
        const dKappa = g.encoderGrads[learned.logKappa.name]!.dataSync()[0]!;
        expect(
          Math.abs(dKappa),
          `${base.objective}/${gradientEstimator} d/d log kappa`,
        ).toBeGreaterThan(1e-6);
        tf.dispose(g as unknown as tf.TensorContainer);
      }
    }
  });

  it('has the closed-form KL to the uniform prior as its KL term, and a matching kappa gradient', () => {
    tf.tidy(() => {
      const r = modelObjective(learned.model, x, { objective: 'elbo', seed: 1 });
      const q = learned.model.encode(x);
      expectAllClose(r.kl, klDivergence(q, learned.model.prior), { rtol: 1e-5 });
      expectAllClose(r.bound, tf.sub(r.reconstruction, r.kl), { rtol: 1e-5 });
    });
    // With the reconstruction weighted out (klWeight 1 on a z-independent decoder) the loss is
    // KL(kappa): its gradient in log kappa matches a central difference of klToPrior.
    const flat: LatentVariableModel = {
      ...learned.model,
      prior: learned.model.prior,
      encode: (v) => learned.model.encode(v),
      decode: (z) => ({
        logProb: () => tf.zeros([z.shape[0]!]),
        sample: () => {
          throw new Error('this test likelihood is never sampled');
        },
      }),
    };
    const grad = tf.tidy(() => {
      const { grads } = tf.variableGrads(
        () => modelObjective(flat, x, { objective: 'elbo', seed: 2 }).encoderLoss,
        [learned.logKappa],
      );
      return grads[learned.logKappa.name]!.dataSync()[0]!;
    });
    const klAt = (logKappa: number) => {
      const saved = learned.logKappa.dataSync()[0]!;
      learned.logKappa.assign(tf.scalar(logKappa));
      const v = tf.tidy(() => tf.mean(klToPrior(learned.model, x)).dataSync()[0]!);
      learned.logKappa.assign(tf.scalar(saved));
      return v;
    };
    const h = 1e-2;
    const at = learned.logKappa.dataSync()[0]!;
    const numeric = (klAt(at + h) - klAt(at - h)) / (2 * h);
    expect(grad).toBeGreaterThan(0);
    expect(grad).toBeCloseTo(numeric, 2);
  });

  it('with a fixed concentration the KL is the same constant for every example', () => {
    tf.tidy(() => {
      const r = modelObjective(fixed.model, x, { objective: 'iwae', k: 4, seed: 1 });
      const kl = Array.from(r.kl.dataSync());
      for (const v of kl) expect(v).toBeCloseTo(kl[0]!, 5);
      expect(kl[0]!).toBeGreaterThan(0);
      const g = objectiveGradients(
        fixed.model,
        x,
        { objective: 'iwae', k: 4, gradientEstimator: 'dreg', seed: 1 },
        {
          encoder: fixed.encoder,
          decoder: fixed.decoder,
        },
      );
      for (const v of fixed.encoder) expectFinite(g.encoderGrads[v.name]!);
    });
  });

  it('keeps the identities: MIWAE(1, K) = IWAE_K, CIWAE(0) = IWAE_K', () => {
    tf.tidy(() => {
      const iw = modelObjective(learned.model, x, { objective: 'iwae', k: 6, seed: 4 }).bound;
      expectAllClose(
        modelObjective(learned.model, x, { objective: 'miwae', k: 6, groups: 1, seed: 4 }).bound,
        iw,
        {
          rtol: 1e-6,
        },
      );
      expectAllClose(
        modelObjective(learned.model, x, { objective: 'ciwae', k: 6, beta: 0, seed: 4 }).bound,
        iw,
        {
          rtol: 1e-6,
        },
      );
    });
  });

  it('refuses free bits, which needs a factorised KL', () => {
    expect(() => modelObjective(learned.model, x, { objective: 'elbo', freeBits: 0.5 })).toThrow(
      /free bits needs a factorised KL per latent dimension.*VonMisesFisher \|\| HypersphericalUniform/,
    );
  });

  it('supports the metrics: NLL, KL, mutual information, active units', () => {
    tf.tidy(() => {
      const nll = importanceSampledNLL(learned.model, x, { k: 200, chunkSize: 64, seed: 1 });
      expectFinite(nll);
      expectFinite(klToPrior(learned.model, x));
      const mi = mutualInformation(learned.model, x, { seed: 1 }).dataSync()[0]!;
      expect(Number.isFinite(mi)).toBe(true);
      expect(mi).toBeLessThan(Math.log(5) + 0.5);
      const au = activeUnits(posteriorMean(learned.model, x));
      expect(au.variances.length).toBe(DIM);
    });
  });

  it('leaks no tensors', async () => {
    await expectNoLeaks(() =>
      modelObjective(learned.model, x, {
        objective: 'piwae',
        k: 4,
        groups: 2,
        gradientEstimator: 'dreg',
        seed: 1,
      }),
    );
    await expectNoLeaks(() =>
      objectiveGradients(
        learned.model,
        x,
        { objective: 'iwae', k: 4, seed: 1 },
        { encoder: learned.encoder, decoder: learned.decoder },
      ),
    );
  });
});
