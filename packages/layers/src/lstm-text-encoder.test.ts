import * as tf from '@tensorflow/tfjs-core';
import { expectAllClose, expectNoLeaks } from '@vaekit/test-utils';
import { describe, expect, it } from 'vitest';
import { LSTMTextEncoder } from './lstm-text-encoder';

describe('LSTMTextEncoder', () => {
  const encoder = new LSTMTextEncoder(
    { vocabSize: 20, embeddingDim: 6, hiddenUnits: 5 },
    { seed: 1 },
  );

  it('masks padding: trailing <pad> tokens change nothing, rows are independent', () => {
    const short = tf.tensor2d(
      [
        [1, 7, 8, 2],
        [1, 9, 2, 0],
      ],
      undefined,
      'int32',
    );
    const long = tf.tensor2d(
      [
        [1, 7, 8, 2, 0, 0, 0],
        [1, 9, 2, 0, 0, 0, 0],
      ],
      undefined,
      'int32',
    );
    const alone = tf.tensor2d([[1, 9, 2]], undefined, 'int32');
    const a = encoder.apply(short);
    const b = encoder.apply(long);
    expect(a.shape).toEqual([2, 5]);
    expectAllClose(b, a, { rtol: 1e-6, atol: 1e-7 });
    expectAllClose(encoder.apply(alone), tf.slice(a, [1, 0], [1, 5]), { rtol: 1e-6, atol: 1e-7 });
    // A real token where the padding was does change the features.
    const changed = encoder.apply(
      tf.tensor2d(
        [
          [1, 7, 8, 2],
          [1, 9, 2, 5],
        ],
        undefined,
        'int32',
      ),
    );
    expect(tf.max(tf.abs(tf.sub(changed, a))).dataSync()[0]).toBeGreaterThan(1e-4);
  });

  it('exposes its trainable variables and leaks no tensors', async () => {
    expect(encoder.trainableVariables).toHaveLength(4); // embeddings, kernel, recurrent kernel, bias
    const x = tf.tensor2d([[1, 4, 2, 0]], undefined, 'int32');
    await expectNoLeaks(() => encoder.apply(x));
    expect(() => encoder.apply(tf.zeros([3], 'int32'))).toThrow(
      /tokens must be of shape \[batch, time >= 1\]/,
    );
    x.dispose();
  });
});
