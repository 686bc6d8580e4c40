/**
 * Float32 tensor evaluation of Debye's uniform asymptotic expansion of `I_v(x)` for a fixed order
 * `v` (A&S 9.7.7, 9.7.9; Olver 1954); the double-precision counterpart is `bessel-i-uniform.ts`,
 * whose formulas these mirror. Internal; the regime selection is in `tensor-bessel-i.ts`.
 *
 * For a fixed `v` the sums `M = sum_k P_k(q) / r^k` and `N = sum_k W_k(q) / r^k` (`q = v^2 / r^2`)
 * are polynomials in the single variable `t = sigma / r` with `sigma = max(v, 10)`: the term
 * `q^j / r^k` is `(v / sigma)^{2j} sigma^{-k} t^{k + 2j}`. Their coefficients are computed here in
 * double precision, so the graph holds two Horner evaluations, and `t` lies in `(0, 1]` wherever
 * the expansion is used (`r >= 10`).
 */
import * as tf from '@tensorflow/tfjs-core';
import { logGammaStirlingCorrection } from './log-gamma';
import { logGammaPlusOneMinusVLogV } from './bessel-i-uniform';
import { log1pF32 } from './tensor-log1p';
import { type Polynomial, uniformPolynomials } from './uniform-asymptotic-coefficients';

/** Smallest `r = sqrt(v^2 + x^2)` at which the float32 code uses the expansion. */
export const TENSOR_UNIFORM_MIN_RADIUS = 10;
/** At most this many terms; at `r >= 10` the truncation error is below 1e-8 (relative). */
const MAX_TERMS = 10;
/** Terms whose coefficients are all below this (relative to 1) are dropped. */
const NEGLIGIBLE = 1e-12;
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** The scale `sigma` and the coefficients (lowest power first) of `M` and `N` in `t = sigma / r`. */
interface PolynomialsInT {
  sigma: number;
  m: number[];
  n: number[];
}

function polynomialsInT(v: number): PolynomialsInT {
  const { p, w } = uniformPolynomials();
  const sigma = Math.max(v, TENSOR_UNIFORM_MIN_RADIUS);
  const q = (v / sigma) ** 2;
  const m = new Array<number>(3 * MAX_TERMS + 1).fill(0);
  const n = new Array<number>(3 * MAX_TERMS + 1).fill(0);
  m[0] = 1;
  let scale = 1;
  const add = (target: number[], poly: Polynomial, k: number) => {
    let qj = 1;
    poly.forEach((c, j) => {
      target[k + 2 * j]! += c * qj * scale;
      qj *= q;
    });
  };
  for (let k = 1; k <= MAX_TERMS; k++) {
    scale /= sigma;
    const size = [...p[k]!, ...w[k]!].reduce((s, c) => s + Math.abs(c), 0) * scale;
    if (size < NEGLIGIBLE) break;
    add(m, p[k]!, k);
    add(n, w[k]!, k);
  }
  return { sigma, m, n };
}

function horner(coeffs: readonly number[], t: tf.Tensor): tf.Tensor {
  let last = coeffs.length - 1;
  while (last > 0 && coeffs[last] === 0) last--;
  let acc: tf.Tensor = tf.scalar(coeffs[last]!);
  for (let i = last - 1; i >= 0; i--) acc = tf.add(tf.mul(acc, t), coeffs[i]!);
  return acc;
}

/** The expansion at `x`, shared by the quantities below. */
export interface UniformTerms {
  v: number;
  x: tf.Tensor;
  /** `r = sqrt(v^2 + x^2)`. */
  r: tf.Tensor;
  /** `M = sum_k U_k(p) / v^k`. */
  m: tf.Tensor;
  /** `N = sum_k W_k(q) / r^k`, so that `A_v(x) = x / (v + r) + (x / r) N / M`. */
  n: tf.Tensor;
  /** `t dM/dt` and `t dN/dt`, built on demand for the derivative of `A_v`. */
  scaledDerivatives: () => { m: tf.Tensor; n: tf.Tensor };
}

