/**
 * Float32 tensor evaluation of the ascending series of `I_v` (A&S 9.6.10) for a fixed order `v`,
 * as a polynomial of fixed degree (no data-dependent loops in the graph). Internal; the regime
 * selection is in `tensor-bessel-i.ts`.
 *
 * With `u = x^2 / (4 (v + 1))`, `0F1(; b; x^2/4) = 1 + sum_k c_k u^k` with
 * `c_k = (v + 1)^k / (k! (b)_k)`; measuring the argument in units of `v + 1` keeps every
 * coefficient inside the float32 range for orders up to thousands.
 */
import * as tf from '@tensorflow/tfjs-core';
import { log1pF32 } from './tensor-log1p';

/** `c_1..c_n` of `0F1(; b; (v + 1) u) - 1` in powers of `u`. */
function coefficients(v: number, b: number, n: number): number[] {
  const c: number[] = [];
  let ck = 1;
  for (let k = 1; k <= n; k++) {
    ck *= (v + 1) / (k * (b + k - 1));
    c.push(ck);
  }
  return c;
}

/** `sum_{k=0}^{n-1} c_k u^k` by Horner's rule. */
function polynomial(c: readonly number[], u: tf.Tensor): tf.Tensor {
  let acc: tf.Tensor = tf.scalar(c[c.length - 1]!);
  for (let i = c.length - 2; i >= 0; i--) acc = tf.add(tf.mul(acc, u), c[i]!);
  return acc;
}

/** `sum_{k=1}^n c_k u^k` (the coefficients `c_1..c_n` given). */
function tailSum(c: readonly number[], u: tf.Tensor): tf.Tensor {
  return tf.mul(polynomial(c, u), u);
}

/** The series quantities at `x` (which the caller keeps inside the series region). */
export interface PowerSeriesTerms {
  /** `log 0F1(; v + 1; x^2/4)`, as `log1p(tail)`. */
  logReduced: tf.Tensor;
  /** `A_v(x) / x = I_{v+1}(x) / (x I_v(x)) = 0F1(; v + 2; x^2/4) / (2 (v + 1) 0F1(; v + 1; x^2/4))`. */
  ratioOverX: tf.Tensor;
}

/**
 * `log 0F1(; v + 1; x^2/4)` and `I_{v+1}(x) / (x I_v(x))` from `terms` terms of the series. Both
 * sums have positive terms only, so they are accurate to float32 rounding wherever the truncation
 * error (the first omitted term) is negligible.
 */
export function powerSeriesTerms(v: number, x: tf.Tensor, terms: number): PowerSeriesTerms {
  const u = tf.div(tf.square(x), 4 * (v + 1));
  const tail = tailSum(coefficients(v, v + 1, terms), u);
  const tailNext = tailSum(coefficients(v, v + 2, terms), u);
  return {
    logReduced: log1pF32(tail),
    ratioOverX: tf.div(tf.add(tailNext, 1), tf.mul(tf.add(tail, 1), 2 * (v + 1))),
  };
}

/** The variable of {@link powerSeriesRatioDerivative}: `s = (x^2/4) / RATIO_DERIVATIVE_SCALE`. */
const RATIO_DERIVATIVE_SCALE = 25;

/**
 * `dA_v/dx` for `A_v = I_{v+1}/I_v`, as `[I_v^2 - I_{v+1}^2 - (2v+1)/x I_v I_{v+1}] / I_v^2`. With
 * the product series `I_mu I_nu = (x/2)^{mu+nu} sum_k (mu+nu+k+1)_k (x^2/4)^k / (k! Gamma(mu+k+1)
 * Gamma(nu+k+1))` (DLMF 10.31.3 with 10.8.3), numerator and denominator become power series in
 * `x^2/4` whose coefficients are combined here in double precision; they are all positive (the
 * numerator is a Turan-type expression), so the float32 evaluation has no cancellation, unlike
 * the Riccati form `1 - A^2 - (2v+1) A/x`, which loses ~20x float32 rounding at `x = 10`. The
 * series are in `s = x^2 / 100`, for `x <= 10`.
 */
export function powerSeriesRatioDerivative(v: number, x: tf.Tensor, terms: number): tf.Tensor {
  // Coefficients of I_v^2 (alpha) and of the numerator (n), both times Gamma(v+1)^2 / (x/2)^{2v}.
  const alpha: number[] = [];
  const n: number[] = [];
  let factorial = 1; // k!
  let pochV1 = 1; // (v+1)_k
  let scale = 1; // RATIO_DERIVATIVE_SCALE^k
  for (let k = 0; k < terms; k++) {
    if (k > 0) {
      factorial *= k;
      pochV1 *= v + k;
      scale *= RATIO_DERIVATIVE_SCALE;
    }
    const a = risingFactorial(2 * v + k + 1, k) / (factorial * pochV1 * pochV1);
    const b =
      k === 0 ? 0 : (risingFactorial(2 * v + k + 2, k - 1) * k) / (factorial * pochV1 * pochV1);
    const g = risingFactorial(2 * v + k + 2, k) / (factorial * pochV1 * pochV1 * (v + k + 1));
    alpha.push(a * scale);
    n.push((a - b - ((2 * v + 1) / 2) * g) * scale);
  }
  const s = tf.div(tf.square(x), 4 * RATIO_DERIVATIVE_SCALE);
  return tf.div(polynomial(n, s), polynomial(alpha, s));
}

function risingFactorial(a: number, k: number): number {
  let p = 1;
  for (let i = 0; i < k; i++) p *= a + i;
  return p;
}
