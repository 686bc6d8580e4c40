import * as tf from '@tensorflow/tfjs-core';
import type { KernelArgs, KernelFunc } from './wasm-kernel-replacement';
import { type KernelExports, type WasmBackendInternals, wasmKernels } from './wasm-kernels';

/** The elementwise kernels of wasm/kernels.c: `(x, y, n)`, reading `x` and writing `y`. */
export type UnaryExport = 'vk_softplus' | 'vk_exp';

/**
 * A unary elementwise kernel backed by one of vaekit's wasm functions, for float32 inputs;
 * anything else (or a backend whose kernels cannot be instantiated) goes to `original`.
 */
export function unaryKernel(
  name: UnaryExport,
  original: KernelFunc,
): (args: KernelArgs) => unknown {
  return (args: KernelArgs) => {
    const x = args.inputs['x'] as tf.TensorInfo;
    const kernels = x.dtype === 'float32' ? wasmKernels(args.backend) : undefined;
    if (kernels === undefined) return original(args);
    const backend = args.backend as WasmBackendInternals;
    const out = backend.makeOutput(x.shape, 'float32');
    const n = tf.util.sizeFromShape(x.shape);
    const run: KernelExports[UnaryExport] = kernels.exports[name];
    if (n > 0) run(kernels.offset(x), kernels.offset(out), n);
    return out;
  };
}
