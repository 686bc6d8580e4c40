/**
 * Float32 tensor functions of the Power Spherical distribution on `S^{d-1}` (De Cao & Aziz 2020,
 * "The Power Spherical distribution"), elementwise in the concentration `kappa`, with exact
 * analytic gradients (never the derivative of the approximation). Internal: the distribution's
 * `logProb`, `entropy`, `logNormalizer` and KL are built from them.
 *
 * With `beta = (d - 1)/2`, `alpha = beta + kappa`, `Dpsi(alpha) = psi(alpha + beta) - psi(alpha)`
 * and `Tpsi(alpha) = psi'(alpha) - psi'(alpha + beta)`:
 * ```
 * KL(kappa)     = KL(PS(mu, kappa) || U(S^{d-1})) = D(alpha) - D(beta) - kappa Dpsi(alpha),
 *                 D(x) = log Gamma(x + beta) - log Gamma(x);        dKL/dkappa = kappa Tpsi(alpha)
 * entropy       = log|S^{d-1}| - KL(kappa);                          dH/dkappa = -kappa Tpsi(alpha)
 * log C(kappa)  = (alpha + beta) log 2 + beta log pi + log Gamma(alpha) - log Gamma(alpha + beta)
 *               = log|S^{d-1}| + kappa log 2 - KL(kappa) - kappa Dpsi(alpha);
 *                                                        d log C/dkappa = log 2 - Dpsi(alpha)
 * ```
 * (the second form of `log C` uses `log C(0) = log|S^{d-1}|`, Legendre's duplication formula).
 *
 * The KL is evaluated without cancellation of large terms: written as
 * `G(x0) = D(x0 + kappa) - D(x0) - kappa Dpsi(x0 + kappa)`, the recurrence
 * `log Gamma(x + 1) = log Gamma(x) + log x` gives
 * `G(x0) = G(x0 + 1) + (u - v) + [log(1 + u) - u]` with `u = kappa beta / (x0 (x0 + kappa + beta))`
 * and `u - v = kappa^2 beta / (x0 (x0 + kappa)(x0 + kappa + beta)) >= 0`; once `x0 >= 8`, Stirling's
 * series gives, with `a = x0 + kappa`, `p = kappa beta / (a (x0 + beta))`, `q = kappa / (x0 + beta)`,
 * ```
 * G(x0) = (x0 - 1/2) [log(1 - p) + p] + beta [log(1 + q) - q + q kappa / a]
 *       + kappa^2 beta / (2 a (x0 + beta)(a + beta)) + E,
 * E     = [S1(a + beta) - S1(a)] - [S1(x0 + beta) - S1(x0)] + kappa [S(a + beta) - S(a)]
 * ```
 * (`S1`, `S` the remainders of Stirling's series for log Gamma and psi), every term `O(kappa^2)`
 * near 0 and none growing like `kappa` for large `kappa`. Its rounding error is below 3e-7 of
 * the KL plus 2e-9 (checked against mpmath for d from 2 to 4096 and kappa from 0 to 1e6; near
 * `kappa = 0`, where the KL is about `kappa^2 / (4 beta)`, the relative error grows, while the
 * gradient `kappa Tpsi` keeps full relative accuracy). It is exactly 0 at `kappa = 0` and never
 * negative.
 */
import * as tf from '@tensorflow/tfjs-core';
import { logSphereSurfaceArea } from './log-sphere-surface-area';
import {
  DIGAMMA_SERIES,
  digammaDifferenceF32,
  evenSeries,
  evenSeriesNumber,
  LOG_GAMMA_SERIES,
  recurrenceSteps,
  trigammaDifferenceF32,
} from './tensor-digamma';
import { log1pF32 } from './tensor-log1p';
import { requireDimension } from './validate';

type Elementwise = (x: tf.Tensor) => tf.Tensor;

/** The largest finite float32: infinite derivatives are clipped to it. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** Below this, `1 + t` is treated as this (`log((1 + t)/2)` stays finite at `t = -1`). */
export const ONE_PLUS_T_FLOOR = 1e-30;

/** `f(x)` as a constant for autodiff: a `tf.customGrad` whose gradient is zero. */
function withoutGradient(f: Elementwise): Elementwise {
  const constant = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => ({
    value: f(args[0] as tf.Tensor),
    gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
  }));
  return (x) => constant(x);
}

/**
 * The named op `x -> value(x)` on a float32 copy of `x` whose gradient is `dy * derivative(x)`:
 * `V + G (x - X)` with `V`, `G` and `X = x` each behind a zero-gradient `tf.customGrad`, so that
 * nothing is saved inside a customGrad (which trips tfjs' test-mode leak check on wasm,
 * tensorflow/tfjs#6518). The same construction as `elementwiseOp` in `special/tensor.ts`.
 */
