import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { adamStep, globalNormSquared } from './adam-step';
import { AdamWithClipping } from './adam-with-clipping';
import { seededTensor, tensorBytes } from './test-support/bits';

function randomTensor(shape: number[], seed: number, scale = 1): tf.Tensor {
  return seededTensor(shape, seed, { float: (u) => (u() * 2 - 1) * scale });
}

const SHAPES = [[7], [3, 5], [64, 33], [1], [2, 0]];

/** Variables of the given shapes, named `${prefix}/i`, with the same random start per index. */
function makeVariables(prefix: string): tf.Variable[] {
  return SHAPES.map((shape, i) => tf.variable(randomTensor(shape, 10 + i), true, `${prefix}/${i}`));
}

function gradientsFor(variables: tf.Variable[], step: number, scale: number): tf.NamedTensorMap {
  return Object.fromEntries(
    variables.map((v, i) => [v.name, randomTensor(v.shape, 1000 * step + i, scale)]),
  );
}

describe('AdamWithClipping', () => {
  it('is bit-identical to tf.train.adam on the clipped gradients, with and without clipping', () => {
    for (const clipNorm of [0, 1]) {
      const ours = makeVariables(`ours-${clipNorm}`);
      const theirs = makeVariables(`theirs-${clipNorm}`);
      const optimizer = new AdamWithClipping(3e-3, clipNorm);
      const reference = tf.train.adam(3e-3);
      let clipped = 0;
      for (let step = 0; step < 6; step++) {
        // Large gradients on even steps: clipping applies when clipNorm = 1.
        const scale = step % 2 === 0 ? 10 : 0.01;
        const g1 = gradientsFor(ours, step, scale);
        const g2 = gradientsFor(theirs, step, scale);
        const norm = optimizer.apply(g1);
        const expectedNorm = Math.sqrt(
          Object.values(g2).reduce(
            (s, g) => s + [...g.dataSync()].reduce((a, x) => a + x * x, 0),
            0,
          ),
        );
        expect(norm).toBeCloseTo(expectedNorm, 4);
        const clip = clipNorm > 0 && norm > clipNorm;
        if (clip) clipped++;
        const applied = clip
          ? Object.fromEntries(Object.entries(g2).map(([n, g]) => [n, tf.mul(g, clipNorm / norm)]))
          : g2;
        reference.applyGradients(applied);
        tf.dispose([...Object.values(g1), ...Object.values(g2), ...Object.values(applied)]);
        for (const [i, v] of ours.entries())
          expect(Buffer.compare(tensorBytes(v), tensorBytes(theirs[i]!))).toBe(0);
      }
      expect(clipped).toBe(clipNorm > 0 ? 3 : 0);
      optimizer.dispose();
      reference.dispose();
      tf.dispose([...ours, ...theirs]);
    }
  });

  it('resumes bit for bit from its saved state, and leaks nothing', async () => {
    const vars = makeVariables('resume');
    const first = new AdamWithClipping(1e-2, 5);
    const run = (opt: AdamWithClipping, step: number) => {
      const g = gradientsFor(vars, step, 3);
      opt.apply(g);
      tf.dispose(Object.values(g));
    };
    for (let step = 0; step < 3; step++) run(first, step);
    const saved = vars.map((v) => v.clone());
    const state = await first.getState();
    expect(state.map((s) => s.name)).toEqual(
      expect.arrayContaining(['iter', 'resume/0/m', 'resume/0/v', 'adam/accBeta1']),
    );
    const before = tf.memory().numTensors;
    for (let step = 3; step < 6; step++) run(first, step);
    expect(tf.memory().numTensors).toBe(before);
    const uninterrupted = vars.map((v) => v.clone());

    for (const [i, v] of vars.entries()) v.assign(saved[i]!);
    const second = new AdamWithClipping(1e-2, 5);
    await second.setState(state);
    expect(second.step).toBe(3);
    for (let step = 3; step < 6; step++) run(second, step);
    for (const [i, v] of vars.entries()) {
      expect(Buffer.compare(tensorBytes(v), tensorBytes(uninterrupted[i]!))).toBe(0);
    }
    first.dispose();
    second.dispose();
    tf.dispose([...vars, ...saved, ...uninterrupted, ...state.map((s) => s.tensor)]);
  });

  it('rejects bad settings and gradients without a variable, naming them', () => {
    expect(() => new AdamWithClipping(0, 1)).toThrow(/learningRate must be > 0/);
    expect(() => new AdamWithClipping(1e-3, -1)).toThrow(/clipNorm must be >= 0/);
    const g = tf.zeros([2]);
    expect(() => new AdamWithClipping(1e-3, 0).apply({ 'no-such-variable': g })).toThrow(
      /no variable named 'no-such-variable'/,
    );
    g.dispose();
  });
});

describe('adamStep', () => {
  it('refuses moments whose shape is not the parameter’s', () => {
    const x = tf.zeros([4]);
    const bad = tf.zeros([5]);
    const scalars = {
      learningRate: 1,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-7,
      accBeta1: 0.9,
      accBeta2: 0.999,
    };
    expect(() => adamStep(x, x, bad, x, scalars)).toThrow();
    tf.dispose([x, bad]);
  });
});

describe('globalNormSquared', () => {
  it('is the float64 sum of squares (to float32 rounding of the inputs off wasm)', () => {
    const tensors = [randomTensor([1001], 1, 100), randomTensor([3, 7], 2), randomTensor([0], 3)];
    const exact = tensors.reduce((s, t) => s + [...t.dataSync()].reduce((a, x) => a + x * x, 0), 0);
    const tolerance = tf.getBackend() === 'wasm' ? 1e-14 : 1e-6;
    expect(Math.abs(globalNormSquared(tensors) - exact) / exact).toBeLessThan(tolerance);
    expect(globalNormSquared([])).toBe(0);
    tf.dispose(tensors);
  });
});
