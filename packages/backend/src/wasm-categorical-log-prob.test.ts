import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { onWasm } from './test-support/bits';
import {
  CATEGORICAL_LOG_PROB_GRAD_KERNEL,
  CATEGORICAL_LOG_PROB_KERNEL,
  isWasmCategoricalLogProbRegistered,
  registerWasmCategoricalLogProb,
} from './wasm-categorical-log-prob';

function forward(logits: tf.Tensor, targets: tf.Tensor): tf.Tensor[] {
  return tf.engine().runKernel(CATEGORICAL_LOG_PROB_KERNEL, { logits, targets }) as tf.Tensor[];
}

function backward(shifted: tf.Tensor, total: tf.Tensor, scale: tf.Tensor, targets: tf.Tensor) {
  return tf
    .engine()
    .runKernel(CATEGORICAL_LOG_PROB_GRAD_KERNEL, { shifted, total, scale, targets }) as tf.Tensor;
}

/** The tfjs ops the kernels stand in for (those of `categoricalLogProb` in @vaekit/layers). */
function ops(l: tf.Tensor2D, y: tf.Tensor1D, scale: tf.Tensor1D) {
  const [M, V] = l.shape;
  const max = tf.max(l, 1, true);
  const shifted = tf.exp(tf.sub(l, max));
  const total = tf.sum(shifted, 1, true);
  const rows = tf.range(0, M, 1, 'int32');
  const picked = tf.gather(tf.reshape(l, [M * V]), tf.add(tf.mul(rows, tf.scalar(V, 'int32')), y));
  const grad = tf.sub(
    tf.scatterND(tf.stack([rows, y], 1), scale, [M, V]),
    tf.mul(shifted, tf.div(tf.expandDims(scale, 1), total)),
  );
  return { shifted, max: tf.reshape(max, [M]), total: tf.reshape(total, [M]), picked, grad };
}

const bits = (t: tf.Tensor) => Array.from(new Uint32Array(new Float32Array(t.dataSync()).buffer));

describe('registerWasmCategoricalLogProb', () => {
  it.runIf(onWasm)('is registered by selectBackend on wasm, and idempotent', () => {
    expect(isWasmCategoricalLogProbRegistered()).toBe(true);
    expect(registerWasmCategoricalLogProb()).toEqual([]);
  });

  it.runIf(onWasm)(
    'equals the float32 ops it stands in for bit for bit: every row length 1 to 9, 5000; logits to +-150',
    () => {
      tf.tidy(() => {
        for (const [cols, sd] of [
          ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map((c) => [c, 1] as const),
          [9, 8],
          [5000, 1],
          // Spread wide enough that some exponentials underflow to subnormals and to 0.
          [5000, 30],
        ] as const) {
          const rows = 7;
          const l = tf.randomNormal([rows, cols], 0, sd, 'float32', cols + sd);
          const y = tf.tensor1d(
            Array.from({ length: rows }, (_, r) => (r * 7 + 3) % cols),
            'int32',
          );
          const scale = tf.randomNormal([rows], 0, 2, 'float32', 50 + cols) as tf.Tensor1D;
          const expected = ops(l as tf.Tensor2D, y as tf.Tensor1D, scale);
          const [shifted, max, total, picked] = forward(l, y);
          expect(bits(shifted!), `shifted, cols ${cols}, sd ${sd}`).toEqual(bits(expected.shifted));
          expect(bits(max!), `max, cols ${cols}, sd ${sd}`).toEqual(bits(expected.max));
          expect(bits(total!), `total, cols ${cols}, sd ${sd}`).toEqual(bits(expected.total));
          expect(bits(picked!), `picked, cols ${cols}, sd ${sd}`).toEqual(bits(expected.picked));
          expect(
            bits(backward(shifted!, total!, scale, y)),
            `gradient, cols ${cols}, sd ${sd}`,
          ).toEqual(bits(expected.grad));
        }
      });
    },
  );

  it.runIf(onWasm)(
    'limits: equal logits, -inf logits, a +inf logit, targets outside the row, no rows',
    () => {
      tf.tidy(() => {
        const l = tf.tensor2d([
          [0, 0, 0, 0, 0],
          [Number.NEGATIVE_INFINITY, 2, Number.NEGATIVE_INFINITY, 2, 2],
          [1, Number.POSITIVE_INFINITY, 3, 4, 5],
          [1, 2, 3, 4, 5],
        ]);
        const y = tf.tensor1d([4, 0, 1, 5], 'int32');
        const [shifted, max, total, picked] = forward(l, y);
        expect(Array.from(total!.dataSync()).slice(0, 2)).toEqual([5, 3]);
        expect(Array.from(shifted!.dataSync()).slice(5, 10)).toEqual([0, 1, 0, 1, 1]);
        expect(max!.dataSync()[2]).toBe(Number.POSITIVE_INFINITY);
        expect(Number.isNaN(total!.dataSync()[2]!)).toBe(true); // inf - inf
        expect(Array.from(picked!.dataSync()).slice(0, 3)).toEqual([
          0,
          Number.NEGATIVE_INFINITY,
          Number.POSITIVE_INFINITY,
        ]);
        expect(Number.isNaN(picked!.dataSync()[3]!)).toBe(true); // target 5 of 5 columns
        // The gradient of a target outside the row has no one-hot part: -softmax * scale.
        const g = backward(shifted!, total!, tf.ones([4]), tf.tensor1d([4, 0, 1, -1], 'int32'));
        const last = Array.from(g.dataSync()).slice(15);
        const softmax = [1, 2, 3, 4, 5].map((v) => Math.exp(v - 5));
        const z = softmax.reduce((a, b) => a + b);
        last.forEach((d, v) => {
          expect(d).toBeCloseTo(-softmax[v]! / z, 6);
        });
        expect(Array.from(g.dataSync()).slice(0, 5)).toEqual(
          [-0.2, -0.2, -0.2, -0.2, 0.8].map(Math.fround),
        );
        const none = forward(tf.zeros([0, 4]), tf.zeros([0], 'int32'));
        expect(none.map((t) => t.shape)).toEqual([[0, 4], [0], [0], [0]]);
        expect(backward(none[0]!, none[2]!, tf.zeros([0]), tf.zeros([0], 'int32')).shape).toEqual([
          0, 4,
        ]);
      });
    },
  );

  it.runIf(onWasm)('refuses operands of other shapes, ranks or dtypes, naming them', () => {
    tf.tidy(() => {
      expect(() => forward(tf.zeros([2, 3]), tf.zeros([3], 'int32'))).toThrow(
        /needs float32 logits \[rows, cols > 0\] and int32 targets \[rows\], got float32 \[2,3\] and int32 \[3\]/,
      );
      expect(() => forward(tf.zeros([2, 3]), tf.zeros([2]))).toThrow(/float32 \[2\]/);
      expect(() => forward(tf.zeros([2, 0]), tf.zeros([2], 'int32'))).toThrow(/cols > 0/);
      expect(() => forward(tf.zeros([6]), tf.zeros([6], 'int32'))).toThrow(/\[rows, cols > 0\]/);
      expect(() =>
        backward(tf.zeros([2, 3]), tf.zeros([2]), tf.zeros([3]), tf.zeros([2], 'int32')),
      ).toThrow(/float32 \[2,3\], float32 \[2\], float32 \[3\], int32 \[2\]/);
    });
  });
});
