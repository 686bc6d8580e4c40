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
