import * as tf from '@tensorflow/tfjs-core';
import { type WasmBackendInternals, wasmKernels } from './wasm-kernels';

/** The float32 scalars of one Adam step (see {@link adamStep}). */
export interface AdamStepScalars {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** beta1^t for this step's t (t = 1 on the first step), a float32 value. */
  accBeta1: number;
  /** beta2^t for this step's t, a float32 value. */
  accBeta2: number;
  /** Multiply the gradient by this first (global-norm clipping); omitted: no scaling. */
  gradientScale?: number;
}

/** The updated parameter and moment estimates of {@link adamStep} (the caller owns them). */
export interface AdamStepResult {
  value: tf.Tensor;
  m: tf.Tensor;
  v: tf.Tensor;
}

/** Name of the fused kernel (registered for wasm when vaekit's wasm kernels can run). */
export const ADAM_STEP_KERNEL = 'VaekitAdamStep';

/**
 * One Adam step (Kingma & Ba 2015, "Adam: A Method for Stochastic Optimization", Algorithm 1)
 * for one parameter tensor, in the float32 operations and order of tfjs-core's
 * `AdamOptimizer.applyGradients`, so the results are bit-identical to it:
 *
 * ```
 * g  <- g * s                                   (only when gradientScale s is given)
 * m' =  m * beta1 + g * (1 - beta1)
 * v' =  v * beta2 + g^2 * (1 - beta2)
 * x' = (m' / (1 - beta1^t)) / (sqrt(v' / (1 - beta2^t)) + eps) * (-lr) + x
 * ```
 * with one difference: `m'` and `v'` are stored with subnormal values (`|.| < 2^-126`) flushed
 * to zero of the same sign. A weight whose gradient is exactly zero step after step (a pixel that
 * is always off, a ReLU unit that is off) has `m'` decay as `beta1^t`, into the subnormals after
 * ~800 steps at beta1 = 0.9, where every multiply and divide on it takes a microcode assist on
 * x86 cores: on MNIST the MLP VAE's Adam step went from 1.5 to 15 ms (10x) after 1,000 steps of
 * training (TensorFlow flushes them too, with the CPU's flush-to-zero mode). What a flushed value
 * would have added to a later update of `x` is below `10 * 2^-126 * lr / eps` (4e-34 at lr = 1e-3,
 * eps = 1e-7), under half an ulp of any weight larger than 2^24 times that (~7e-27): `x'` is
 * tfjs's bit for bit except for weights that small (tested over 400 steps of training in which
 * thousands of moments went subnormal).
 *
 * On wasm this is one fused SIMD kernel (`vk_adam` in wasm/kernels.c: one pass over the
 * tensors instead of about 15 kernels and their temporaries); elsewhere the same composite of
 * tfjs ops as tfjs's optimizer.
 *
 * @example
 * ```ts
 * const { value, m, v } = adamStep(w, grad, m0, v0, {
 *   learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, accBeta1: 0.9, accBeta2: 0.999,
 * });
 * ```
 */
export function adamStep(
  value: tf.Tensor,
  gradient: tf.Tensor,
  m: tf.Tensor,
  v: tf.Tensor,
  scalars: AdamStepScalars,
): AdamStepResult {
  const attrs = adamAttrs(scalars);
  if (registerAdamStepKernel() && value.dtype === 'float32' && gradient.dtype === 'float32') {
    const [x, m1, v1] = tf
      .engine()
      .runKernel(
        ADAM_STEP_KERNEL,
        { value, gradient, m, v },
        attrs as unknown as tf.NamedAttrMap,
      ) as tf.Tensor[];
    return { value: x!, m: m1!, v: v1! };
  }
  return tf.tidy(() => {
    const g = attrs.applyScale ? tf.mul(gradient, attrs.scale) : gradient;
    const m1 = tf.add(tf.mul(m, attrs.beta1), tf.mul(g, attrs.oneMinusBeta1));
    const v1 = tf.add(tf.mul(v, attrs.beta2), tf.mul(tf.square(g), attrs.oneMinusBeta2));
    // (the update below uses the moments before the flush, as the kernel)
    const mHat = tf.div(m1, tf.scalar(attrs.oneMinusAccBeta1));
    const vHat = tf.div(v1, tf.scalar(attrs.oneMinusAccBeta2));
    const x = tf.add(
      tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), attrs.epsilon)), attrs.negLearningRate),
      value,
    );
    return { value: x, m: flushSubnormals(m1), v: flushSubnormals(v1) };
  });
}

/** The smallest normal float32, 2^-126. */
const MIN_NORMAL_FLOAT32 = 2 ** -126;

