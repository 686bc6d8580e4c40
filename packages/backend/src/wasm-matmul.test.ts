import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { isWasmMatMulFixRegistered, registerWasmMatMulFix } from './wasm-matmul';
import { onWasm, seededTensor } from './test-support/bits';

function expectAllClose(
  actual: tf.Tensor,
  expected: tf.Tensor | ArrayLike<number>,
  { rtol = 1e-6, atol = 1e-6 } = {},
): void {
  const a = actual.dataSync();
  const e = expected instanceof tf.Tensor ? expected.dataSync() : expected;
  expect(a.length).toBe(e.length);
  for (let i = 0; i < a.length; i++) {
    const bound = atol + rtol * Math.abs(e[i]!);
    if (!(Math.abs(a[i]! - e[i]!) <= bound)) expect.fail(`element ${i}: ${a[i]} vs ${e[i]}`);
  }
}

function randomTensor(shape: number[], seed: number): tf.Tensor {
  return seededTensor(shape, seed);
}

/** Reference product in float64 plain JS, so the check does not trust any tfjs kernel. */
function reference(a: tf.Tensor, b: tf.Tensor, ta: boolean, tb: boolean): Float64Array {
  const [ar, ac] = a.shape as [number, number];
  const bc = b.shape[1]!;
  const A = a.dataSync();
  const B = b.dataSync();
  const m = ta ? ac : ar;
  const k = ta ? ar : ac;
  const n = tb ? b.shape[0]! : bc;
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let l = 0; l < k; l++) {
        const aij = ta ? A[l * ac + i]! : A[i * ac + l]!;
        const bij = tb ? B[j * bc + l]! : B[l * bc + j]!;
        s += aij * bij;
      }
      out[i * n + j] = s;
    }
  return out;
}

describe('registerWasmMatMulFix', () => {
  it.runIf(onWasm)('is registered by selectBackend on wasm, and idempotent', () => {
    expect(isWasmMatMulFixRegistered()).toBe(true);
    expect(registerWasmMatMulFix()).toEqual([]);
  });

  it.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])('matMul(transposeA=%s, transposeB=%s) matches a float64 reference', (ta, tb) => {
    const a = randomTensor(ta ? [33, 17] : [17, 33], 1);
    const b = randomTensor(tb ? [9, 33] : [33, 9], 2);
    const before = tf.memory().numTensors;
    const y = tf.matMul(a, b, ta, tb);
    expect(y.shape).toEqual([17, 9]);
    expectAllClose(y, reference(a, b, ta, tb), { rtol: 1e-5, atol: 1e-5 });
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
    a.dispose();
    b.dispose();
  });

  it('batched transposed products match the explicit transpose', () => {
    tf.tidy(() => {
      const a = randomTensor([3, 8, 5], 3);
      const b = randomTensor([3, 6, 8], 4);
      const viaFlags = tf.matMul(a, b, true, true);
      const explicit = tf.matMul(tf.transpose(a, [0, 2, 1]), tf.transpose(b, [0, 2, 1]));
      expectAllClose(viaFlags, explicit, { rtol: 1e-6, atol: 1e-6 });
    });
  });

  // Rank 2 only: tfjs-backend-wasm 4.22's own _FusedMatMul is wrong for batched inputs with a
  // bias (it is, with or without this fix); tfjs-layers only calls it on rank-2 inputs.
  it.each([
    [true, false],
    [false, true],
    [true, true],
  ])(
    'fused matMul + bias + relu with transposeA=%s, transposeB=%s matches the explicit transpose',
    (ta, tb) => {
      tf.tidy(() => {
        const a = randomTensor(ta ? [8, 5] : [5, 8], 3);
        const b = randomTensor(tb ? [6, 8] : [8, 6], 4);
        const bias = randomTensor([6], 5);
        const viaFlags = tf.fused.matMul({
          a,
          b,
          transposeA: ta,
          transposeB: tb,
          bias,
          activation: 'relu',
        });
        const explicit = tf.relu(
          tf.add(tf.matMul(ta ? tf.transpose(a) : a, tb ? tf.transpose(b) : b), bias),
        );
        expectAllClose(viaFlags, explicit, { rtol: 1e-6, atol: 1e-6 });
      });
    },
  );

  it('gradients of matMul (which use transposed products) are correct', () => {
    tf.tidy(() => {
      const a = randomTensor([4, 6], 6);
      const b = randomTensor([6, 3], 7);
      const [da, db] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.matMul(x, y)))([a, b]);
      // d/dA sum(AB) = 1 Bᵀ ; d/dB = Aᵀ 1
      expectAllClose(da!, tf.matMul(tf.ones([4, 3]), tf.transpose(b)), { rtol: 1e-6, atol: 1e-6 });
      expectAllClose(db!, tf.matMul(tf.transpose(a), tf.ones([4, 3])), { rtol: 1e-6, atol: 1e-6 });
    });
  });
});
