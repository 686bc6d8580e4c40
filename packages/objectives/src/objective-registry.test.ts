import * as tf from '@tensorflow/tfjs-core';
import { expectAllClose, normalSamples } from '@vaekit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ciwae } from './bounds/ciwae';
import { elbo } from './bounds/elbo';
import { iwae } from './bounds/iwae';
import { miwae } from './bounds/miwae';
import { piwae } from './bounds/piwae';
import { dregIwaeSurrogate } from './dreg-surrogate';
import { modelObjective } from './model-objective';
import { disposeObjectiveGradients, objectiveGradients } from './objective-gradients';
import { type ObjectiveOptions, resolveObjectiveOptions } from './objective-options';
import {
  OBJECTIVE_KINDS,
  OBJECTIVES,
  objectiveNames,
  objectiveSpec,
  registerObjective,
} from './objective-registry';
import type { ObjectiveSpec } from './objective-spec';
import { perturbedModel } from './testing/fixtures';
import type { LinearGaussianModel } from './testing/linear-gaussian-model';

const K = 12;
const B = 3;
const data = Array.from(normalSamples(K * B, 21), (v) => 3 * v - 10);

/** The options each built-in objective is checked with. */
const OPTIONS: Record<string, ObjectiveOptions> = {
  elbo: { objective: 'elbo', k: K },
  iwae: { objective: 'iwae', k: K },
  miwae: { objective: 'miwae', k: K, groups: 4 },
  ciwae: { objective: 'ciwae', k: K, beta: 0.3 },
  piwae: { objective: 'piwae', k: K, groups: 3 },
};

/** The midpoint of the ELBO and IWAE_K: CIWAE with beta = 1/2, written as a user would. */
const midpoint: ObjectiveSpec = {
  name: 'midpoint',
  label: 'Midpoint',
  reference: 'Rainforth et al. 2018 (CIWAE with beta = 1/2)',
  description: 'mean of the ELBO and IWAE_K',
  uses: ['k'],
  validate(_options, k) {
    if (k % 2 !== 0) throw new Error(`k must be even for objective 'midpoint', got ${k}`);
  },
  bound: (logWeights) => tf.mul(tf.add(elbo(logWeights), iwae(logWeights)), 0.5),
};

function bits(t: tf.Tensor): number[] {
  return Array.from(t.dataSync());
}