function elementwiseOp<R extends tf.Rank>(
  name: string,
  x: tf.Tensor<R>,
  value: Elementwise,
  derivative: Elementwise,
): tf.Tensor<R> {
  const op = tf.op({
    [name]: (input: tf.Tensor) => {
      const x32 = input.dtype === 'float32' ? input : tf.cast(input, 'float32');
      const v = withoutGradient(value)(x32);
      const g = withoutGradient((t) => tf.clipByValue(derivative(t), -FLOAT32_MAX, FLOAT32_MAX))(
        x32,
      );
      const anchor = withoutGradient(tf.clone)(x32);
      return tf.add(v, tf.mul(g, tf.sub(x32, anchor)));
    },
  });
  return op(x) as tf.Tensor<R>;
}

/** `log(1 + u) - u` for `u > -1` in float32, by its Taylor series where it would cancel. */
function log1pmxF32(u: tf.Tensor): tf.Tensor {
  // sum_{m=2..18} (-1)^(m+1) u^m / m for |u| < 1/4 (truncation < 3e-11 relative).
  let series: tf.Tensor = tf.scalar(-1 / 18);
  for (let m = 17; m >= 2; m--) series = tf.add(tf.mul(series, u), (m % 2 === 0 ? -1 : 1) / m);
  series = tf.mul(series, tf.square(u));
  return tf.where(tf.less(tf.abs(u), 0.25), series, tf.sub(log1pF32(u), u));
}

/** `KL(PS || U(S^{d-1}))` in float32 (see the module comment), without gradient. */
function klToUniformF32(dim: number, kappa: tf.Tensor): tf.Tensor {
  const b = (dim - 1) / 2;
  const steps = recurrenceSteps(b);
  const x0 = b + steps;
  const a = tf.add(kappa, x0);
  const ab = tf.add(a, b);
  const ratio = tf.div(kappa, a);
  const p = tf.mul(ratio, b / (x0 + b));
  const q = tf.div(kappa, x0 + b);
  // beta [log(1 + q) - q + q kappa / a], written as log(1 + q) - q x0 / a once q is not small.
  const middle = tf.where(
    tf.less(q, 0.5),
    tf.add(log1pmxF32(q), tf.mul(q, ratio)),
    tf.sub(log1pF32(q), tf.mul(q, tf.div(x0, a))),
  );
  const s1 = tf.sub(
    tf.sub(evenSeries(LOG_GAMMA_SERIES, ab, 1), evenSeries(LOG_GAMMA_SERIES, a, 1)),
    evenSeriesNumber(LOG_GAMMA_SERIES, x0 + b, 1) - evenSeriesNumber(LOG_GAMMA_SERIES, x0, 1),
  );
  const s = tf.mul(
    kappa,
    tf.sub(evenSeries(DIGAMMA_SERIES, ab, 0), evenSeries(DIGAMMA_SERIES, a, 0)),
  );
  let g = tf.addN([
    tf.mul(x0 - 0.5, log1pmxF32(tf.neg(p))),
    tf.mul(b, middle),
    tf.mul(tf.mul(ratio, tf.div(kappa, ab)), b / (2 * (x0 + b))),
    s1,
    s,
  ]);
  for (let j = 0; j < steps; j++) {
    const xj = b + j;
    const toB = tf.div(kappa, tf.add(kappa, xj + b));
    const u = tf.mul(toB, b / xj);
    const uMinusV = tf.mul(tf.mul(tf.div(kappa, tf.add(kappa, xj)), toB), b / xj);
    g = tf.add(g, tf.add(uMinusV, log1pmxF32(u)));
  }
  return tf.where(tf.greater(kappa, 0), tf.relu(g), tf.zerosLike(g));
}

/** `psi(alpha + beta) - psi(alpha)` at `alpha = beta + kappa`. */
function digammaGap(dim: number, kappa: tf.Tensor): tf.Tensor {
  const b = (dim - 1) / 2;
  return digammaDifferenceF32(tf.add(kappa, b), b, b);
}

/** `psi'(alpha) - psi'(alpha + beta)` at `alpha = beta + kappa`. */
function trigammaGap(dim: number, kappa: tf.Tensor): tf.Tensor {
  const b = (dim - 1) / 2;
  return trigammaDifferenceF32(tf.add(kappa, b), b, b);
}

/**
 * `KL(PS(mu, kappa) || U(S^{d-1}))` elementwise in float32, independent of `mu`, with gradient
 * `kappa (psi'(alpha) - psi'(alpha + beta))`. Exactly 0 at `kappa = 0`.
 *
 * @param dim - ambient dimension `d`, an integer `>= 2`.
 * @param kappa - concentrations `>= 0` (any shape; cast to float32).
 */