/** Evaluate `r`, `M` and `N` at `x` (which the caller keeps at `r >= 10`). */
export function uniformTerms(v: number, x: tf.Tensor): UniformTerms {
  const poly = polynomialsInT(v);
  const r = tf.sqrt(tf.add(tf.square(x), v * v));
  const t = tf.div(poly.sigma, r);
  const derivative = (c: readonly number[]) => c.map((ci, i) => i * ci);
  return {
    v,
    x,
    r,
    m: horner(poly.m, t),
    n: horner(poly.n, t),
    scaledDerivatives: () => ({
      m: horner(derivative(poly.m), t),
      n: horner(derivative(poly.n), t),
    }),
  };
}

/** `log I_v(x) = r + v log(x / (v + r)) - log(2 pi r)/2 + log M`. */
export function uniformLogBesselI(u: UniformTerms): tf.Tensor {
  const { v, x, r, m } = u;
  let value = tf.sub(tf.add(r, tf.log(m)), tf.add(tf.mul(tf.log(r), 0.5), HALF_LOG_2PI));
  if (v !== 0) value = tf.add(value, tf.mul(tf.log(tf.div(x, tf.add(r, v))), v));
  return value;
}

/**
 * `log 0F1(; v + 1; x^2/4) = (r - v) - v log1p((r - v)/(2v)) - log1p((r - v)/v)/2 + S(v) + log M`
 * (`S` the Stirling remainder), for `v >= 10`: no term is much larger than the result.
 */
export function uniformLogReduced(u: UniformTerms): tf.Tensor {
  const { v, x, r, m } = u;
  const rMinusV = tf.div(tf.square(x), tf.add(r, v));
  const value = tf.sub(
    rMinusV,
    tf.add(tf.mul(log1pF32(tf.div(rMinusV, 2 * v)), v), tf.mul(log1pF32(tf.div(rMinusV, v)), 0.5)),
  );
  return tf.add(value, tf.add(tf.log(m), logGammaStirlingCorrection(v)));
}

/**
 * `log 0F1(; v + 1; x^2/4) - x = v^2/(r + x) - v log1p(x^2 / (2v(r + v))) + [log Gamma(v+1) - v log v]
 * - log(2 pi r)/2 + log M`, for `x >= v`: terms of size `v log(x/v)`, not `x`.
 */
export function uniformLogReducedMinusX(u: UniformTerms): tf.Tensor {
  const { v, x, r, m } = u;
  let value = tf.add(tf.div(v * v, tf.add(r, x)), tf.log(m));
  value = tf.sub(value, tf.mul(tf.log(r), 0.5));
  value = tf.add(value, logGammaPlusOneMinusVLogV(v) - HALF_LOG_2PI);
  if (v !== 0) {
    const power = log1pF32(tf.div(tf.square(x), tf.mul(tf.add(r, v), 2 * v)));
    value = tf.sub(value, tf.mul(power, v));
  }
  return value;
}

/** `A = x/(v + r) + (x/r) N/M` and `1 - A = (v + v^2/(r + x))/(v + r) - (x/r) N/M`. */
export function uniformRatio(u: UniformTerms): { ratio: tf.Tensor; complement: tf.Tensor } {
  const { v, x, r, m, n } = u;
  const correction = tf.div(tf.mul(x, n), tf.mul(r, m));
  const vPlusR = tf.add(r, v);
  return {
    ratio: tf.add(tf.div(x, vPlusR), correction),
    complement: tf.sub(tf.div(tf.add(tf.div(v * v, tf.add(r, x)), v), vPlusR), correction),
  };
}

/**
 * `dA/dx = v/(r(r + v)) + (v^2/r^3) N/M - (x^2/r^3) (N_t M - N M_t) / M^2`, the exact derivative
 * of the expansion of `A` (`N_t = t dN/dt`, `M_t = t dM/dt`, using `dt/dx = -x t / r^2`). Every
 * term is of one sign at small and at large `x`, so there is no cancellation at either end (unlike
 * the Riccati form `1 - A^2 - (2v + 1) A / x`).
 */
export function uniformRatioDerivative(u: UniformTerms): tf.Tensor {
  const { v, x, r, m, n } = u;
  const d = u.scaledDerivatives();
  const r3 = tf.mul(tf.square(r), r);
  const first = tf.div(v, tf.mul(r, tf.add(r, v)));
  const second = tf.div(tf.mul(n, v * v), tf.mul(r3, m));
  const numerator = tf.sub(tf.mul(d.n, m), tf.mul(n, d.m));
  const third = tf.div(tf.mul(tf.square(x), numerator), tf.mul(r3, tf.square(m)));
  return tf.sub(tf.add(first, second), third);
}
