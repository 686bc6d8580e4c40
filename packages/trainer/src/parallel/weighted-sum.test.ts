import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { shardWeights, weightedSum } from './weighted-sum';

describe('weightedSum', () => {
  it('sums w_i g_i in shard order, rounding as float32 after each operation', () => {
    // 1 + 2^-24 is not a float32: the order of the roundings shows in the result.
    const a = tf.tensor1d([1, 3, -2]);
    const b = tf.tensor1d([2 ** -24, 0.1, 5]);
    const c = tf.tensor1d([2 ** -24, 0.2, -1]);
    const sum = weightedSum([a, b, c], [1, 1, 1]);
    const f = Math.fround;
    const expected = [0, 1, 2].map((i) => {
      const [x, y, z] = [a, b, c].map((t) => t.dataSync()[i]!);
      return f(f(f(x! * 1) + f(y! * 1)) + f(z! * 1));
    });
    expect(Array.from(sum.dataSync())).toEqual(expected);
    // Left to right: 1 + 2^-24 rounds to 1 twice, where 2^-24 + 2^-24 + 1 would not.
    expect(sum.dataSync()[0]).toBe(1);
    tf.dispose([a, b, c, sum]);
  });

  it('weights shards by size and leaves out shards without a gradient', () => {
    const weights = shardWeights([3, 2, 1]);
    expect(weights).toEqual([0.5, 2 / 6, 1 / 6]);
    const parts = [tf.tensor1d([6, 0]), null, tf.tensor1d([6, 12])];
    const sum = weightedSum(parts, weights);
    expect(Array.from(sum.dataSync())).toEqual([
      Math.fround(3 + Math.fround(6 * Math.fround(1 / 6))),
      Math.fround(12 * Math.fround(1 / 6)),
    ]);
    const before = tf.memory().numTensors;
    weightedSum(parts, weights).dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => weightedSum([null, parts[0]!], [0.5, 0.5])).toThrow(/shard 0/);
    tf.dispose([...parts.filter((p) => p !== null), sum]);
  });
});
