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
