import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { isWasmIdentityFixRegistered, registerWasmIdentityFix } from './wasm-identity';
import { onWasm } from './test-support/bits';

const dataIds = () => (tf.backend() as tf.KernelBackend & { numDataIds(): number }).numDataIds();

describe('registerWasmIdentityFix', () => {
  it.runIf(onWasm)('is registered by selectBackend on wasm, and idempotent', () => {
    expect(isWasmIdentityFixRegistered()).toBe(true);
    expect(registerWasmIdentityFix()).toEqual([]);
  });

  it('tf.clone has the same values, shares the data, and frees it with the last reference', () => {
    const before = dataIds();
    const bytes = tf.memory().numBytes;
    const x = tf.tensor2d([1, -0, Number.NaN, 4], [2, 2]);
    const y = tf.clone(x);
    if (onWasm) expect(dataIds()).toBe(before + 1); // shared, not copied
    expect(y.dataId === x.dataId || !onWasm).toBe(true);
    const yv = y.dataSync();
    expect(Object.is(yv[1], -0) && Number.isNaN(yv[2]!) && yv[3] === 4).toBe(true);
    x.dispose();
    expect(Array.from(y.dataSync()).slice(0, 2)).toEqual([1, -0]);
    y.dispose();
    expect(dataIds()).toBe(before);
    expect(tf.memory().numBytes).toBe(bytes);
  });

  it('a clone keeps its values when a variable made from the same data is assigned', () => {
    const x = tf.tensor1d([1, 2, 3]);
    const v = tf.variable(tf.clone(x));
    const c = tf.clone(v);
    v.assign(tf.tensor1d([7, 8, 9]));
    expect(Array.from(c.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(x.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(v.dataSync())).toEqual([7, 8, 9]);
    tf.dispose([x, v, c]);
  });

  it('ops on a clone and its gradients are unchanged', () => {
    tf.tidy(() => {
      const x = tf.tensor1d([1, 2, 3]);
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.clone(t), tf.clone(t))))(x);
      expect(Array.from(g.dataSync())).toEqual([2, 4, 6]);
      expect(Array.from(tf.broadcastTo(x, [3]).dataSync())).toEqual([1, 2, 3]);
    });
  });

  it('leaks nothing inside tidy and keep', () => {
    const before = tf.memory().numTensors;
    const ids = dataIds();
    const kept = tf.tidy(() => {
      const x = tf.ones([4, 4]);
      tf.clone(x);
      return tf.keep(tf.clone(x));
    });
    expect(tf.memory().numTensors).toBe(before + 1);
    kept.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(dataIds()).toBe(ids);
  });
});