export function powerSphericalKLToUniformTensor<R extends tf.Rank>(
  dim: number,
  kappa: tf.Tensor<R>,
): tf.Tensor<R> {
  requireDimension('powerSphericalKLToUniformTensor', dim);
  return elementwiseOp(
    'powerSphericalKLToUniformTensor',
    kappa,
    (k) => klToUniformF32(dim, k),
    (k) => tf.mul(k, trigammaGap(dim, k)),
  );
}

/**
 * Entropy `log|S^{d-1}| - KL(PS || U)` elementwise in float32, gradient `-kappa Tpsi(alpha)`.
 *
 * @param dim - ambient dimension `d`, an integer `>= 2`.
 * @param kappa - concentrations `>= 0` (any shape; cast to float32).
 */
export function powerSphericalEntropyTensor<R extends tf.Rank>(
  dim: number,
  kappa: tf.Tensor<R>,
): tf.Tensor<R> {
  requireDimension('powerSphericalEntropyTensor', dim);
  const logArea = logSphereSurfaceArea(dim);
  return elementwiseOp(
    'powerSphericalEntropyTensor',
    kappa,
    (k) => tf.sub(logArea, klToUniformF32(dim, k)),
    (k) => tf.neg(tf.mul(k, trigammaGap(dim, k))),
  );
}

/**
 * The log-normaliser `log C(kappa, d)` elementwise in float32, gradient `log 2 - Dpsi(alpha)`.
 *
 * @param dim - ambient dimension `d`, an integer `>= 2`.
 * @param kappa - concentrations `>= 0` (any shape; cast to float32).
 */
export function powerSphericalLogNormalizerTensor<R extends tf.Rank>(
  dim: number,
  kappa: tf.Tensor<R>,
): tf.Tensor<R> {
  requireDimension('powerSphericalLogNormalizerTensor', dim);
  return elementwiseOp(
    'powerSphericalLogNormalizerTensor',
    kappa,
    (k) => tf.add(reducedLogNormalizerF32(dim, k), tf.mul(k, Math.LN2)),
    (k) => tf.sub(Math.LN2, digammaGap(dim, k)),
  );
}

/**
 * `log C(kappa, d) - kappa log 2` elementwise in float32, gradient `-Dpsi(alpha)`: the
 * log-normaliser of the density written as `((1 + mu^T x)/2)^kappa`, which keeps `logProb` free
 * of the cancellation between `kappa log(1 + t)` and `kappa log 2` when kappa is large.
 *
 * @param dim - ambient dimension `d`, an integer `>= 2`.
 * @param kappa - concentrations `>= 0` (any shape; cast to float32).
 */
export function powerSphericalReducedLogNormalizerTensor<R extends tf.Rank>(
  dim: number,
  kappa: tf.Tensor<R>,
): tf.Tensor<R> {
  requireDimension('powerSphericalReducedLogNormalizerTensor', dim);
  return elementwiseOp(
    'powerSphericalReducedLogNormalizerTensor',
    kappa,
    (k) => reducedLogNormalizerF32(dim, k),
    (k) => tf.neg(digammaGap(dim, k)),
  );
}

/** `log|S^{d-1}| - KL(kappa) - kappa Dpsi(alpha)`. */
function reducedLogNormalizerF32(dim: number, kappa: tf.Tensor): tf.Tensor {
  return tf.sub(
    tf.sub(logSphereSurfaceArea(dim), klToUniformF32(dim, kappa)),
    tf.mul(kappa, digammaGap(dim, kappa)),
  );
}

/**
 * `log((1 + t) / 2)` elementwise in float32, with gradient `1 / (1 + t)`: by `log1p((t - 1)/2)`
 * for `t > 0` (full relative accuracy as `t -> 1`, where samples of a concentrated distribution
 * lie), and `log(1 + t) - log 2` below. `1 + t` is floored at {@link ONE_PLUS_T_FLOOR}, where the
 * gradient is 0, so that the value stays finite at `t = -1` (and `kappa log((1+t)/2)` is 0 at
 * `kappa = 0`).
 *
 * @param t - cosines `mu^T x` in [-1, 1] (any shape).
 */
export function logHalfOnePlusTensor<R extends tf.Rank>(t: tf.Tensor<R>): tf.Tensor<R> {
  return elementwiseOp(
    'logHalfOnePlusTensor',
    t,
    (x) =>
      tf.where(
        tf.greater(x, 0),
        log1pF32(tf.mul(tf.sub(x, 1), 0.5)),
        tf.sub(tf.log(tf.maximum(tf.add(x, 1), ONE_PLUS_T_FLOOR)), Math.LN2),
      ),
    (x) => {
      const onePlus = tf.add(x, 1);
      const above = tf.greater(onePlus, ONE_PLUS_T_FLOOR);
      return tf.where(
        above,
        tf.reciprocal(tf.where(above, onePlus, tf.onesLike(onePlus))),
        tf.zerosLike(x),
      );
    },
  );
}
