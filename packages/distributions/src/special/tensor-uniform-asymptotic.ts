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
 *
 * Every quantity is arranged so that no intermediate overflows float32 for arguments up to its
 * largest value (3.4e38): `r` is a scaled hypot beyond `x = 1e18`, `x^2 / (r + v)` is
 * `x (x / (r + v))`, and powers of `r` appear only as the ratios `x / r` and `v / r`.
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
/** Below this, `x^2 + v^2` cannot overflow float32 (for `v <= HYPOT_DIRECT`). */
const HYPOT_DIRECT = 1e18;

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

/**
 * `sqrt(x^2 + v^2)` without overflow: directly while `x, v <= 1e18`, else scaled by the larger
 * of the two (`x >= 0`).
 */
function hypotOrder(v: number, x: tf.Tensor): tf.Tensor {
  if (v > HYPOT_DIRECT) {
    const big = tf.maximum(x, v);
    return tf.mul(big, tf.sqrt(tf.add(tf.square(tf.div(x, big)), tf.square(tf.div(v, big)))));
  }
  const direct = tf.sqrt(tf.add(tf.square(x), v * v));
  const scaled = tf.mul(x, tf.sqrt(tf.add(tf.square(tf.div(v, x)), 1)));
  return tf.where(tf.greater(x, HYPOT_DIRECT), scaled, direct);
}

/** `x^2 / (r + v)` (`= r - v`), as `x (x / (r + v))` so that `x^2` never overflows. */
function rMinusV(u: UniformTerms): tf.Tensor {
  return tf.mul(u.x, tf.div(u.x, tf.add(u.r, u.v)));
}

/** Evaluate `r`, `M` and `N` at `x` (which the caller keeps at `r >= 10`). */
export function uniformTerms(v: number, x: tf.Tensor): UniformTerms {
  const poly = polynomialsInT(v);
  const r = hypotOrder(v, x);
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
  const { v, m } = u;
  const rv = rMinusV(u);
  const value = tf.sub(
    rv,
    tf.add(tf.mul(log1pF32(tf.div(rv, 2 * v)), v), tf.mul(log1pF32(tf.div(rv, v)), 0.5)),
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
    // x^2 / (2v (r + v)), without forming x^2.
    const power = log1pF32(tf.mul(tf.div(x, tf.add(r, v)), tf.div(x, 2 * v)));
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
 * the Riccati form `1 - A^2 - (2v + 1) A / x`). Evaluated with `c = x / r`, `p = v / r` as
 * `p/(r + v) + p^2 N/(r M) - c^2 (N_t M - N M_t)/(r M^2)`, and with `timesX` multiplied by `x`:
 * `c v/(r + v) + c p^2 N/M - c^3 (N_t M - N M_t)/M^2`, which stays a normal float32 when `dA/dx`
 * itself (`~(2v + 1)/(2 x^2)`) underflows.
 */
export function uniformRatioDerivative(u: UniformTerms, timesX = false): tf.Tensor {
  const { v, x, r, m, n } = u;
  const d = u.scaledDerivatives();
  const c = tf.div(x, r);
  const p = tf.div(v, r);
  const numerator = tf.sub(tf.mul(d.n, m), tf.mul(n, d.m));
  if (timesX) {
    const first = tf.div(tf.mul(c, v), tf.add(r, v));
    const second = tf.div(tf.mul(tf.mul(c, tf.square(p)), n), m);
    const third = tf.div(tf.mul(tf.mul(tf.square(c), c), numerator), tf.square(m));
    return tf.sub(tf.add(first, second), third);
  }
  const first = tf.div(p, tf.add(r, v));
  const second = tf.div(tf.mul(tf.square(p), n), tf.mul(r, m));
  const third = tf.div(tf.mul(tf.square(c), numerator), tf.mul(r, tf.square(m)));
  return tf.sub(tf.add(first, second), third);
}
