import * as tf from '@tensorflow/tfjs-core';
import { normalTensor } from '@vaekit/test-utils';
import { describe, expect, it } from 'vitest';
import { lstmSequence } from './lstm-sequence';

const randn = normalTensor;

/** Equal element by element (`===`: +0 equals -0), naming the first mismatch. */
function expectSame(actual: tf.Tensor, expected: tf.Tensor, what: string): void {
  const a = actual.dataSync();
  const e = expected.dataSync();
  expect(a.length).toBe(e.length);
  for (let i = 0; i < e.length; i++) {
    if (a[i] !== e[i]) throw new Error(`${what}, element ${i}: ${a[i]} !== ${e[i]}`);
  }
}

describe('lstmSequence with lengths', () => {
  const [T, B, H] = [6, 4, 5];
  const lengths = [6, 3, 1, 4];
  const xz = randn([T, B, 4 * H], 31, 0.7) as tf.Tensor3D;
  const u = randn([H, 4 * H], 32, 0.4) as tf.Tensor2D;
  const h0 = randn([B, H], 33, 0.5) as tf.Tensor2D;
  const c0 = randn([B, H], 34, 0.5) as tf.Tensor2D;
  const mask = tf.tensor3d(
    Array.from({ length: T }, (_, t) => lengths.map((l) => [t < l ? 1 : 0])),
  ) as tf.Tensor3D;
  // Weights on every output, h and c of every step, padded ones included.
  const w = randn([2 * T, B, H], 35);
  const grads = (run: (...a: tf.Tensor[]) => tf.Tensor) =>
    tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
      tf.sum(tf.mul(run(a, b, c, d), w)),
    )([xz, u, h0, c0]);

  it('with blend: the prefix mask, values and gradients, bit for bit', () => {
    const masked = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
      lstmSequence(a as tf.Tensor3D, b as tf.Tensor2D, c as tf.Tensor2D, d as tf.Tensor2D, mask);
    const packed = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
      lstmSequence(
        a as tf.Tensor3D,
        b as tf.Tensor2D,
        c as tf.Tensor2D,
        d as tf.Tensor2D,
        null,
        lengths,
        true,
      );
    expectSame(packed(xz, u, h0, c0), masked(xz, u, h0, c0), 'values');
    const gPacked = grads(packed);
    const gMasked = grads(masked);
    for (const [k, name] of ['xz', 'u', 'h0', 'c0'].entries()) {
      expectSame(gPacked[k]!, gMasked[k]!, `gradient of ${name}`);
    }
    // It can fail: without the blend the values differ in the last bit somewhere.
    const plain = lstmSequence(xz, u, h0, c0, null, lengths);
    const a = plain.dataSync();
    const b = masked(xz, u, h0, c0).dataSync();
    expect(a.some((v, i) => v !== b[i])).toBe(true);
  });

  it('without blend: the unmasked recurrence on the computed steps, and its gradients where nothing after a row reaches the loss', () => {
    const steps = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor, l: number[] | null) =>
      lstmSequence(a as tf.Tensor3D, b as tf.Tensor2D, c as tf.Tensor2D, d as tf.Tensor2D, null, l);
    // Outputs h_t at computed steps only: zero weight on c and on padded steps.
    const keep = tf.concat([
      tf.tensor3d(
        Array.from({ length: T }, (_, t) => lengths.map((l) => Array(H).fill(t < l ? 1 : 0))),
      ),
      tf.zeros([T, B, H]),
    ]);
    const loss = (l: number[] | null) => (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
      tf.sum(tf.mul(tf.mul(steps(a, b, c, d, l), w), keep));
    const full = steps(xz, u, h0, c0, null).arraySync() as number[][][];
    const packed = steps(xz, u, h0, c0, lengths).arraySync() as number[][][];
    for (let t = 0; t < T; t++) {
      for (let n = 0; n < B; n++) {
        if (t < lengths[n]!) expect(packed[t]![n]).toEqual(full[t]![n]);
        else expect(packed[t]![n]).toEqual(packed[lengths[n]! - 1]![n]);
      }
    }
    const gPacked = tf.grads(loss(lengths))([xz, u, h0, c0]);
    const gFull = tf.grads(loss(null))([xz, u, h0, c0]);
    for (const [k, name] of ['xz', 'u', 'h0', 'c0'].entries()) {
      expectSame(gPacked[k]!, gFull[k]!, `gradient of ${name}`);
    }
  });
});
