import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expectAllClose, expectNoLeaks } from '@vaekit/test-utils';
import { describe, expect, it } from 'vitest';
import { TokenEmbedding, embeddingLookup, tokenEmbedding } from './token-embedding';

describe('tokenEmbedding', () => {
  it('looks rows up like tf.layers.embedding with the same table', () => {
    const ours = tokenEmbedding({ inputDim: 7, outputDim: 3, seed: 1 });
    const theirs = tfl.layers.embedding({ inputDim: 7, outputDim: 3 });
    const ids = tf.tensor2d(
      [
        [0, 6, 2],
        [2, 2, 5],
      ],
      undefined,
      'int32',
    );
    ours.apply(ids);
    theirs.apply(ids);
    theirs.setWeights(ours.getWeights());
    const a = ours.apply(ids) as tf.Tensor;
    const b = theirs.apply(ids) as tf.Tensor;
    expect(a.shape).toEqual([2, 3, 3]);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    tf.dispose([ids, a, b]);
  });

  it('has the scatter-add gradient (duplicates summed) on every backend', () => {
    const table = tf.variable(tf.randomUniform([5, 2], -1, 1, 'float32', 3));
    const ids = tf.tensor1d([1, 3, 1, 1, 4], 'int32');
    const w = tf.tensor2d([
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
      [9, 10],
    ]);
    const { grads } = tf.variableGrads(
      () => tf.sum(tf.mul(embeddingLookup(table, ids), w)) as tf.Scalar,
      [table],
    );
    // Row 1 gets the sum of the three upstream rows, row 3 and 4 one each, rows 0 and 2 nothing.
    expectAllClose(grads[table.name]!, [0, 0, 1 + 5 + 7, 2 + 6 + 8, 0, 0, 3, 4, 9, 10], {
      rtol: 0,
      atol: 0,
    });
    tf.dispose([table, ids, w, ...Object.values(grads)]);
  });

  it("differentiates under tfjs's IS_TEST kernel leak check", () => {
    const table = tf.variable(tf.zeros([3, 2]));
    const ids = tf.tensor1d([0, 2], 'int32');
    tf.env().set('IS_TEST', true);
    try {
      tf.dispose(
        Object.values(
          tf.variableGrads(() => tf.sum(embeddingLookup(table, ids)) as tf.Scalar, [table]).grads,
        ),
      );
    } finally {
      tf.env().set('IS_TEST', false);
    }
    tf.dispose([table, ids]);
  });

  it('serialises and leaks no tensors', async () => {
    const embed = tokenEmbedding({ inputDim: 4, outputDim: 2, seed: 2 });
    const config = embed.getConfig();
    const copy = tf.serialization.SerializationMap.getMap().classNameMap[TokenEmbedding.className]!;
    const restored = copy[1](copy[0], config) as TokenEmbedding;
    expect(restored.inputDim).toBe(4);
    const ids = tf.tensor1d([0, 3], 'int32');
    embed.apply(ids);
    await expectNoLeaks(() => embed.apply(ids));
    const table = embed.trainableWeights[0]!.read() as tf.Variable;
    await expectNoLeaks(() =>
      tf.variableGrads(() => tf.sum(embed.apply(ids) as tf.Tensor) as tf.Scalar, [table]),
    );
    expect(() => tokenEmbedding({ inputDim: 0, outputDim: 2 })).toThrow(
      /inputDim must be a positive integer/,
    );
    ids.dispose();
  });
});
