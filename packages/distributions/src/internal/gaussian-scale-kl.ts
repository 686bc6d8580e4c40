/**
 * The scale part of the KL divergence between two Gaussians, in float32 without cancellation.
 * Internal; used by the Gaussian KLs of `diagonal-normal.ts` and `standard-normal.ts`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { log1pF32 } from '../special/tensor-log1p';
import { customOp, runCustomOp } from './custom-op';
import { STANDARD_NORMAL_KL_KERNEL, backendHasKernel } from './kernel-names';

/**
 * `|u|` below which `(expm1(2u) - 2u) / 2` is summed as a power series: above it the subtraction
 * loses at most a factor ~1.3 (`expm1(1) - 1 = 0.718`).
 */
const SERIES_LIMIT = 0.5;

/**
 * `c_k = 2^(k+1) / (k+2)!`, so that `(expm1(2u) - 2u) / 2 = u^2 sum_k c_k u^k`. Eleven terms: the
 * first omitted one is below 2/13! = 3e-10 (relative) at |u| = 0.5.
 */
const SERIES = Array.from({ length: 11 }, (_, k) => {
  let factorial = 1;
  for (let i = 2; i <= k + 2; i++) factorial *= i;
  return 2 ** (k + 1) / factorial;
});

/**
 * `log(s1 / s2)`, elementwise, accurate to a few float32 roundings also when `s1 ~ s2` (where
 * `log(s1 / s2)` loses all its digits to the rounding of the ratio, and `log s1 - log s2` loses
 * them to that of the logs). The value is `log1p((s1 - s2) / s2)` where `s2/2 <= s1 <= 2 s2`
 * (`s1 - s2` is then exact) and `log s1 - log s2` elsewhere (no overflow of the ratio at scales
 * 1e-30 and 1e30); the gradient is always that of `log s1 - log s2`, i.e. exactly `1/s1` and
 * `-1/s2` (the correction is a constant for autodiff). Without `s2`, `s2 = 1`.
 */
export function logScaleRatio(s1: tf.Tensor, s2?: tf.Tensor): tf.Tensor {
  const far = s2 === undefined ? tf.log(s1) : tf.sub(tf.log(s1), tf.log(s2));
  return tf.add(far, nearCorrection(s1, s2 ?? tf.scalar(1)));
}

/**
 * `log1p((s1 - s2)/s2) - (log s1 - log s2)` where `s2/2 <= s1 <= 2 s2`, 0 elsewhere, as a
 * constant for autodiff (a `tf.customGrad` with zero gradients: its comparisons have no gradient
 * in tfjs and must stay off the tape).
 */
