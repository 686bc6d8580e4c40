import * as tf from '@tensorflow/tfjs-core';
import { expectAllClose, expectFinite, expectNoLeaks } from '@vaekit/test-utils';
import { describe, expect, it } from 'vitest';
import { bernoulliLogProb } from './bernoulli-log-prob';

describe('bernoulliLogProb', () => {
  it('equals sum_k x log p + (1 - x) log(1 - p), summed per row', () => {
    const l = [-3, -0.5, 0, 0.5, 2, 4];
    const x = [1, 0, 1, 1, 0, 1];
    const expected = [0, 3].map((start) => {
      let s = 0;
      for (let k = start; k < start + 3; k++) {
        const p = 1 / (1 + Math.exp(-l[k]!));
        s += x[k]! * Math.log(p) + (1 - x[k]!) * Math.log(1 - p);
      }
      return s;
    });
    expectAllClose(bernoulliLogProb(tf.tensor2d(l, [2, 3]), tf.tensor2d(x, [2, 3])), expected, {
      rtol: 1e-5,
    });
    // Image-shaped inputs [N, H, W] sum over both pixel axes.
    expectAllClose(
      bernoulliLogProb(tf.zeros([2, 2, 2]), tf.ones([2, 2, 2])),
      [4 * Math.log(0.5), 4 * Math.log(0.5)],
      { rtol: 1e-6 },
    );
  });

  it('is finite for extreme logits and has gradient x - sigmoid(l)', () => {
    const l = tf.tensor2d([[-200, 200, -50, 50]]);
    const x = tf.tensor2d([[0, 1, 1, 0]]);
    const v = bernoulliLogProb(l, x);
    expectFinite(v);
    expectAllClose(v, [-100], { rtol: 1e-5 });
    const g = tf.grad((ll: tf.Tensor) => tf.sum(bernoulliLogProb(ll, x)))(l);
    expectAllClose(g, [0, 0, 1, -1], { atol: 1e-6 });
    tf.dispose([l, x, v, g]);
  });

  it('checks shapes and leaks no tensors', async () => {
    const l = tf.zeros([2, 3]);
    expect(() => bernoulliLogProb(l, tf.zeros([2, 4]))).toThrow(
      /x must be of the logits' shape \[2, 3\]/,
    );
    await expectNoLeaks(() => bernoulliLogProb(l, l));
    l.dispose();
  });
});
