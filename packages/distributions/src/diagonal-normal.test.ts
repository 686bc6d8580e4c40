import * as tf from '@tensorflow/tfjs-core';
import { expectAllClose } from '@vaekit/test-utils';
import { describe, expect, it } from 'vitest';
import { DiagonalNormal } from './diagonal-normal';
import { klDivergence } from './kl';
import { StandardNormal } from './standard-normal';

describe('DiagonalNormal', () => {
  it('log-density matches the float64 formula', () => {
    tf.tidy(() => {
      const q = new DiagonalNormal({ loc: tf.tensor([[0.5, -1]]), scale: tf.tensor([[2, 0.1]]) });
      const lp = q.logProb(tf.tensor([[1, -1.05]]));
      const expected =
        -0.5 * (Math.log(2 * Math.PI) + Math.log(4) + 0.25 / 4) -
        0.5 * (Math.log(2 * Math.PI) + Math.log(0.01) + 0.0025 / 0.01);
      expect(lp.shape).toEqual([1]);
      expectAllClose(lp, [expected], { rtol: 1e-6 });
    });
  });

  it('KL to the standard normal equals the general Gaussian KL and its closed form', () => {
    tf.tidy(() => {
      const loc = tf.tensor([
        [0.3, -2],
        [0, 0],
      ]);
      const logVar = tf.tensor([
        [0.2, -3],
        [0, 0],
      ]);
      const q = DiagonalNormal.fromLogVariance(loc, logVar);
      const viaPrior = klDivergence(q, new StandardNormal({ dim: 2 }));
      const general = klDivergence(
        q,
        new DiagonalNormal({ loc: tf.zeros([2]), scale: tf.ones([2]) }),
      );
      const closed = [0, 1].map((i) =>
        [0, 1].reduce((s, j) => {
          const m = [
            [0.3, -2],
            [0, 0],
          ][i]![j]!;
          const lv = [
            [0.2, -3],
            [0, 0],
          ][i]![j]!;
          return s + 0.5 * (m * m + Math.exp(lv) - lv - 1);
        }, 0),
      );
      expectAllClose(viaPrior, closed, { rtol: 1e-5, atol: 1e-6 });
      expectAllClose(general, closed, { rtol: 1e-5, atol: 1e-6 });
    });
  });

  it('rejects a scale that does not broadcast, naming the parameters', () => {
    expect(() => new DiagonalNormal({ loc: tf.zeros([3, 2]), scale: tf.ones([3]) })).toThrow(
      /DiagonalNormal loc and scale: shapes \[3, 2\] and \[3\] do not broadcast/,
    );
  });

  it('logProb rejects a value with the wrong event size', () => {
    const q = new StandardNormal({ dim: 3 });
    expect(() => q.logProb(tf.zeros([2]))).toThrow(/value must have event shape \[3\]/);
    q.dispose();
  });
});
