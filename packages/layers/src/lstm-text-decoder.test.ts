import * as tf from '@tensorflow/tfjs-core';
import { expectAllClose, expectNoLeaks, normalSamples } from '@vaekit/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { LSTMTextDecoder } from './lstm-text-decoder';

const decoder = new LSTMTextDecoder(
  { vocabSize: 12, embeddingDim: 5, hiddenUnits: 6, latentDim: 3, wordDropout: 0.5 },
  { seed: 2 },
);
let z: tf.Tensor2D;
let x: tf.Tensor2D;
beforeAll(() => {
  z = tf.tensor2d(Float32Array.from(normalSamples(6, 3)), [2, 3]);
  // <bos>=2 w w <eos>=3 <pad>=0 (the SPECIAL_TOKENS defaults)
  x = tf.tensor2d(
    [
      [2, 5, 6, 3, 0],
      [2, 7, 3, 0, 0],
    ],
    undefined,
    'int32',
  );
});

/** log p(x|z) by stepping the decoder one token at a time (no teacher-forcing shortcut). */
function stepwiseLogProb(zz: tf.Tensor, rows: number[][]): number[] {
  return rows.map((row, n) =>
    tf.tidy(() => {
      const zn = tf.slice(zz, [n, 0], [1, 3]);
      let state = decoder.initialState(zn);
      let total = 0;
      for (let t = 1; t < row.length && row[t] !== 0; t++) {
        const { logits, state: s } = decoder.step(tf.tensor1d([row[t - 1]!], 'int32'), zn, state);
        const logp = tf.sub(logits, tf.logSumExp(logits, 1, true)).dataSync();
        total += logp[row[t]!]!;
        state = s;
      }
      return total;
    }),
  );
}

describe('LSTMTextDecoder', () => {
  it('teacher-forced log p(x|z) equals stepping the conditional language model, <eos> counted, <pad> not', () => {
    const lp = decoder.apply(z).logProb(x);
    expect(lp.shape).toEqual([2]);
    expectAllClose(lp, stepwiseLogProb(z, x.arraySync() as number[][]), { rtol: 1e-5 });
    // More trailing padding changes nothing.
    const padded = tf.concat([x, tf.zeros([2, 3], 'int32')], 1);
    expectAllClose(decoder.apply(z).logProb(padded), lp, { rtol: 1e-6 });
  });

  it('applies seeded word dropout to the inputs (not <bos>) in training mode only', () => {
    const train1 = decoder.apply(z, { training: true, seed: 4 }).logProb(x).dataSync();
    const train2 = decoder.apply(z, { training: true, seed: 4 }).logProb(x).dataSync();
    expect(Array.from(train2)).toEqual(Array.from(train1));
    const evalLp = decoder.apply(z).logProb(x).dataSync();
    expect(Array.from(train1)).not.toEqual(Array.from(evalLp));
    // Rate 1: every input but <bos> and <pad> is <unk> = 1.
    const all = new LSTMTextDecoder({ ...decoder.config, wordDropout: 1 }, { seed: 2 });
    all.apply(z).logProb(x); // builds
    all.layers.forEach((layer, i) => {
      layer.setWeights(decoder.layers[i]!.getWeights());
    });
    const unk = tf.tensor2d(
      [
        [2, 1, 1, 1, 0],
        [2, 1, 1, 0, 0],
      ],
      undefined,
      'int32',
    );
    const dropped = all.apply(z, { training: true, seed: 1 }).logits(x);
    expectAllClose(dropped, decoder.logits(z, tf.slice(unk, [0, 0], [2, 4])), {
      rtol: 1e-5,
      atol: 1e-6,
    });
  });

  it('differentiates into every decoder variable and leaks no tensors', async () => {
    const { grads } = tf.variableGrads(
      () => tf.neg(tf.sum(decoder.apply(z, { training: true, seed: 1 }).logProb(x))) as tf.Scalar,
      decoder.trainableVariables,
    );
    expect(Object.keys(grads)).toHaveLength(decoder.trainableVariables.length);
    for (const g of Object.values(grads))
      expect(tf.max(tf.abs(g)).dataSync()[0]).toBeGreaterThan(0);
    tf.dispose(Object.values(grads));
    await expectNoLeaks(() => decoder.apply(z, { training: true, seed: 2 }).logProb(x));
    await expectNoLeaks(() => decoder.generate(z, { method: 'beam', beamWidth: 3, maxLength: 4 }));
    await expectNoLeaks(() => decoder.generate(z, { method: 'sample', seed: 1, maxLength: 4 }));
    expect(() => decoder.apply(tf.zeros([2, 4]))).toThrow(/z must be of shape \[N, 3\]/);
  });
});

/**
 * Pearson's chi-square statistic of `counts` against `probabilities` (bins with fewer than 5
 * expected draws pooled into one) and its 0.9995 quantile under the null (Wilson-Hilferty).
 */
function chiSquare(
  counts: number[],
  probabilities: number[],
): { statistic: number; critical: number } {
  const total = counts.reduce((a, b) => a + b, 0);
  const bins: [number, number][] = [];
  let pooled: [number, number] = [0, 0];
  counts.forEach((c, i) => {
    const e = probabilities[i]! * total;
    if (e < 5) pooled = [pooled[0] + c, pooled[1] + e];
    else bins.push([c, e]);
  });
  if (pooled[1] > 0) bins.push(pooled);
  const statistic = bins.reduce((s, [o, e]) => s + (o - e) ** 2 / e, 0);
  const k = bins.length - 1;
  const z = 3.29; // one-sided 0.9995 normal quantile
  const critical = k * (1 - 2 / (9 * k) + z * Math.sqrt(2 / (9 * k))) ** 3;
  return { statistic, critical };
}

