import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { adamStep, globalNormSquared } from './adam-step';
import { AdamWithClipping, type NamedTensor } from './adam-with-clipping';
import checkpoint from './test-support/adam-with-clipping-checkpoint.json';
import { expectBitIdentical, seededTensor, tensorBytes } from './test-support/bits';

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

/** A tensor from a fixture record (little-endian bytes, base64). */
function fromRecord(r: { dtype: string; shape: number[]; data: string }): tf.Tensor {
  const bytes = Buffer.from(r.data, 'base64');
  const copy = new Uint8Array(bytes).buffer;
  const values = r.dtype === 'int32' ? new Int32Array(copy) : new Float32Array(copy);
  return tf.tensor(values, r.shape, r.dtype as 'int32' | 'float32');
}

function expectSameState(actual: NamedTensor[], expected: NamedTensor[]): void {
  expect(actual.map((s) => s.name)).toEqual(expected.map((s) => s.name));
  for (const [i, s] of actual.entries()) expectBitIdentical(s.tensor, expected[i]!.tensor);
}

describe('AdamWithClipping', () => {
  it('is bit-identical to tf.train.adam on the clipped gradients, with and without clipping', () => {
    for (const clipNorm of [0, 1]) {
      const ours = makeVariables(`ours-${clipNorm}`);
      const theirs = makeVariables(`theirs-${clipNorm}`);
      const optimizer = new AdamWithClipping(3e-3, clipNorm);
      const reference = tf.train.adam(3e-3);
      expect(optimizer.lastGradNorm).toBeNaN();
      let clipped = 0;
      for (let step = 0; step < 6; step++) {
        // Large gradients on even steps: clipping applies when clipNorm = 1.
        const scale = step % 2 === 0 ? 10 : 0.01;
        const g1 = gradientsFor(ours, step, scale);
        const g2 = gradientsFor(theirs, step, scale);
        // Both forms of tfjs's applyGradients: a name -> gradient map and a { name, tensor } list.
        optimizer.applyGradients(
          step < 3 ? g1 : Object.entries(g1).map(([name, tensor]) => ({ name, tensor })),
        );
        const norm = optimizer.lastGradNorm;
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
      expect(optimizer.iterations).toBe(6);
      optimizer.dispose();
      reference.dispose();
      tf.dispose([...ours, ...theirs]);
    }
  });

  it('flushes subnormal moments to zero and still gives tf.train.adam weights bit for bit', async () => {
    // Sparse gradients (each entry nonzero on 2% of steps) and beta1 = 0.5: a moment decays by
    // half on every zero-gradient step, into the subnormals after ~126 of them.
    const shape = [64, 33];
    const ours = tf.variable(randomTensor(shape, 5), true, 'flush-ours');
    const theirs = tf.variable(randomTensor(shape, 5), true, 'flush-theirs');
    const optimizer = new AdamWithClipping(1e-3, 0, 0.5, 0.999, 1e-7);
    const reference = tf.train.adam(1e-3, 0.5, 0.999, 1e-7);
    const isSubnormal = (x: number) => x !== 0 && Math.abs(x) < 2 ** -126;
    let referenceSubnormals = 0;
    for (let step = 0; step < 400; step++) {
      const g = tf.tidy(() =>
        tf.mul(
          randomTensor(shape, 7000 + step),
          tf.cast(tf.less(tf.abs(randomTensor(shape, 9000 + step)), 0.02), 'float32'),
        ),
      );
      optimizer.applyGradients({ [ours.name]: g });
      reference.applyGradients([{ name: theirs.name, tensor: g }]);
      g.dispose();
      if (step % 50 === 49) {
        const oursState = await optimizer.getWeights(); // copies (tf.train.adam's: its own)
        const [, mOurs] = oursState;
        const [, mTheirs] = await reference.getWeights();
        const a = mOurs!.tensor.dataSync();
        const b = mTheirs!.tensor.dataSync();
        for (let i = 0; i < a.length; i++) {
          expect(isSubnormal(a[i]!)).toBe(false);
          // Where tfjs's moment is subnormal ours is zero; elsewhere the same value (a zero's
          // sign may differ once a flushed moment has decayed: it adds -0 or +0 to x, nothing).
          if (isSubnormal(b[i]!)) referenceSubnormals++;
          expect(a[i] === (isSubnormal(b[i]!) ? 0 : b[i])).toBe(true);
        }
        tf.dispose(oursState.map((w) => w.tensor));
      }
    }
    // The case was exercised, and the weights are tfjs's bit for bit.
    expect(referenceSubnormals).toBeGreaterThan(10);
    expectBitIdentical(ours, theirs);
    optimizer.dispose();
    reference.dispose();
    tf.dispose([ours, theirs]);
  });

  it('follows tf.train.adam bit for bit through a change of learning rate', () => {
    const ours = makeVariables('lr-ours');
    const theirs = makeVariables('lr-theirs');
    const optimizer = new AdamWithClipping(1e-2, 0);
    const reference = tf.train.adam(1e-2);
    for (let step = 0; step < 4; step++) {
      if (step === 2) {
        optimizer.learningRate = 1e-3;
        // tfjs's AdamOptimizer keeps its learning rate in a protected field.
        (reference as unknown as { learningRate: number }).learningRate = 1e-3;
      }
      const g1 = gradientsFor(ours, step, 1);
      const g2 = gradientsFor(theirs, step, 1);
      optimizer.applyGradients(g1);
      reference.applyGradients(g2 as Record<string, tf.Variable>); // typed so in tfjs
      tf.dispose([...Object.values(g1), ...Object.values(g2)]);
    }
    expect(optimizer.learningRate).toBe(1e-3);
    for (const [i, v] of ours.entries()) expectBitIdentical(v, theirs[i]!);
    optimizer.dispose();
    reference.dispose();
    tf.dispose([...ours, ...theirs]);
  });

  it('is a tf.Optimizer: minimize() steps as applyGradients() on the same gradients', () => {
    const viaMinimize = makeVariables('minimize-a');
    const viaApply = makeVariables('minimize-b');
    const loss = (vars: tf.Variable[]) => () =>
      tf.addN(vars.map((v, i) => tf.sum(tf.mul(tf.square(v), i + 1)))) as tf.Scalar;
    const a = new AdamWithClipping(1e-2, 1);
    const b = new AdamWithClipping(1e-2, 1);
    expect(a).toBeInstanceOf(tf.Optimizer);
    for (let step = 0; step < 3; step++) {
      const cost = a.minimize(loss(viaMinimize), true, viaMinimize);
      const { value, grads } = tf.variableGrads(loss(viaApply), viaApply);
      b.applyGradients(grads);
      expect(cost!.dataSync()[0]).toBe(value.dataSync()[0]);
      expect(a.lastGradNorm).toBe(b.lastGradNorm);
      tf.dispose([cost!, value, ...Object.values(grads)]);
    }
    expect(a.lastGradNorm).toBeGreaterThan(1); // clipped
    for (const [i, v] of viaMinimize.entries()) expectBitIdentical(v, viaApply[i]!);
    a.dispose();
    b.dispose();
    tf.dispose([...viaMinimize, ...viaApply]);
  });

  it('resumes bit for bit from getWeights/setWeights, and leaks nothing', async () => {
    const vars = makeVariables('resume');
    const first = new AdamWithClipping(1e-2, 5);
    const run = (opt: AdamWithClipping, step: number) => {
      const g = gradientsFor(vars, step, 3);
      opt.applyGradients(g);
      tf.dispose(Object.values(g));
    };
    const baseline = tf.memory().numTensors;
    // At step 20, 1 - beta2^t from tfjs's repeated float32 products differs from a power's.
    for (let step = 0; step < 20; step++) run(first, step);
    const saved = vars.map((v) => v.clone());
    const state = await first.getWeights();
    expect(state.map((s) => s.name)).toEqual([
      'iter',
      ...SHAPES.map((_, i) => `resume/${i}/m`),
      ...SHAPES.map((_, i) => `resume/${i}/v`),
      'adam/accBeta1',
      'adam/accBeta2',
    ]);
    expect(state[0]!.tensor.dtype).toBe('int32');
    const before = tf.memory().numTensors;
    for (let step = 20; step < 23; step++) run(first, step);
    expect(tf.memory().numTensors).toBe(before);
    const uninterrupted = vars.map((v) => v.clone());

    for (const [i, v] of vars.entries()) v.assign(saved[i]!);
    const second = new AdamWithClipping(1e-2, 5);
    await second.setWeights(state);
    expect(second.iterations).toBe(20);
    for (let step = 20; step < 23; step++) run(second, step);
    for (const [i, v] of vars.entries()) expectBitIdentical(v, uninterrupted[i]!);
    first.dispose();
    second.dispose();
    tf.dispose([...saved, ...uninterrupted, ...state.map((s) => s.tensor)]);
    // The optimizers' moments and every copy are freed: only the variables are left.
    expect(tf.memory().numTensors).toBe(baseline);
    tf.dispose(vars);
  });

  it('restores a checkpoint written by @vaekit/backend 0.1 (getState) and continues it bit for bit', async () => {
    // The variables of the fixture under other names: moments restore by position.
    const vars = checkpoint.variables.map((r, i) =>
      tf.variable(fromRecord(r), true, `restored-${i}`),
    );
    const state = checkpoint.state.map((r) => ({ name: r.name, tensor: fromRecord(r) }));
    const optimizer = new AdamWithClipping(checkpoint.learningRate, checkpoint.clipNorm);
    await optimizer.setWeights(state);
    expect(optimizer.iterations).toBe(checkpoint.step);
    // Saving again writes the very same names, dtypes, shapes and bytes.
    const resaved = await optimizer.getWeights();
    expectSameState(resaved, state);
    for (const gradients of checkpoint.gradients) {
      const g = gradients.map((r, i) => ({ name: vars[i]!.name, tensor: fromRecord(r) }));
      optimizer.applyGradients(g);
      tf.dispose(g.map((x) => x.tensor));
    }
    for (const [i, r] of checkpoint.after.entries()) {
      const expected = fromRecord(r);
      expectBitIdentical(vars[i]!, expected);
      expected.dispose();
    }
    optimizer.dispose();
    tf.dispose([...vars, ...state.map((s) => s.tensor), ...resaved.map((s) => s.tensor)]);
  });

  it('restores a tf.train.adam state (no beta^t products) as tfjs does', async () => {
    const vars = makeVariables('from-tfjs');
    const reference = tf.train.adam(1e-2);
    const g = gradientsFor(vars, 0, 1);
    reference.applyGradients(g as Record<string, tf.Variable>);
    const optimizer = new AdamWithClipping(1e-2, 0);
    await optimizer.setWeights(await reference.getWeights());
    expect(optimizer.iterations).toBe(1);
    const restored = await optimizer.getWeights();
    const accBeta1 = restored.find((s) => s.name === 'adam/accBeta1')!.tensor.dataSync()[0];
    expect(accBeta1).toBe(Math.fround(Math.fround(0.9) ** 2));
    expect(restored.filter((s) => s.name.endsWith('/m'))).toHaveLength(SHAPES.length);
    optimizer.dispose();
    reference.dispose();
    tf.dispose([...Object.values(g), ...vars, ...restored.map((s) => s.tensor)]);
  });

  it('is registered for tfjs serialization and round-trips its settings through getConfig', () => {
    const optimizer = new AdamWithClipping(2e-3, 5, 0.8, 0.99, 1e-6);
    expect(optimizer.getClassName()).toBe('AdamWithClipping');
    const [cls, fromConfig] =
      tf.serialization.SerializationMap.getMap().classNameMap['AdamWithClipping']!;
    expect(cls).toBe(AdamWithClipping);
    const copy = fromConfig(cls, optimizer.getConfig()) as AdamWithClipping;
    expect(copy).toBeInstanceOf(AdamWithClipping);
    expect(copy.getConfig()).toEqual({
      learningRate: 2e-3,
      clipNorm: 5,
      beta1: 0.8,
      beta2: 0.99,
      epsilon: 1e-6,
    });
    expect(new AdamWithClipping(1e-3, 0).getConfig()['epsilon']).toBe(tf.backend().epsilon());
  });

  it('rejects bad settings and gradients without a variable, naming them', () => {
    expect(() => new AdamWithClipping(0, 1)).toThrow(/learningRate must be > 0/);
    expect(() => new AdamWithClipping(1e-3, -1)).toThrow(/clipNorm must be >= 0/);
    expect(() => new AdamWithClipping(1e-3, 1, 1)).toThrow(/beta1 must be in \[0, 1\), got 1/);
    expect(() => new AdamWithClipping(1e-3, 1, 0.9, -0.1)).toThrow(/beta2 must be in \[0, 1\)/);
    expect(() => new AdamWithClipping(1e-3, 1, 0.9, 0.999, 0)).toThrow(/epsilon must be > 0/);
    const optimizer = new AdamWithClipping(1e-3, 0);
    expect(() => {
      optimizer.learningRate = Number.NaN;
    }).toThrow(/learningRate must be > 0, got NaN/);
    const g = tf.zeros([2]);
    expect(() => optimizer.applyGradients({ 'no-such-variable': g })).toThrow(
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
