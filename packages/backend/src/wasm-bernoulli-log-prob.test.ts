import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { onWasm } from './test-support/bits';
import {
  BERNOULLI_LOG_PROB_KERNEL,
  isWasmBernoulliLogProbRegistered,
  registerWasmBernoulliLogProb,
} from './wasm-bernoulli-log-prob';

function kernel(logits: tf.Tensor, x: tf.Tensor): tf.Tensor {
  return tf.engine().runKernel(BERNOULLI_LOG_PROB_KERNEL, { logits, x }) as tf.Tensor;
}

describe('registerWasmBernoulliLogProb', () => {
  it.runIf(onWasm)('is registered by selectBackend on wasm, and idempotent', () => {
    expect(isWasmBernoulliLogProbRegistered()).toBe(true);
    expect(registerWasmBernoulliLogProb()).toEqual([]);
  });

  it.runIf(onWasm)(
    'equals the float32 ops it stands in for bit for bit, every row length 1 to 9 and 784; limits',
    () => {
      tf.tidy(() => {
        for (const cols of [1, 2, 3, 4, 5, 6, 7, 8, 9, 784]) {
          const l = tf.randomNormal([6, cols], 0, 20, 'float32', cols);
          const x = tf.randomUniform([6, cols], 0, 1, 'float32', 100 + cols);
          const ops = tf.sum(tf.sub(tf.mul(x, l), tf.softplus(l)), 1);
          expect(Array.from(kernel(l, x).dataSync()), `cols ${cols}`).toEqual(
            Array.from(ops.dataSync()),
          );
        }
        // log(1/2) per pixel at l = 0; a confident right answer ~0, a confident wrong one -l.
        const limits = kernel(
          tf.tensor2d([
            [0, 0],
            [200, -200],
            [200, Number.POSITIVE_INFINITY],
          ]),
          tf.tensor2d([
            [1, 0],
            [1, 0],
            [0, 1],
          ]),
        ).dataSync();
        expect(limits[0]).toBe(Math.fround(Math.fround(-Math.LN2) * 2));
        expect(limits[1]).toBe(0);
        expect(Number.isNaN(limits[2]!) || limits[2] === Number.NEGATIVE_INFINITY).toBe(true);
        expect(kernel(tf.zeros([0, 4]), tf.zeros([0, 4])).shape).toEqual([0]);
      });
    },
  );

  it.runIf(onWasm)('refuses operands of other shapes, ranks or dtypes, naming them', () => {
    tf.tidy(() => {
      expect(() => kernel(tf.zeros([2, 3]), tf.zeros([2, 4]))).toThrow(
        /needs float32 logits and x of one shape \[rows, cols\], got float32 \[2,3\] and float32 \[2,4\]/,
      );
      expect(() => kernel(tf.zeros([6]), tf.zeros([6]))).toThrow(/of one shape \[rows, cols\]/);
      expect(() => kernel(tf.zeros([2, 3]), tf.zeros([2, 3], 'int32'))).toThrow(/int32/);
    });
  });
});
