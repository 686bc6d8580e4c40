import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@vaekit/test-utils';
import { describe, expect, it } from 'vitest';
import { latentPath } from './latent-path';

describe('latentPath', () => {
  it('linear: evenly spaced, ends included', () => {
    const p = latentPath(tf.tensor1d([0, 2]), tf.tensor1d([4, -2]), 5, false);
    expect(p.shape).toEqual([5, 2]);
    const v = p.arraySync();
    expect(v[0]).toEqual([0, 2]);
    expect(v[4]).toEqual([4, -2]);
    expect(v[2]![0]).toBeCloseTo(2, 6);
    expect(v[2]![1]).toBeCloseTo(0, 6);
  });

  it('spherical: stays on the sphere at equal angles (the great circle)', () => {
    const a = tf.tensor1d([1, 0, 0]);
    const b = tf.tensor1d([0, Math.SQRT1_2, Math.SQRT1_2]);
    const v = latentPath(a, b, 7, true).arraySync();
    for (const row of v) expect(Math.hypot(...row)).toBeCloseTo(1, 5);
    const angle = (x: number[], y: number[]) =>
      Math.acos(x.reduce((s, xi, i) => s + xi * y[i]!, 0));
    for (let i = 1; i < v.length; i++) expect(angle(v[i - 1]!, v[i]!)).toBeCloseTo(Math.PI / 12, 4);
    expect(v[6]![1]).toBeCloseTo(Math.SQRT1_2, 6);
  });

  it('spherical with parallel ends falls back to linear (no 0/0)', () => {
    const v = latentPath(tf.tensor1d([0, 1]), tf.tensor1d([0, 1]), 3, true).arraySync();
    expect(v).toEqual([
      [0, 1],
      [0, 1],
      [0, 1],
    ]);
  });

  it('rejects bad steps and mismatched latents, and leaks nothing', async () => {
    const a = tf.tensor1d([1, 0]);
    expect(() => latentPath(a, a, 1, false)).toThrow('steps must be an integer >= 2, got 1');
    expect(() => latentPath(a, tf.tensor1d([1, 0, 0]), 3, false)).toThrow(/one dimension/);
    const b = tf.tensor1d([0, 1]);
    await expectNoLeaks(() => latentPath(a, b, 4, true).dispose());
    tf.dispose([a, b]);
  });
});