const nearCorrection = tf.customGrad(((s1: tf.Tensor, s2: tf.Tensor) => {
  const far = tf.sub(tf.log(s1), tf.log(s2));
  const lower = tf.mul(s2, 0.5);
  const upper = tf.mul(s2, 2);
  const inside = tf.logicalAnd(tf.greaterEqual(s1, lower), tf.lessEqual(s1, upper));
  const clamped = tf.minimum(tf.maximum(s1, lower), upper);
  const near = log1pF32(tf.div(tf.sub(clamped, s2), s2));
  const s1Shape = s1.shape;
  const s2Shape = s2.shape;
  return {
    value: tf.where(inside, tf.sub(near, far), tf.zerosLike(far)),
    gradFunc: () => [tf.zeros(s1Shape), tf.zeros(s2Shape)],
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (
  s1: tf.Tensor,
  s2: tf.Tensor,
) => tf.Tensor;

/**
 * `(r^2 - 1)/2 - log r` for `u = log r`, i.e. `(expm1(2u) - 2u) / 2 >= 0`, elementwise: the power
 * series `u^2 (1 + 2u/3 + u^2/3 + 2u^3/15 + ...)` for `|u| < 0.5` (no cancellation: the value is
 * ~`u^2` where the defining form subtracts numbers ~1 apart by ~`u^2`), `expm1(2u)/2 - u` beyond
 * (`tf.expm1` is accurate to float32 rounding on the wasm and cpu backends). `Infinity` once
 * `e^(2u)/2` overflows float32 (`u > 44.36`). Differentiable; both branches see arguments from their
 * own region, so neither puts a NaN into the gradient.
 */
export function scaleKL(u: tf.Tensor): tf.Tensor {
  const small = tf.clipByValue(u, -SERIES_LIMIT, SERIES_LIMIT);
  let poly: tf.Tensor = tf.scalar(SERIES[SERIES.length - 1]!);
  for (let k = SERIES.length - 2; k >= 0; k--) poly = tf.add(tf.mul(poly, small), SERIES[k]!);
  const series = tf.mul(tf.square(small), poly);
  const direct = tf.sub(tf.mul(tf.expm1(tf.mul(u, 2)), 0.5), u);
  // (GreaterEqual, unlike Less, has a gradient in tfjs: zero.)
  return tf.where(tf.greaterEqual(tf.abs(u), SERIES_LIMIT), direct, series);
}

/**
 * `KL(N(m1, s1^2) || N(m2, s2^2))` per dimension, `(r^2 - 1)/2 - log r + (m1 - m2)^2 / (2 s2^2)`
 * with `r = s1 / s2` (`m2 = 0`, `s2 = 1` when omitted), accurate to a few float32 roundings
 * relative also at near-equal scales (see {@link logScaleRatio}, {@link scaleKL}).
 *
 * One op with a hand-written gradient (`tf.customGrad`): the value is the chain above, evaluated
 * off the tape, and the gradient is the closed form, with `z = (m1 - m2)/s2`,
 * ```
 * d/dm1 = z / s2                      d/dm2 = -z / s2
 * d/ds1 = (r^2 - 1) / s1              d/ds2 = -(r^2 - 1 + z^2) / s2
 * r^2 - 1 = ((s1 - s2)/s2) ((s1 + s2)/s2)     (s1 - s2 is exact where s2/2 <= s1 <= 2 s2)
 * ```
 * so that near-equal scales keep the gradient's relative accuracy (`r - 1` from the rounded ratio
 * would not) and no intermediate under- or overflows before the result does. Differentiating the
 * chain instead put ~90 small kernels on the backward pass of every Gaussian ELBO step (the
 * power series, the `where` branches, `log1p`), for the same value to a few roundings.
 */
export function gaussianKLPerDimension(
  m1: tf.Tensor,
  s1: tf.Tensor,
  m2?: tf.Tensor,
  s2?: tf.Tensor,
): tf.Tensor {
  if (m2 === undefined && s2 === undefined) return runCustomOp(() => standardKL(m1, s1));
  return runCustomOp(() => generalKL(m1, s1, m2 ?? tf.zerosLike(m1), s2 ?? tf.onesLike(s1)));
}

/** The chain itself (no custom gradient): the value of {@link gaussianKLPerDimension}. */
function klValue(m1: tf.Tensor, s1: tf.Tensor, m2?: tf.Tensor, s2?: tf.Tensor): tf.Tensor {
  const diff = m2 === undefined ? m1 : tf.sub(m1, m2);
  const z = s2 === undefined ? diff : tf.div(diff, s2);
  return tf.add(scaleKL(logScaleRatio(s1, s2)), tf.mul(tf.square(z), 0.5));
}

/** The value of `KL(N(m1, s1^2) || N(0, 1))`: the backend's fused kernel where it has one. */
function standardKLValue(m1: tf.Tensor, s1: tf.Tensor): tf.Tensor {
  if (
    m1.dtype !== 'float32' ||
    s1.dtype !== 'float32' ||
    !backendHasKernel(STANDARD_NORMAL_KL_KERNEL)
  ) {
    return klValue(m1, s1);
  }
  const shape = tf.backend_util.assertAndGetBroadcastShape(m1.shape, s1.shape);
  const loc = tf.util.arraysEqual(m1.shape, shape) ? m1 : tf.broadcastTo(m1, shape);
  const scale = tf.util.arraysEqual(s1.shape, shape) ? s1 : tf.broadcastTo(s1, shape);
  return tf.engine().runKernel(STANDARD_NORMAL_KL_KERNEL, { loc, scale }) as tf.Tensor;
}

/** `KL(N(m1, s1^2) || N(0, 1))` per dimension: gradients `m1` and `(s1 - 1)(s1 + 1)/s1`. */
const standardKL = customOp((m1: tf.Tensor, s1: tf.Tensor, save: tf.GradSaveFunc) => {
  save([m1, s1]);
  return {
    value: standardKLValue(m1, s1),
    gradFunc: (dy: tf.Tensor, [m, s]: tf.Tensor[]) => [
      sumToShape(tf.mul(dy, m!), m!.shape),
      sumToShape(tf.mul(dy, tf.div(tf.mul(tf.sub(s!, 1), tf.add(s!, 1)), s!)), s!.shape),
    ],
  };
});

/** `KL(N(m1, s1^2) || N(m2, s2^2))` per dimension, with the gradients of the TSDoc above. */
const generalKL = customOp(
  (m1: tf.Tensor, s1: tf.Tensor, m2: tf.Tensor, s2: tf.Tensor, save: tf.GradSaveFunc) => {
    save([m1, s1, m2, s2]);
    return {
      value: klValue(m1, s1, m2, s2),
      gradFunc: (dy: tf.Tensor, [a, sa, b, sb]: tf.Tensor[]) => {
        const z = tf.div(tf.sub(a!, b!), sb!);
        const dm = tf.div(tf.mul(dy, z), sb!);
        const r2m1 = tf.mul(tf.div(tf.sub(sa!, sb!), sb!), tf.div(tf.add(sa!, sb!), sb!));
        return [
          sumToShape(dm, a!.shape),
          sumToShape(tf.div(tf.mul(dy, r2m1), sa!), sa!.shape),
          sumToShape(tf.neg(dm), b!.shape),
          sumToShape(tf.neg(tf.div(tf.mul(dy, tf.add(r2m1, tf.square(z))), sb!)), sb!.shape),
        ];
      },
    };
  },
);

/** A broadcast result's gradient summed back to an input's shape (as tfjs's own `add` does). */
function sumToShape(g: tf.Tensor, shape: number[]): tf.Tensor {
  const axes = tf.backend_util.getReductionAxes(shape, g.shape);
  const reduced = axes.length > 0 ? tf.sum(g, axes) : g;
  return reduced.shape.length === shape.length && reduced.shape.every((n, i) => n === shape[i])
    ? reduced
    : tf.reshape(reduced, shape);
}
