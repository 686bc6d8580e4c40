import * as tf from '@tensorflow/tfjs-core';
import { expectAllClose, expectFinite, expectNoLeaks } from '@vaekit/test-utils';
import { describe, expect, it } from 'vitest';
import { BERNOULLI_LOG_PROB_KERNEL } from '@vaekit/distributions/internal';
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

  it("has the exact gradients dy (x - sigmoid(l)) and dy l for image-shaped and 1-D inputs, each row's dy its own", () => {
    const l = [-3, -0.5, 0, 0.5, 2, 4, -1, 7];
    const x = [1, 0, 0.25, 1, 0, 1, 1, 0];
    const w = [0.5, -2];
    tf.tidy(() => {
      const [gl, gx] = tf.grads((ll: tf.Tensor, xx: tf.Tensor) =>
        tf.sum(tf.mul(bernoulliLogProb(ll, xx), tf.tensor1d(w))),
      )([tf.tensor3d(l, [2, 2, 2]), tf.tensor3d(x, [2, 2, 2])]);
      expect(gl!.shape).toEqual([2, 2, 2]);
      const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
      expectAllClose(
        gl!,
        l.map((v, i) => w[Math.floor(i / 4)]! * (x[i]! - sigmoid(v))),
        { rtol: 1e-6, atol: 1e-7 },
      );
      expectAllClose(
        gx!,
        l.map((v, i) => w[Math.floor(i / 4)]! * v),
        { rtol: 1e-7 },
      );
      // Rank 1: one value per element, its own dy.
      const g1 = tf.grad((ll: tf.Tensor) =>
        tf.sum(tf.mul(bernoulliLogProb(ll, tf.tensor1d(x)), tf.range(1, 9))),
      )(tf.tensor1d(l));
      expectAllClose(
        g1,
        l.map((v, i) => (i + 1) * (x[i]! - sigmoid(v))),
        { rtol: 1e-6, atol: 1e-7 },
      );
    });
  });

  it('gives bit for bit the value of the expression it replaces, sum_k x_k l_k - softplus(l_k) (on wasm: through the fused kernel)', () => {
    if (process.env.VAEKIT_TEST_BACKEND === 'wasm') {
      // @vaekit/backend registers the fused kernel under the name this package looks for.
      expect(tf.getKernel(BERNOULLI_LOG_PROB_KERNEL, 'wasm')).toBeDefined();
    }
    tf.tidy(() => {
      // Rows of 784 and of 7 values (a SIMD tail of 3), logits from -40 to 40, soft and hard data.
      for (const [rows, cols] of [
        [16, 784],
        [5, 7],
      ] as const) {
        const l = tf.randomNormal([rows, cols], 0, 12, 'float32', 7);
        const x = tf.cast(
          tf.greater(tf.randomUniform([rows, cols], 0, 1, 'float32', 8), 0.6),
          'int32',
        );
        const soft = tf.randomUniform([rows, cols], 0, 1, 'float32', 9);
        for (const data of [x, soft]) {
          const plain = tf.sum(tf.sub(tf.mul(tf.cast(data, 'float32'), l), tf.softplus(l)), 1);
          expect(Array.from(bernoulliLogProb(l, data).dataSync())).toEqual(
            Array.from(plain.dataSync()),
          );
        }
      }
    });
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
