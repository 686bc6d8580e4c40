import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks, normalSamples } from '@vaekit/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { categoricalLogProb } from '../categorical-log-prob';
import { LSTMTextDecoder } from '../lstm-text-decoder';
import { nonPadRows, nonPadTokenLogProb } from './non-pad-token-log-prob';

/** Equal element by element (`===`: +0 equals -0, NaN equals nothing), with the first mismatch. */
function expectSameValues(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (actual[i] !== expected[i]) {
      throw new Error(`element ${i}: ${actual[i]} !== ${expected[i]}`);
    }
  }
}

// Sentences of different lengths padded to the longest (<bos>=2 ... <eos>=3 <pad>=0), as
// padSequences batches them: most positions of the short rows are padding.
const ROWS = [
  [2, 5, 6, 7, 8, 9, 10, 11, 3],
  [2, 7, 3, 0, 0, 0, 0, 0, 0],
  [2, 4, 4, 5, 3, 0, 0, 0, 0],
  [2, 3, 0, 0, 0, 0, 0, 0, 0],
];

describe('nonPadRows', () => {
  it('lists the non-pad positions row-major, or null when nothing is padded or all is', () => {
    const t = tf.tensor2d(
      [
        [5, 3, 0],
        [3, 0, 0],
      ],
      undefined,
      'int32',
    );
    expect(Array.from(nonPadRows(t, 0)!)).toEqual([0, 1, 3]);
    expect(nonPadRows(tf.tensor2d([[5, 3]], undefined, 'int32'), 0)).toBeNull();
    expect(nonPadRows(tf.tensor2d([[0, 0]], undefined, 'int32'), 0)).toBeNull();
  });
});

describe('nonPadTokenLogProb', () => {
  const decoder = new LSTMTextDecoder(
    { vocabSize: 13, embeddingDim: 5, hiddenUnits: 6, latentDim: 3 },
    { seed: 4 },
  );
  let z: tf.Tensor2D;
  let x: tf.Tensor2D;
  beforeAll(() => {
    z = tf.tensor2d(Float32Array.from(normalSamples(12, 7)), [4, 3]);
    x = tf.tensor2d(ROWS, undefined, 'int32');
    decoder.build();
  });

  /** The reference: every position projected, padding masked by categoricalLogProb. */
  const fullLogProb = () =>
    tf.tidy(() => {
      const [N, T] = x.shape;
      const targets = tf.slice(x, [0, 1], [N, T - 1]);
      const inputs = tf.slice(x, [0, 0], [N, T - 1]);
      return categoricalLogProb(decoder.logits(z, inputs), targets, { padId: 0 });
    }) as tf.Scalar;

  it('gives the values and every decoder gradient of the full projection, bit for bit', () => {
    const packed = () => decoder.apply(z).logProb(x);
    const loss = (f: () => tf.Tensor) => () => tf.sum(tf.mul(f(), tf.tensor1d([1, -2, 3, 0.5])));
    const variables = decoder.trainableVariables;
    const a = tf.variableGrads(loss(packed) as () => tf.Scalar, variables);
    const b = tf.variableGrads(loss(fullLogProb) as () => tf.Scalar, variables);
    expectSameValues(packed().dataSync(), fullLogProb().dataSync());
    expectSameValues(a.value.dataSync(), b.value.dataSync());
    expect(Object.keys(a.grads).sort()).toEqual(Object.keys(b.grads).sort());
    for (const name of Object.keys(b.grads)) {
      expectSameValues(a.grads[name]!.dataSync(), b.grads[name]!.dataSync());
    }
    // The comparison can fail: a changed weight changes the gradient.
    expect(a.grads[variables[0]!.name]!.dataSync().some((g) => g !== 0)).toBe(true);
    tf.dispose([a.value, b.value, ...Object.values(a.grads), ...Object.values(b.grads)]);
  });

  it('projects only the non-pad rows', () => {
    const [N, T] = x.shape;
    const targets = tf.slice(x, [0, 1], [N, T - 1]) as tf.Tensor2D;
    const rows = nonPadRows(targets, 0)!;
    // 8 + 2 + 4 + 1 real targets (<eos> included) of 4 x 8 positions.
    expect(rows.length).toBe(15);
    const projected: number[] = [];
    const hidden = tf.reshape(decoder.hiddenStates(z, tf.slice(x, [0, 0], [N, T - 1])), [
      N * (T - 1),
      6,
    ]) as tf.Tensor2D;
    nonPadTokenLogProb(hidden, targets, rows, (h) => {
      projected.push(h.shape[0]);
      return decoder.project(h);
    }).dispose();
    expect(projected).toEqual([15]);
    tf.dispose([targets, hidden]);
  });

  it('frees its intermediates, forward and backward', async () => {
    await expectNoLeaks(() => {
      const g = tf.variableGrads(
        () => tf.sum(decoder.apply(z).logProb(x)) as tf.Scalar,
        decoder.trainableVariables,
      );
      tf.dispose([g.value, ...Object.values(g.grads)]);
    });
  });
});
