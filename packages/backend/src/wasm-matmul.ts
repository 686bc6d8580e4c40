import * as tf from '@tensorflow/tfjs-core';
import { type KernelArgs, type KernelFunc, WasmKernelReplacement } from './wasm-kernel-replacement';

const replacement = new WasmKernelReplacement('transposed-matmul', {
  [tf.BatchMatMul]: transposingKernel,
  [tf._FusedMatMul]: transposingKernel,
});

/**
 * Work around the slow transposed-matmul path of `@tensorflow/tfjs-backend-wasm` 4.x.
 *
 * On wasm, `matMul(a, b, transposeA, transposeB)` with either flag set runs 10-20x slower than
 * an explicit `transpose` followed by a plain matmul (measured here: 128x784ᵀ · 128x512 took
 * 60 ms against 3.2 ms). Every gradient of a matmul asks for a transposed product
 * (`dA = dY · Bᵀ`, `dB = Aᵀ · dY`), and tfjs-layers' `Dense` and `LSTM` use `fused.matMul`,
 * so training pays this on every step.
 *
 * This replaces the wasm `BatchMatMul` and `_FusedMatMul` kernels by wrappers that transpose
 * a flagged operand explicitly (with the backend's own `Transpose` kernel) and then call the
 * original kernel with the flag cleared. The arithmetic of the product itself is the original
 * kernel's, so results agree with the unpatched kernels to float32 rounding. It is a kernel-level
 * fix: every op, gradient and layer that dispatches to these kernels benefits.
 *
 * Idempotent; a no-op when the wasm backend is not registered.
 *
 * @returns the kernel names that were wrapped by this call (empty when already wrapped).
 * @example
 * ```ts
 * import '@tensorflow/tfjs-backend-wasm';
 * await tf.setBackend('wasm');
 * registerWasmMatMulFix(); // ['BatchMatMul', '_FusedMatMul']
 * ```
 */
export function registerWasmMatMulFix(): string[] {
  if (tf.getKernel(tf.Transpose, 'wasm') === undefined) return [];
  return replacement.register();
}

/** Whether {@link registerWasmMatMulFix} has wrapped the wasm matmul kernels in this process. */
export function isWasmMatMulFixRegistered(): boolean {
  return replacement.active;
}

function transposingKernel(original: KernelFunc): (args: KernelArgs) => unknown {
  const transpose = tf.getKernel(tf.Transpose, 'wasm')!.kernelFunc;
  return (args: KernelArgs) => {
    const attrs = args.attrs as { transposeA?: boolean; transposeB?: boolean } | undefined;
    const transposeA = attrs?.transposeA === true;
    const transposeB = attrs?.transposeB === true;
    if (!transposeA && !transposeB) return original(args);

    const backend = args.backend as tf.KernelBackend;
    const temporaries: tf.TensorInfo[] = [];
    const explicit = (x: tf.TensorInfo): tf.TensorInfo => {
      const rank = x.shape.length;
      const perm = Array.from({ length: rank }, (_, i) => i);
      perm[rank - 2] = rank - 1;
      perm[rank - 1] = rank - 2;
      const out = transpose({ inputs: { x }, backend, attrs: { perm } }) as tf.TensorInfo;
      temporaries.push(out);
      return out;
    };
    const inputs = { ...args.inputs } as Record<string, tf.TensorInfo>;
    if (transposeA) inputs['a'] = explicit(inputs['a']!);
    if (transposeB) inputs['b'] = explicit(inputs['b']!);
    try {
      return original({
        ...args,
        inputs,
        attrs: { ...args.attrs, transposeA: false, transposeB: false },
      });
    } finally {
      for (const t of temporaries) backend.disposeData(t.dataId);
    }
  };
}
