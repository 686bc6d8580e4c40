import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { arch } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { relaxedSimdSupported } from './relaxed-simd';
import { activeBackendChoice, selectBackend } from './select-backend';
import { previousWasmGemmKernel } from './wasm-gemm';
import { fmaGemmKernel, isWasmFmaGemmRegistered } from './wasm-fma-gemm';
import { registeredWasmKernelFixes } from './wasm-kernel-fixes';
import { onWasm, runKernel, tensorBytes } from './test-support/bits';
import { GEMM_SHAPES, gemmOperand, productOperands } from './test-support/gemm-operands';

const runs = onWasm && relaxedSimdSupported();

/** Whether this CPU has a fused multiply-add the engine compiles relaxed_madd to. */
const cpuHasFma =
  arch() === 'arm64' ||
  (existsSync('/proc/cpuinfo') &&
    /^flags\s*:.*\bfma\b/m.test(readFileSync('/proc/cpuinfo', 'utf8')));

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);
/** The float32 next to `x` (a float32) towards `to`. */
function nextFloat32(x: number, to: number): number {
  if (x === to) return x;
  if (x === 0) return to > 0 ? 2 ** -149 : -(2 ** -149);
  f32[0] = x;
  i32[0]! += to > x === x > 0 ? 1 : -1;
  return f32[0]!;
}

/**
 * The correctly rounded float32 `a * b + c` (one rounding), for float32 a, b, c: `a * b` is exact
 * in float64 and TwoSum gives `s + e = a * b + c` exactly; rounding `s` to float32 is then right
 * except at a float32 midpoint with `e != 0`, where `e` breaks the tie.
 */
function fmaF32(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const bb = s - p;
  const e = p - (s - bb) + (c - bb);
  const r = Math.fround(s);
  if (e === 0 || r === s) return r;
  const other = nextFloat32(r, s);
  if (Math.abs(s - r) !== Math.abs(other - s)) return r;
  return e > 0 === other > r ? other : r;
}

/**
 * For `C = bias + A B`: the fused-multiply-add reference (float32, one rounding a step, in the
 * kernel's order), the float64 product and the bound gamma_{K+1} (|bias| + sum_k |a_k b_k|).
 */
function references(
  a: tf.Tensor,
  b: tf.Tensor,
  transposeA: boolean,
  transposeB: boolean,
  bias?: tf.Tensor,
): { fused: Float32Array; exact: Float64Array; bound: Float64Array } {
  const { m, k, n, left, right } = productOperands(a, b, transposeA, transposeB);
  const biasValues = bias?.dataSync();
  const u = 2 ** -24;
  const gamma = ((k + 1) * u) / (1 - (k + 1) * u);
  const fused = new Float32Array(m * n);
  const exact = new Float64Array(m * n);
  const bound = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const b0 = biasValues === undefined ? 0 : biasValues[j]!;
      let acc = b0;
      let sum = b0;
      let magnitude = Math.abs(b0);
      for (let p = 0; p < k; p++) {
        const x = left(i, p);
        const y = right(p, j);
        acc = fmaF32(x, y, acc);
        sum += x * y;
        magnitude += Math.abs(x * y);
      }
      fused[i * n + j] = acc;
      exact[i * n + j] = sum;
      bound[i * n + j] = gamma * magnitude;
    }
  }
  return { fused, exact, bound };
}

