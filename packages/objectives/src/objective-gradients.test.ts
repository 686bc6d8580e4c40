import * as tf from '@tensorflow/tfjs-core';
import { expectAllClose, expectNoLeaks } from '@vaekit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelObjective } from './model-objective';
import { disposeObjectiveGradients, objectiveGradients } from './objective-gradients';
import type { ObjectiveOptions } from './objective-options';
import { perturbedModel } from './testing/fixtures';
import type { LinearGaussianModel } from './testing/linear-gaussian-model';

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

/** Reference: tf.variableGrads of each loss separately. */
function reference(
  options: ObjectiveOptions,
  which: 'encoderLoss' | 'decoderLoss',
  vars: tf.Variable[],
) {
  return tf.tidy(() => {
    const { grads } = tf.variableGrads(() => modelObjective(model, x, options)[which], vars);
    return vars.map((v) => Array.from(grads[v.name]!.dataSync()));
  });
}

describe('objectiveGradients', () => {
  it('gives each network the gradient of its own loss, in one pass when they share it', () => {
    for (const [options, passes] of [
      [{ objective: 'iwae', k: 5, seed: 3 }, 1],
      [{ objective: 'elbo', seed: 3, freeBits: 0.2 }, 1],
      [{ objective: 'miwae', k: 6, groups: 2, seed: 3 }, 1],
      [{ objective: 'piwae', k: 6, groups: 3, seed: 3 }, 2],
      [{ objective: 'iwae', k: 5, gradientEstimator: 'dreg', seed: 3 }, 2],
      [{ objective: 'ciwae', k: 5, beta: 0.3, gradientEstimator: 'dreg', seed: 3 }, 2],
    ] as [ObjectiveOptions, number][]) {
      const g = objectiveGradients(model, x, options, variables());
      expect(g.passes).toBe(passes);
      const enc = reference(options, 'encoderLoss', model.encoderVariables);
      const dec = reference(options, 'decoderLoss', model.decoderVariables);
      model.encoderVariables.forEach((v, i) => {
        expectAllClose(g.encoderGrads[v.name]!, enc[i]!, { rtol: 1e-4, atol: 1e-6 });
      });
      model.decoderVariables.forEach((v, i) => {
        expectAllClose(g.decoderGrads[v.name]!, dec[i]!, { rtol: 1e-4, atol: 1e-6 });
      });
      expect(Object.keys(g.encoderGrads).sort()).toEqual(
        model.encoderVariables.map((v) => v.name).sort(),
      );
      expect(Object.keys(g.decoderGrads).sort()).toEqual(
        model.decoderVariables.map((v) => v.name).sort(),
      );
      const r = modelObjective(model, x, options);
      expectAllClose(g.bound, r.bound, { rtol: 1e-6 });
      expectAllClose(g.encoderLoss, r.encoderLoss, { rtol: 1e-6 });
      expectAllClose(g.decoderLoss, r.decoderLoss, { rtol: 1e-6 });
      tf.dispose([g, r] as unknown as tf.TensorContainer);
    }
  });

  it('uses the same draws in both passes when no seed is given', () => {
    const seeds: (number | undefined)[] = [];
    const spy = {
      ...model,
      prior: model.prior,
      encode: (data: tf.Tensor) => {
        const q = model.encode(data);
        const rsample = q.rsample.bind(q);
        q.rsample = (shape, options = {}) => {
          seeds.push(options.seed);
          return rsample(shape, options);
        };
        return q;
      },
    };
    const g = objectiveGradients(spy, x, { objective: 'piwae', k: 4, groups: 2 }, variables());
    expect(seeds.length).toBe(2);
    expect(seeds[0]).toBeTypeOf('number');
    expect(seeds[1]).toBe(seeds[0]);
    tf.dispose(g as unknown as tf.TensorContainer);
  });

  it('skips a network with no variables, and rejects shared or missing variables', () => {
    const g = objectiveGradients(
      model,
      x,
      { objective: 'iwae', k: 4, gradientEstimator: 'dreg', seed: 1 },
      {
        encoder: model.encoderVariables,
        decoder: [],
      },
    );
    expect(g.passes).toBe(1);
    expect(Object.keys(g.decoderGrads)).toEqual([]);
    tf.dispose(g as unknown as tf.TensorContainer);
    expect(() =>
      objectiveGradients(
        model,
        x,
        { objective: 'iwae', k: 2 },
        { encoder: model.encoderVariables, decoder: model.encoderVariables },
      ),
    ).toThrow(/^variables.encoder and variables.decoder must not share variables/);
    expect(() =>
      objectiveGradients(model, x, { objective: 'iwae', k: 2 }, { encoder: [], decoder: [] }),
    ).toThrow(/^variables must hold at least one variable/);
    expect(() => objectiveGradients(model, x, { objective: 'iwae' }, variables())).toThrow(
      /^k must be/,
    );
  });

  it('leaks no tensors beyond what it returns', async () => {
    for (const options of [
      { objective: 'iwae', k: 3, seed: 1 },
      { objective: 'piwae', k: 4, groups: 2, gradientEstimator: 'dreg', seed: 1 },
    ] as ObjectiveOptions[]) {
      await expectNoLeaks(() => objectiveGradients(model, x, options, variables()));
    }
  });

  it('disposeObjectiveGradients frees every tensor of a result (shared or separate losses)', () => {
    for (const options of [
      { objective: 'iwae', k: 3, seed: 1 },
      { objective: 'piwae', k: 4, groups: 2, gradientEstimator: 'dreg', seed: 1 },
    ] as ObjectiveOptions[]) {
      const before = tf.memory().numTensors;
      const g = objectiveGradients(model, x, options, variables());
      expect(tf.memory().numTensors).toBeGreaterThan(before);
      disposeObjectiveGradients(g);
      expect(tf.memory().numTensors).toBe(before);
    }
  });
});
