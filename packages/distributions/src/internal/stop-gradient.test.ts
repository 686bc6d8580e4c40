import * as tf from '@tensorflow/tfjs-core';
import { expectAllClose } from '@vaekit/test-utils';
import { expect, it } from 'vitest';
import { stopGradient } from './stop-gradient';

it('stopGradient is the identity with a zero gradient', () => {
  tf.tidy(() => {
    const x = tf.tensor([1, -2, 3]);
    const f = (v: tf.Tensor) => tf.sum(tf.add(tf.square(stopGradient(v)), v));
    expectAllClose(f(x), 1 + 4 + 9 + 2, { rtol: 1e-6 });
    expectAllClose(tf.grad(f)(x), [1, 1, 1]);
    expect(stopGradient(x).shape).toEqual([3]);
  });
});
