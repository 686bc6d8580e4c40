import * as tf from '@tensorflow/tfjs-core';
import { expectAllClose, expectFinite, expectNoLeaks, normalSamples } from '@vaekit/test-utils';
import { describe, expect, it } from 'vitest';
import { iwae } from './iwae';
import { miwae } from './miwae';
import { piwae } from './piwae';

const data = Array.from(normalSamples(12 * 3, 9), (v) => 3 * v - 10);

describe('piwae', () => {
  it('gives IWAE_K to the generative network and MIWAE(M, K/M) to the inference network', () => {
    tf.tidy(() => {
      const lw = tf.tensor2d(data, [12, 3]);
      const { generative, inference } = piwae(lw, { groups: 3 });
      expectAllClose(generative, iwae(lw), { rtol: 1e-6 });
      expectAllClose(inference, miwae(lw, { groups: 3 }), { rtol: 1e-6 });
    });
  });

  it('PIWAE(1, K) gives IWAE_K to both networks', () => {
    tf.tidy(() => {
      const lw = tf.tensor2d(data, [12, 3]);
      const { generative, inference } = piwae(lw, { groups: 1 });
      expectAllClose(generative, iwae(lw), { rtol: 1e-6 });
      expectAllClose(inference, iwae(lw), { rtol: 1e-6 });
    });
  });

  it('is stable around -1e4 with K = 5000', () => {
    const big = Array.from(normalSamples(5000 * 2, 10), (v) => -1e4 + 20 * v);
    tf.tidy(() => {
      const { generative, inference } = piwae(tf.tensor2d(big, [5000, 2]), { groups: 10 });
      expectFinite(generative);
      expectFinite(inference);
    });
  });

  it('has a finite gradient, 0 through the log-mean-exp, for an example whose log-weights are all -Infinity', () => {
    // Built on logMeanExp, which no longer turns a column of zero weights into a NaN gradient.
    const NEG = Number.NEGATIVE_INFINITY;
    tf.tidy(() => {
      const lw = tf.tensor2d([
        [NEG, 0],
        [NEG, Math.log(3)],
      ]);
      const g = tf
        .grad((v: tf.Tensor) => tf.sum(piwae(v, { groups: 1 }).inference))(lw)
        .arraySync() as number[][];
      expect(g).toEqual([
        [0, expect.closeTo(0.25, 6)],
        [0, expect.closeTo(0.75, 6)],
      ]);
    });
  });

  it('rejects groups that do not divide K, naming groups', () => {
    tf.tidy(() => {
      expect(() => piwae(tf.ones([5, 2]), { groups: 2 })).toThrow(
        /^groups must be a positive integer dividing/,
      );
      expect(() => piwae(tf.ones([5]), { groups: 1 })).toThrow(/^logWeights must be/);
    });
  });

  it('leaks no tensors', async () => {
    const lw = tf.randomNormal([6, 2]);
    await expectNoLeaks(() => piwae(lw, { groups: 2 }));
    lw.dispose();
  });
});