/** `t` with its subnormal float32 values replaced by zero of the same sign (`t * 0`). */
function flushSubnormals(t: tf.Tensor): tf.Tensor {
  return tf.where(tf.less(tf.abs(t), MIN_NORMAL_FLOAT32), tf.mul(t, 0), t);
}

interface AdamAttrs {
  beta1: number;
  oneMinusBeta1: number;
  beta2: number;
  oneMinusBeta2: number;
  oneMinusAccBeta1: number;
  oneMinusAccBeta2: number;
  epsilon: number;
  negLearningRate: number;
  scale: number;
  applyScale: boolean;
}

/** The scalars as tfjs's optimizer makes them: JS numbers rounded to float32 by tensor creation. */
function adamAttrs(s: AdamStepScalars): AdamAttrs {
  return {
    beta1: s.beta1,
    oneMinusBeta1: 1 - s.beta1,
    beta2: s.beta2,
    oneMinusBeta2: 1 - s.beta2,
    // tfjs: sub(1, accBeta) on float32 tensors.
    oneMinusAccBeta1: Math.fround(1 - Math.fround(s.accBeta1)),
    oneMinusAccBeta2: Math.fround(1 - Math.fround(s.accBeta2)),
    epsilon: s.epsilon,
    negLearningRate: -s.learningRate,
    scale: s.gradientScale ?? 1,
    applyScale: s.gradientScale !== undefined,
  };
}

let registered: boolean | undefined;

/** Register the fused wasm kernel once; whether it can run on the active backend. */
function registerAdamStepKernel(): boolean {
  if (tf.getBackend() !== 'wasm') return false;
  if (registered === undefined) {
    registered = wasmKernels(tf.backend()) !== undefined;
    if (registered && tf.getKernel(ADAM_STEP_KERNEL, 'wasm') === undefined) {
      tf.registerKernel({
        kernelName: ADAM_STEP_KERNEL,
        backendName: 'wasm',
        kernelFunc: adamKernel,
      });
    }
  }
  return registered;
}

function adamKernel(args: {
  inputs: tf.NamedTensorInfoMap;
  attrs?: tf.NamedAttrMap;
  backend: unknown;
}): tf.TensorInfo[] {
  const backend = args.backend as WasmBackendInternals;
  const kernels = wasmKernels(backend)!;
  const { value, gradient, m, v } = args.inputs as Record<string, tf.TensorInfo>;
  const a = args.attrs as unknown as AdamAttrs;
  const size = tf.util.sizeFromShape(value!.shape);
  for (const [name, t] of [
    ['gradient', gradient],
    ['m', m],
    ['v', v],
  ] as const) {
    if (tf.util.sizeFromShape(t!.shape) !== size) {
      throw new Error(
        `adamStep: ${name} has shape [${t!.shape}], the parameter [${value!.shape}]: they must match`,
      );
    }
  }
  const outputs = [value!, m!, v!].map((t) => backend.makeOutput(t.shape, 'float32'));
  if (size > 0) {
    const [x1, m1, v1] = outputs.map((t) => kernels.offset(t));
    kernels.exports.vk_adam(
      kernels.offset(value!),
      kernels.offset(gradient!),
      kernels.offset(m!),
      kernels.offset(v!),
      x1!,
      m1!,
      v1!,
      size,
      a.beta1,
      a.oneMinusBeta1,
      a.beta2,
      a.oneMinusBeta2,
      a.oneMinusAccBeta1,
      a.oneMinusAccBeta2,
      a.epsilon,
      a.negLearningRate,
      a.scale,
      a.applyScale ? 1 : 0,
    );
  }
  return outputs;
}

/**
 * The squared global norm `sum_i ||g_i||^2` of a list of tensors (for global-norm gradient
 * clipping, Pascanu et al. 2013). On wasm: one pass per tensor, accumulated in float64, reading
 * the tensors in place; elsewhere `sum(square(g))` per tensor in float32 and one read-back.
 *
 * @example
 * ```ts
 * const norm = Math.sqrt(globalNormSquared(Object.values(grads)));
 * ```
 */
export function globalNormSquared(tensors: readonly tf.Tensor[]): number {
  if (tensors.length === 0) return 0;
  const kernels = tf.getBackend() === 'wasm' ? wasmKernels(tf.backend()) : undefined;
  if (kernels !== undefined && tensors.every((t) => t.dtype === 'float32')) {
    let total = 0;
    for (const t of tensors) {
      if (t.size > 0) total += kernels.exports.vk_sum_squares(kernels.offset(t), t.size);
    }
    return total;
  }
  const sum = tf.tidy(() => tf.addN(tensors.map((t) => tf.sum(tf.square(t)))));
  const value = sum.dataSync()[0]!;
  sum.dispose();
  return value;
}
