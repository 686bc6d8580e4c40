import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { isWasmGemmFixRegistered, previousWasmGemmKernel, registerWasmGemmFix } from './wasm-gemm';
import { WASM_KERNELS_SOURCE_SHA256 } from './wasm-kernels-binary';
import { expectBitIdentical, onWasm, runKernel, tensorBytes } from './test-support/bits';
import { GEMM_SHAPES, gemmOperand, productOperands } from './test-support/gemm-operands';

/** The kernel the fix replaced (XNNPACK, with explicit transposes when the transposing fix is on). */
function previousKernel(
  kernelName: string,
  inputs: Record<string, tf.Tensor | null>,
  attrs: Record<string, unknown>,
): tf.Tensor {
  return runKernel(kernelName, previousWasmGemmKernel(kernelName), inputs, attrs)[0]!;
}

/** The plain-JS product, summed in XNNPACK's order in float32. */
function referenceProduct(
  a: tf.Tensor,
  b: tf.Tensor,
  transposeA: boolean,
  transposeB: boolean,
  bias?: tf.Tensor,
): Float32Array {
  const { m, k, n, left, right } = productOperands(a, b, transposeA, transposeB);
  const bias_ = bias?.dataSync();
  const out = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = bias_ === undefined ? 0 : bias_[j]!;
      for (let p = 0; p < k; p++) {
        acc = Math.fround(acc + Math.fround(left(i, p) * right(p, j)));
      }
      out[i * n + j] = acc;
    }
  }
  return out;
}

describe('registerWasmGemmFix', () => {
  it.runIf(onWasm)('is registered by selectBackend on wasm, and idempotent', () => {
    expect(isWasmGemmFixRegistered()).toBe(true);
    expect(registerWasmGemmFix()).toEqual([]);
  });

  it('ships a module compiled from the current wasm/kernels.c', async () => {
    const { readFile } = await import('node:fs/promises');
    const { createHash } = await import('node:crypto');
    const source = await readFile(new URL('../wasm/kernels.c', import.meta.url));
    expect(createHash('sha256').update(source).digest('hex')).toBe(WASM_KERNELS_SOURCE_SHA256);
  });

  it.runIf(onWasm)(
    'multiplies bit-identically to the replaced kernel and to float32 sums in order, every layout',
    () => {
      let seed = 1;
      for (const [m, k, n] of GEMM_SHAPES) {
        for (const transposeA of [false, true]) {
          for (const transposeB of [false, true]) {
            const a = gemmOperand(transposeA ? [k, m] : [m, k], seed++);
            const b = gemmOperand(transposeB ? [n, k] : [k, n], seed++);
            const ours = tf.matMul(a, b, transposeA, transposeB);
            // (the replaced kernel cannot take k = 0: XNNPACK refuses it and tfjs returns garbage)
            const theirs =
              k === 0
                ? ours.clone()
                : previousKernel(tf.BatchMatMul, { a, b }, { transposeA, transposeB });
            expectBitIdentical(ours, theirs);
            const reference = referenceProduct(a, b, transposeA, transposeB);
            expect(Buffer.compare(tensorBytes(ours), Buffer.from(reference.buffer))).toBe(0);
            tf.dispose([a, b, ours, theirs]);
          }
        }
      }
    },
  );

  it.runIf(onWasm)('fuses a bias and relu/relu6 exactly as the replaced _FusedMatMul', () => {
    let seed = 100;
    for (const [m, k, n] of GEMM_SHAPES.filter(([, k]) => k > 0)) {
      for (const activation of ['linear', 'relu', 'relu6'] as const) {
        for (const transposeB of [false, true]) {
          const a = gemmOperand([m, k], seed++);
          const b = gemmOperand(transposeB ? [n, k] : [k, n], seed++);
          const bias = gemmOperand([n], seed++);
          const ours = tf.fused.matMul({ a, b, transposeB, bias, activation });
          // (tfjs's fused op calls the kernel with rank-3 operands)
          const theirs = previousKernel(
            tf._FusedMatMul,
            { a: tf.expandDims(a, 0), b: tf.expandDims(b, 0), bias, preluActivationWeights: null },
            { transposeA: false, transposeB, activation, leakyreluAlpha: 0.2 },
          );
          expectBitIdentical(tf.expandDims(ours, 0), theirs);
          if (activation === 'linear') {
            const reference = referenceProduct(a, b, false, transposeB, bias);
            expect(Buffer.compare(tensorBytes(ours), Buffer.from(reference.buffer))).toBe(0);
          }
          tf.dispose([a, b, bias, ours, theirs]);
        }
      }
    }
  });

  it.runIf(onWasm)(
    'computes batched and broadcast products as the 2-D kernel on each matrix (with a correct bias)',
    () => {
      const a = gemmOperand([3, 2, 6, 10], 7);
      const b = gemmOperand([10, 9], 8);
      const bias = gemmOperand([9], 9);
      const ours = tf.fused.matMul({ a, b, bias });
      expect(ours.shape).toEqual([3, 2, 6, 9]);
      const slices = tf.unstack(tf.reshape(a, [6, 6, 10]));
      const expected = tf.reshape(
        tf.stack(slices.map((s) => tf.fused.matMul({ a: s, b, bias }))),
        [3, 2, 6, 9],
      );
      expectBitIdentical(ours, expected);

      const c = gemmOperand([4, 5, 7], 10);
      const d = gemmOperand([4, 11, 7], 11);
      const batched = tf.matMul(c, d, false, true);
      const perMatrix = tf.stack(
        tf.unstack(c).map((ci, i) => tf.matMul(ci, tf.unstack(d)[i]!, false, true)),
      );
      expectBitIdentical(batched, perMatrix);
      tf.dispose([a, b, bias, ours, expected, ...slices, c, d, batched, perMatrix]);
    },
  );

  it.runIf(onWasm)('leaves prelu, int32 and unsupported broadcasts to the replaced kernel', () => {
    const a = gemmOperand([4, 6], 20);
    const b = gemmOperand([6, 5], 21);
    const alpha = gemmOperand([5], 22);
    const ours = tf.fused.matMul({ a, b, activation: 'prelu', preluActivationWeights: alpha });
    const theirs = previousKernel(
      tf._FusedMatMul,
      { a: tf.expandDims(a, 0), b: tf.expandDims(b, 0), bias: null, preluActivationWeights: alpha },
      { transposeA: false, transposeB: false, activation: 'prelu', leakyreluAlpha: 0.2 },
    );
    expectBitIdentical(tf.expandDims(ours, 0), theirs);
    expect(() => tf.matMul(gemmOperand([2, 3], 1), gemmOperand([4, 2], 2))).toThrow(/inner/i);
    tf.dispose([a, b, alpha, ours, theirs]);
  });

  it.runIf(onWasm)('frees what it allocates and differentiates as before', () => {
    const a = gemmOperand([16, 32], 30);
    const w = tf.variable(gemmOperand([32, 8], 31));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      const { value, grads } = tf.variableGrads(
        () => tf.sum(tf.square(tf.matMul(a, w))) as tf.Scalar,
      );
      tf.dispose([value, ...Object.values(grads)]);
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, w]);
  });
});