describe('TokenLikelihood.sample', () => {
  const V = 6;
  const M = 20000;
  const sampler = new LSTMTextDecoder(
    { vocabSize: V, embeddingDim: 4, hiddenUnits: 6, latentDim: 2 },
    { seed: 8 },
  );
  const { bosId, eosId, padId } = sampler.config;
  let z1: tf.Tensor2D;
  beforeAll(() => {
    sampler.build();
    // Sharper, more distinct next-token distributions than the initial weights give.
    const [kernel, bias] = sampler.output.getWeights();
    sampler.output.setWeights([tf.mul(kernel!, 6), bias!]);
    z1 = tf.tensor2d([[1.2, -0.8]]);
  });

  /** `softmax(logits)` of the step after `token` from the initial state, as numbers. */
  const nextProbabilities = (state: tf.Tensor[], token: number) =>
    tf.tidy(() => {
      const { logits, state: next } = sampler.step(tf.tensor1d([token], 'int32'), z1, state);
      return { p: Array.from(tf.softmax(logits).dataSync()), state: next.map((s) => tf.keep(s)) };
    });

  it('draws sentences <bos> w.. <eos> <pad>.. of maxLength + 1 ids, reproducibly from a seed', () => {
    const z = tf.tile(z1, [8, 1]);
    const px = sampler.apply(z);
    const a = px.sample({ seed: 1, maxLength: 5 });
    expect([a.shape, a.dtype]).toEqual([[8, 6], 'int32']);
    expect(Array.from(px.sample({ seed: 1, maxLength: 5 }).dataSync())).toEqual(
      Array.from(a.dataSync()),
    );
    expect(Array.from(px.sample({ seed: 2, maxLength: 5 }).dataSync())).not.toEqual(
      Array.from(a.dataSync()),
    );
    for (const row of a.arraySync() as number[][]) {
      expect(row[0]).toBe(bosId);
      const end = row.indexOf(eosId, 1);
      if (end >= 0) expect(row.slice(end + 1).every((t) => t === padId)).toBe(true);
    }
    // Samples are what the likelihood scores; the default length is 30 tokens.
    expect(Array.from(px.logProb(a).dataSync()).every(Number.isFinite)).toBe(true);
    expect(px.sample({ seed: 3 }).shape).toEqual([8, 31]);
    expect(() => px.sample({ maxLength: 0 })).toThrow(
      /TokenLikelihood sample maxLength must be a positive integer, got 0/,
    );
  });

  it('is a draw from p(x | z): two-token sentences follow p(x_1 | z) p(x_2 | x_1, z) (chi-square)', () => {
    const draws = tf.tidy(() =>
      sampler.apply(tf.tile(z1, [M, 1])).sample({ seed: 5, maxLength: 2 }),
    );
    const rows = draws.arraySync() as number[][];
    draws.dispose();
    // Outcomes: <eos> first (index eos), or (a, b) with a != <eos> (index V + a * V + b).
    const counts = new Array<number>(V + V * V).fill(0);
    for (const [, a, b] of rows) counts[a === eosId ? a : V + a! * V + b!]! += 1;
    const state0 = sampler.initialState(z1);
    const first = nextProbabilities(state0, bosId);
    const probabilities = new Array<number>(V + V * V).fill(0);
    probabilities[eosId] = first.p[eosId]!;
    for (let a = 0; a < V; a++) {
      if (a === eosId) continue;
      const second = nextProbabilities(first.state, a);
      for (let b = 0; b < V; b++) probabilities[V + a * V + b] = first.p[a]! * second.p[b]!;
      tf.dispose(second.state);
    }
    tf.dispose([...state0, ...first.state]);
    expect(probabilities.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 5);
    const { statistic, critical } = chiSquare(counts, probabilities);
    expect(statistic).toBeLessThan(critical);
  });

  it('with teacherForcing: one draw per position from softmax(teacher-forced logits), shaped like x', () => {
    const x1 = [bosId, 4, 5, eosId, padId];
    const x = tf.tensor2d([x1], undefined, 'int32');
    const px = sampler.apply(z1);
    const one = px.sample({ seed: 4, teacherForcing: x });
    expect([one.shape, one.dtype]).toEqual([[1, 5], 'int32']);
    expect(Array.from(px.sample({ seed: 4, teacherForcing: x }).dataSync())).toEqual(
      Array.from(one.dataSync()),
    );
    const many = tf.tidy(() =>
      sampler.apply(tf.tile(z1, [M, 1])).sample({ seed: 6, teacherForcing: tf.tile(x, [M, 1]) }),
    );
    const rows = many.arraySync() as number[][];
    many.dispose();
    const probabilities = tf.tidy(() => tf.softmax(px.logits(x)).arraySync() as number[][][])[0]!;
    for (const row of rows) {
      expect(row[0]).toBe(bosId); // <bos> kept
      expect(row[4]).toBe(padId); // padding kept
    }
    for (let t = 1; t <= 3; t++) {
      const counts = new Array<number>(V).fill(0);
      for (const row of rows) counts[row[t]!]! += 1;
      const { statistic, critical } = chiSquare(counts, probabilities[t - 1]!);
      expect(statistic, `position ${t}`).toBeLessThan(critical);
    }
    expect(() => px.sample({ teacherForcing: tf.tensor2d([[bosId]], undefined, 'int32') })).toThrow(
      /TokenLikelihood x must be of shape \[N, T >= 2\]/,
    );
  });

  it('leaks no tensors', async () => {
    const x = tf.tensor2d([[bosId, 4, eosId]], undefined, 'int32');
    const px = sampler.apply(z1);
    await expectNoLeaks(() => px.sample({ seed: 1, maxLength: 4 }));
    await expectNoLeaks(() => px.sample({ seed: 1, teacherForcing: x }));
    x.dispose();
  });
});
