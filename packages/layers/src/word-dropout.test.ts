import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@vaekit/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { wordDropout } from './word-dropout';

describe('wordDropout', () => {
  let tokens: tf.Tensor;
  beforeAll(() => {
    tokens = tf.tidy(() =>
      tf.concat(
        [tf.fill([200, 1], 1, 'int32'), tf.randomUniform([200, 49], 4, 100, 'int32', 1)],
        1,
      ),
    );
  });

  it('replaces a fraction p of the tokens by <unk>, never the protected ones', () => {
    const out = wordDropout(tokens, { rate: 0.3, unkId: 3, protectedIds: [1], seed: 5 });
    const a = out.dataSync();
    const x = tokens.dataSync();
    let dropped = 0;
    for (let k = 0; k < a.length; k++) {
      if (k % 50 === 0)
        expect(a[k]).toBe(1); // <bos> kept
      else if (a[k] === 3) dropped++;
      else expect(a[k]).toBe(x[k]);
    }
    const n = 200 * 49;
    // Binomial(n, 0.3): 5 standard deviations.
    expect(Math.abs(dropped / n - 0.3)).toBeLessThan(5 * Math.sqrt((0.3 * 0.7) / n));
    expect(out.dtype).toBe('int32');
  });

  it('is reproducible from a seed, and p = 0 / p = 1 are the identity / all <unk>', () => {
    const a = wordDropout(tokens, { rate: 0.5, unkId: 3, seed: 9 }).dataSync();
    const b = wordDropout(tokens, { rate: 0.5, unkId: 3, seed: 9 }).dataSync();
    const c = wordDropout(tokens, { rate: 0.5, unkId: 3, seed: 10 }).dataSync();
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(Array.from(c)).not.toEqual(Array.from(a));
    // Seed 0 is a seed too (tfjs alone would treat it as none).
    const zero = () => Array.from(wordDropout(tokens, { rate: 0.5, unkId: 3, seed: 0 }).dataSync());
    expect(zero()).toEqual(zero());
    expect(Array.from(wordDropout(tokens, { rate: 0, unkId: 3 }).dataSync())).toEqual(
      Array.from(tokens.dataSync()),
    );
    const all = wordDropout(tokens, { rate: 1, unkId: 3, protectedIds: [1] }).dataSync();
    expect(all.every((v, k) => (k % 50 === 0 ? v === 1 : v === 3))).toBe(true);
  });

  it('validates the rate and leaks no tensors', async () => {
    expect(() => wordDropout(tokens, { rate: 1.5, unkId: 3 })).toThrow(
      /rate must be a number in \[0, 1\]/,
    );
    await expectNoLeaks(() =>
      wordDropout(tokens, { rate: 0.2, unkId: 3, protectedIds: [1, 0], seed: 1 }),
    );
  });
});