describe('fma-gemm (the wasm-fma backend)', () => {
  it.runIf(runs)(
    'rounds each multiply-add once, in the exact kernel order, within the dot-product error bound',
    () => {
      let seed = 1;
      let differs = 0;
      let outputs = 0;
      // (k > 0: the exact kernel compared with, XNNPACK, cannot take k = 0)
      for (const [m, k, n] of GEMM_SHAPES.filter(([, k]) => k > 0)) {
        for (const transposeA of [false, true]) {
          for (const transposeB of [false, true]) {
            const a = gemmOperand(transposeA ? [k, m] : [m, k], seed++);
            const b = gemmOperand(transposeB ? [n, k] : [k, n], seed++);
            const attrs = { transposeA, transposeB };
            const previous = previousWasmGemmKernel(tf.BatchMatMul)!;
            const [ours] = runKernel(
              tf.BatchMatMul,
              fmaGemmKernel(tf.BatchMatMul, previous),
              { a, b },
              attrs,
            );
            const [exactKernel] = runKernel(tf.BatchMatMul, previous, { a, b }, attrs);
            const { fused, exact, bound } = references(a, b, transposeA, transposeB);
            const values = ours!.dataSync();
            const exactValues = exactKernel!.dataSync();
            for (let i = 0; i < values.length; i++) {
              expect(Math.abs(values[i]! - exact[i]!)).toBeLessThanOrEqual(bound[i]!);
              if (values[i] !== exactValues[i]) differs++;
            }
            outputs += values.length;
            // With an FMA: the correctly rounded fused multiply-adds, bit for bit; without one
            // the engine emits multiply then add, the exact kernel's arithmetic.
            const expected = cpuHasFma ? Buffer.from(fused.buffer) : tensorBytes(exactKernel!);
            expect(Buffer.compare(tensorBytes(ours!), expected)).toBe(0);
            tf.dispose([a, b, ours!, exactKernel!]);
          }
        }
      }
      // The fused kernel is not the exact one in disguise.
      if (cpuHasFma) expect(differs).toBeGreaterThan(outputs / 10);
    },
  );

  it.runIf(runs)('fuses a bias and relu as _FusedMatMul, within the same bound', () => {
    let seed = 100;
    for (const [m, k, n] of GEMM_SHAPES) {
      for (const activation of ['linear', 'relu'] as const) {
        const a = gemmOperand([1, m, k], seed++);
        const b = gemmOperand([1, k, n], seed++);
        const bias = gemmOperand([n], seed++);
        const previous = previousWasmGemmKernel(tf._FusedMatMul)!;
        const [ours] = runKernel(
          tf._FusedMatMul,
          fmaGemmKernel(tf._FusedMatMul, previous),
          { a, b, bias, preluActivationWeights: null },
          { transposeA: false, transposeB: false, activation, leakyreluAlpha: 0.2 },
        );
        const a2 = tf.squeeze(a, [0]);
        const b2 = tf.squeeze(b, [0]);
        const { fused, exact, bound } = references(a2, b2, false, false, bias);
        const values = ours!.dataSync();
        for (let i = 0; i < values.length; i++) {
          const act = activation === 'relu' ? Math.max(0, exact[i]!) : exact[i]!;
          expect(Math.abs(values[i]! - act)).toBeLessThanOrEqual(bound[i]!);
          if (cpuHasFma) {
            expect(values[i]).toBe(activation === 'relu' ? Math.max(0, fused[i]!) : fused[i]!);
          }
        }
        tf.dispose([a, b, bias, ours!, a2, b2]);
      }
    }
  });

  it.runIf(onWasm)('is not registered by the default wasm backend', () => {
    expect(isWasmFmaGemmRegistered()).toBe(false);
  });

  it.runIf(runs)(
    "selectBackend('wasm') after 'wasm-fma' in the same thread is exact again",
    async () => {
      const a = gemmOperand([33, 120], 7);
      const b = gemmOperand([120, 19], 8);
      const exactBits = () => {
        const [c] = runKernel(tf.BatchMatMul, previousWasmGemmKernel(tf.BatchMatMul), { a, b }, {});
        const bytes = tensorBytes(c!);
        c!.dispose();
        return bytes;
      };
      const product = () => {
        const c = tf.matMul(a, b);
        const bytes = tensorBytes(c);
        c.dispose();
        return bytes;
      };
      try {
        expect((await selectBackend('wasm-fma')).choice).toBe('wasm-fma');
        expect(activeBackendChoice()).toBe('wasm-fma');
        expect(registeredWasmKernelFixes()).toContain('fma-gemm');
        const fused = Buffer.from(references(a, b, false, false).fused.buffer);
        expect(Buffer.compare(product(), cpuHasFma ? fused : exactBits())).toBe(0);
      } finally {
        await selectBackend('wasm');
      }
      expect(activeBackendChoice()).toBe('wasm');
      expect(isWasmFmaGemmRegistered()).toBe(false);
      expect(registeredWasmKernelFixes()).not.toContain('fma-gemm');
      expect(Buffer.compare(product(), exactBits())).toBe(0);
      tf.dispose([a, b]);
    },
  );

  it.runIf(runs)(
    "selectBackend('wasm-fma') registers it: a training step's gradients within float32 error of wasm's",
    () => {
      // In a process of its own: a registered kernel cannot be given back, and this one's must
      // stay exact for the other test files.
      const script = fileURLToPath(new URL('./test-support/fma-backend-child.ts', import.meta.url));
      const run = (backend: string) =>
        JSON.parse(
          execFileSync(
            process.execPath,
            ['--conditions=@vaekit/source', '--import', 'tsx', script, backend],
            { encoding: 'utf8' },
          ),
        ) as { choice: string; fixes: string[]; grad: number[]; loss: number };
      const fma = run('wasm-fma');
      const exact = run('wasm');
      expect(fma.choice).toBe('wasm-fma');
      expect(fma.fixes).toContain('fma-gemm');
      expect(exact.fixes).not.toContain('fma-gemm');
      expect(Math.abs(fma.loss - exact.loss)).toBeLessThan(1e-5 * Math.abs(exact.loss));
      const scale = Math.max(...exact.grad.map(Math.abs));
      for (let i = 0; i < exact.grad.length; i++) {
        expect(Math.abs(fma.grad[i]! - exact.grad[i]!)).toBeLessThan(1e-5 * scale);
      }
      if (cpuHasFma) expect(fma.grad).not.toEqual(exact.grad);
    },
  );
});