describe('OBJECTIVES', () => {
  it('lists the five built-in objectives by name, with menu text, paper and options', () => {
    expect(OBJECTIVE_KINDS).toEqual(['elbo', 'iwae', 'miwae', 'ciwae', 'piwae']);
    expect(Object.keys(OBJECTIVES)).toEqual([...OBJECTIVE_KINDS]);
    expect(Object.values(OBJECTIVES).map((s) => s.label)).toEqual([
      'ELBO',
      'IWAE',
      'MIWAE',
      'CIWAE',
      'PIWAE',
    ]);
    for (const [name, spec] of Object.entries(OBJECTIVES)) {
      expect(spec.name).toBe(name);
      expect(objectiveSpec(name)).toBe(spec);
      expect(spec.reference).toMatch(/\d{4}, "/);
      expect(spec.description.length).toBeGreaterThan(10);
      expect(spec.uses).toContain('k');
      expect(spec.dregSurrogate).toBeTypeOf('function');
    }
    // What a CLI needs to say "--groups does not apply to elbo".
    expect(OBJECTIVES.elbo.uses).not.toContain('groups');
    expect(OBJECTIVES.miwae.uses).toContain('groups');
    expect(OBJECTIVES.piwae.uses).toContain('groups');
    expect(OBJECTIVES.ciwae.uses).toContain('beta');
    expect(Object.values(OBJECTIVES).filter((s) => s.uses.includes('klWeight'))).toEqual([
      OBJECTIVES.elbo,
    ]);
    expect(Object.isFrozen(OBJECTIVES)).toBe(true);
  });

  it("each spec's bound is its bound function, bit for bit", () => {
    tf.tidy(() => {
      const lw = tf.tensor2d(data, [K, B]);
      const o = (name: string) => resolveObjectiveOptions(OPTIONS[name]!);
      const expected: Record<string, tf.Tensor> = {
        elbo: elbo(lw),
        iwae: iwae(lw),
        miwae: miwae(lw, { groups: 4 }),
        ciwae: ciwae(lw, { beta: 0.3 }),
        piwae: piwae(lw, { groups: 3 }).generative,
      };
      for (const name of OBJECTIVE_KINDS) {
        const got = OBJECTIVES[name].bound(lw, o(name));
        expect(got.shape, name).toEqual([B]);
        expect(bits(got), name).toEqual(bits(expected[name]!));
      }
      // PIWAE's encoder ascends MIWAE(M, K/M); the others give no separate encoder bound.
      const terms = {
        logWeights: lw,
        logLikelihood: lw,
        logPrior: tf.zerosLike(lw),
        logPosterior: tf.zerosLike(lw),
        bound: iwae(lw),
      };
      expect(bits(OBJECTIVES.piwae.encoderBound!(terms, o('piwae')))).toEqual(
        bits(piwae(lw, { groups: 3 }).inference),
      );
      for (const name of ['elbo', 'iwae', 'miwae', 'ciwae'] as const) {
        expect(OBJECTIVES[name].encoderBound, name).toBeUndefined();
      }
      // The ELBO's decoder bound is the bound itself at klWeight 1, the weighted one otherwise.
      const elboTerms = { ...terms, bound: elbo(lw) };
      expect(OBJECTIVES.elbo.decoderBound!(elboTerms, o('elbo'))).toBe(elboTerms.bound);
      const weighted = OBJECTIVES.elbo.decoderBound!(
        { ...elboTerms, logPrior: tf.fill([K, B], -2), logPosterior: tf.fill([K, B], 1) },
        resolveObjectiveOptions({ objective: 'elbo', k: K, klWeight: 0.25 }),
      );
      expectAllClose(weighted, tf.sub(elbo(lw), 0.75), { rtol: 1e-6 });
    });
  });

  it('builds the DReG surrogates: groups for miwae and piwae, the ELBO mixed in for ciwae', () => {
    tf.tidy(() => {
      const lw = tf.tensor2d(data, [K, B]);
      const detached = tf.sub(lw, 0.5);
      const terms = {
        logWeights: lw,
        logLikelihood: lw,
        logPrior: tf.zerosLike(lw),
        logPosterior: tf.zerosLike(lw),
        logPosteriorDetached: tf.fill([K, B], 0.5),
        logWeightsDetached: detached,
        bound: iwae(lw),
      };
      const o = (name: string) => resolveObjectiveOptions(OPTIONS[name]!);
      const surrogate = (name: string) => bits(objectiveSpec(name).dregSurrogate!(terms, o(name)));
      expect(surrogate('iwae')).toEqual(bits(dregIwaeSurrogate(detached, 1)));
      expect(surrogate('miwae')).toEqual(bits(dregIwaeSurrogate(detached, 4)));
      expect(surrogate('piwae')).toEqual(bits(dregIwaeSurrogate(detached, 3)));
      expect(surrogate('ciwae')).toEqual(
        bits(tf.add(tf.mul(elbo(lw), 0.3), tf.mul(dregIwaeSurrogate(detached, 1), 0.7))),
      );
      // ELBO (klWeight 1): the mean of log p(x|z) + log p(z) - log q_sg(z|x).
      expectAllClose(objectiveSpec('elbo').dregSurrogate!(terms, o('elbo')), elbo(detached), {
        rtol: 1e-6,
      });
    });
  });
});

describe('objectiveSpec', () => {
  it('throws on unknown names, naming every valid choice', () => {
    expect(() => objectiveSpec('vae')).toThrow(
      /^objective must be one of elbo, iwae, miwae, ciwae, piwae, got "vae"$/,
    );
    expect(() => objectiveSpec('toString')).toThrow(/^objective must be one of/);
    expect(() => resolveObjectiveOptions({ objective: 'vae' })).toThrow(
      /^objective must be one of elbo, iwae, miwae, ciwae, piwae, got "vae"$/,
    );
    const unregister = registerObjective(midpoint);
    try {
      expect(objectiveNames()).toEqual([...OBJECTIVE_KINDS, 'midpoint']);
      expect(() => objectiveSpec('vae')).toThrow(
        /^objective must be one of elbo, iwae, miwae, ciwae, piwae, midpoint, got "vae"$/,
      );
    } finally {
      unregister();
    }
    expect(() => objectiveSpec('midpoint')).toThrow(/^objective must be one of .*piwae, got/);
    expect(objectiveNames()).toEqual([...OBJECTIVE_KINDS]);
  });
});

describe('registerObjective', () => {
  let model: LinearGaussianModel;
  let x: tf.Tensor;
  beforeAll(() => {
    model = perturbedModel(0.2);
    x = model.sample(3, 5);
  });
  afterAll(() => {
    x.dispose();
    model.dispose();
  });
  const variables = () => ({ encoder: model.encoderVariables, decoder: model.decoderVariables });

  it('rejects malformed specs and taken names, naming the field', () => {
    expect(() => registerObjective({ ...midpoint, name: 'iwae' })).toThrow(
      /^spec.name must be a name not yet taken \(taken: elbo, iwae, miwae, ciwae, piwae\), got "iwae"/,
    );
    expect(() => registerObjective({ ...midpoint, name: 'Mid Point' })).toThrow(
      /^spec.name must be a lower-case name/,
    );
    expect(() => registerObjective({ ...midpoint, label: '' })).toThrow(
      /^spec.label must be a non-empty string/,
    );
    expect(() =>
      registerObjective({ ...midpoint, uses: ['k', 'alpha'] } as unknown as ObjectiveSpec),
    ).toThrow(/^spec.uses must be a list of option names among k, groups, beta, klWeight/);
    expect(() =>
      registerObjective({ ...midpoint, bound: undefined } as unknown as ObjectiveSpec),
    ).toThrow(/^spec.bound must be a function/);
    expect(() =>
      registerObjective({ ...midpoint, encoderBound: 1 } as unknown as ObjectiveSpec),
    ).toThrow(/^spec.encoderBound must be a function or undefined/);
    const unregister = registerObjective(midpoint);
    try {
      expect(() => registerObjective(midpoint)).toThrow(
        /^spec.name must be a name not yet taken \(taken: .*, midpoint\)/,
      );
    } finally {
      unregister();
    }
  });

  it('a registered objective trains through objectiveGradients, with its own checks', () => {
    const unregister = registerObjective(midpoint);
    try {
      // Its own validation, and the common ones.
      expect(() => modelObjective(model, x, { objective: 'midpoint', k: 3 })).toThrow(
        /^k must be even for objective 'midpoint', got 3/,
      );
      expect(() => modelObjective(model, x, { objective: 'midpoint' })).toThrow(
        /^k must be a positive integer .*required for objective 'midpoint'/,
      );
      expect(() =>
        modelObjective(model, x, { objective: 'midpoint', k: 4, gradientEstimator: 'dreg' }),
      ).toThrow(
        /^gradientEstimator must be 'reparameterized' for objective 'midpoint' \(it defines no DReG surrogate\)/,
      );
      // Same draws, same gradients as the built-in it equals (CIWAE with beta = 1/2), one pass.
      const mine = objectiveGradients(
        model,
        x,
        { objective: 'midpoint', k: 6, seed: 4 },
        variables(),
      );
      const builtIn = objectiveGradients(
        model,
        x,
        { objective: 'ciwae', k: 6, beta: 0.5, seed: 4 },
        variables(),
      );
      expect(mine.passes).toBe(1);
      expectAllClose(mine.bound, builtIn.bound, { rtol: 1e-5 });
      for (const v of [...model.encoderVariables, ...model.decoderVariables]) {
        const got = mine.encoderGrads[v.name] ?? mine.decoderGrads[v.name]!;
        const want = builtIn.encoderGrads[v.name] ?? builtIn.decoderGrads[v.name]!;
        expectAllClose(got, want, { rtol: 1e-4, atol: 1e-6 });
      }
      disposeObjectiveGradients(mine);
      disposeObjectiveGradients(builtIn);

      // A few steps of gradient descent on its loss raise its bound on a fixed seed.
      const evaluate = () =>
        tf.tidy(
          () =>
            tf
              .mean(modelObjective(model, x, { objective: 'midpoint', k: 6, seed: 9 }).bound)
              .dataSync()[0]!,
        );
      const before = evaluate();
      const saved = [...model.encoderVariables, ...model.decoderVariables].map((v) => v.clone());
      for (let step = 0; step < 20; step++) {
        const g = objectiveGradients(
          model,
          x,
          { objective: 'midpoint', k: 6, seed: step },
          variables(),
        );
        for (const v of [...model.encoderVariables, ...model.decoderVariables]) {
          const grad = g.encoderGrads[v.name] ?? g.decoderGrads[v.name]!;
          v.assign(tf.tidy(() => tf.sub(v, tf.mul(grad, 0.02))));
        }
        disposeObjectiveGradients(g);
      }
      expect(evaluate()).toBeGreaterThan(before + 0.05);
      [...model.encoderVariables, ...model.decoderVariables].forEach((v, i) => {
        v.assign(saved[i]!);
      });
      tf.dispose(saved);
    } finally {
      unregister();
    }
    expect(() => modelObjective(model, x, { objective: 'midpoint', k: 4 })).toThrow(
      /^objective must be one of elbo, iwae, miwae, ciwae, piwae, got "midpoint"/,
    );
  });

  it('a separate encoder bound and a DReG surrogate give two passes, like PIWAE', () => {
    const unregister = registerObjective({
      ...midpoint,
      name: 'my-piwae',
      uses: ['k', 'groups'],
      validate: OBJECTIVES.piwae.validate,
      bound: OBJECTIVES.piwae.bound,
      encoderBound: OBJECTIVES.piwae.encoderBound,
      dregSurrogate: OBJECTIVES.piwae.dregSurrogate,
    });
    try {
      for (const gradientEstimator of ['reparameterized', 'dreg'] as const) {
        const options = { k: 6, groups: 3, seed: 2, gradientEstimator };
        const mine = objectiveGradients(
          model,
          x,
          { ...options, objective: 'my-piwae' },
          variables(),
        );
        const builtIn = objectiveGradients(
          model,
          x,
          { ...options, objective: 'piwae' },
          variables(),
        );
        expect(mine.passes).toBe(2);
        expect(bits(mine.encoderLoss)).toEqual(bits(builtIn.encoderLoss));
        expect(bits(mine.decoderLoss)).toEqual(bits(builtIn.decoderLoss));
        for (const v of model.encoderVariables) {
          expect(bits(mine.encoderGrads[v.name]!)).toEqual(bits(builtIn.encoderGrads[v.name]!));
        }
        disposeObjectiveGradients(mine);
        disposeObjectiveGradients(builtIn);
      }
      expect(() => modelObjective(model, x, { objective: 'my-piwae', k: 6 })).toThrow(
        /^groups must be given for objective 'piwae'/,
      );
    } finally {
      unregister();
    }
  });
});
