/**
 * Differences of the digamma and trigamma functions on float32 tensors, `psi(x + b) - psi(x)` and
 * `psi'(x) - psi'(x + b)` for a constant offset `b > 0`, without the cancellation of subtracting
 * two float32 values: at `x = 1e5`, `b = 1` the difference is 1e-5 while each digamma is 11.5,
 * whose float32 rounding (1e-6) would leave one correct digit. Internal (the Power Spherical
 * entropy, KL and log-normaliser are built from them).
 *
 * Method: the recurrences `psi(x + 1) = psi(x) + 1/x` and `psi'(x + 1) = psi'(x) - 1/x^2`
 * (A&S 6.3.5, 6.4.6) raise the argument to at least {@link ASYMPTOTIC_MIN_X}, each step adding a
 * positive term written without subtraction, e.g. `1/x - 1/(x + b) = b / (x (x + b))`; there the
 * asymptotic series (A&S 6.3.18, 6.4.12) are differenced term by term, the leading terms in closed
 * form (`log(1 + b/x)`, `b / (2 x (x + b))`) and the small remainders as they are (their rounding
 * is below 1e-9 of the result). The number of steps is fixed by the smallest argument the caller
 * promises (`xMin`), so that there are no per-element branches.
 *
 * Accuracy (against mpmath): a few float32 roundings, below 3e-7 relative, for `x` from 0.5 to
 * 1e6 and `b` from 0.5 to 2048. Like the other `...F32` helpers these build raw tensors: call them
 * inside `tf.tidy` (or a `tf.op`).
 */
import * as tf from '@tensorflow/tfjs-core';
import { log1pF32 } from './tensor-log1p';

/** The asymptotic series are used from this argument on (the first omitted term is < 1e-12). */
export const ASYMPTOTIC_MIN_X = 8;

/** `B_{2k} / (2k)`, k = 1..5: `psi(x) ~ log x - 1/(2x) - sum_k B_{2k} / (2k x^{2k})`. */
export const DIGAMMA_SERIES = [1 / 12, -1 / 120, 1 / 252, -1 / 240, 1 / 132];
/** `B_{2k}`, k = 1..5: `psi'(x) ~ 1/x + 1/(2x^2) + sum_k B_{2k} / x^{2k+1}`. */
const TRIGAMMA_SERIES = [1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66];
/** `B_{2k} / (2k (2k - 1))`, k = 1..5: `log Gamma(x) ~ (x - 1/2) log x - x + log(2 pi)/2 + sum_k ...`. */
export const LOG_GAMMA_SERIES = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188];

/**
 * The number of recurrence steps that take every `x >= xMin` to at least
 * {@link ASYMPTOTIC_MIN_X}.
 */
export function recurrenceSteps(xMin: number): number {
  return Math.max(0, Math.ceil(ASYMPTOTIC_MIN_X - xMin));
}

/** `x^power sum_k c_k w^k` (k from 1) for `w = 1/x^2`, on a tensor `x`. */
export function evenSeries(
  coefficients: readonly number[],
  x: tf.Tensor,
  power: 1 | 0 | -1,
): tf.Tensor {
  const w = tf.reciprocal(tf.square(x));
  let sum: tf.Tensor = tf.scalar(coefficients[coefficients.length - 1]!);
  for (let i = coefficients.length - 2; i >= 0; i--) {
    sum = tf.add(tf.mul(sum, w), coefficients[i]!);
  }
  sum = tf.mul(sum, w);
  if (power === 0) return sum;
  return power === 1 ? tf.mul(sum, x) : tf.div(sum, x);
}

/** The same series in float64, for a constant argument. */
export function evenSeriesNumber(
  coefficients: readonly number[],
  x: number,
  power: 1 | 0 | -1,
): number {
  const w = 1 / (x * x);
  let sum = 0;
  for (let i = coefficients.length - 1; i >= 0; i--) sum = sum * w + coefficients[i]!;
  return sum * w * x ** power;
}

/**
 * `psi(x + b) - psi(x)` elementwise in float32, for `x >= xMin > 0` (a tensor) and a constant
 * `b > 0`. Positive and decreasing in `x`; about `b / x` for large `x`.
 *
 * @param x - arguments `>= xMin` (float32 tensor, any shape).
 * @param b - the offset, a number `> 0`.
 * @param xMin - a lower bound of `x`, `> 0` (it fixes the number of recurrence steps).
 */
export function digammaDifferenceF32(x: tf.Tensor, b: number, xMin: number): tf.Tensor {
  const steps = recurrenceSteps(xMin);
  // psi(x + b) - psi(x) = [psi(y + b) - psi(y)] + sum_j b / ((x + j)(x + j + b)),  y = x + steps.
  let sum: tf.Tensor = tf.zerosLike(x);
  for (let j = 0; j < steps; j++) {
    const xj = tf.add(x, j);
    sum = tf.add(sum, tf.div(tf.div(b, xj), tf.add(xj, b)));
  }
  const y = steps === 0 ? x : tf.add(x, steps);
  const yb = tf.add(y, b);
  // log(1 + b/y) + b / (2 y (y + b)) - [S(y + b) - S(y)],  S the digamma series above.
  const leading = tf.add(log1pF32(tf.div(b, y)), tf.div(tf.div(b / 2, y), yb));
  const remainder = tf.sub(evenSeries(DIGAMMA_SERIES, yb, 0), evenSeries(DIGAMMA_SERIES, y, 0));
  return tf.add(sum, tf.sub(leading, remainder));
}

/**
 * `psi'(x) - psi'(x + b)` elementwise in float32, for `x >= xMin > 0` (a tensor) and a constant
 * `b > 0` (`psi'` the trigamma function). Positive and decreasing in `x`; about `b / x^2` for
 * large `x`.
 *
 * @param x - arguments `>= xMin` (float32 tensor, any shape).
 * @param b - the offset, a number `> 0`.
 * @param xMin - a lower bound of `x`, `> 0` (it fixes the number of recurrence steps).
 */
export function trigammaDifferenceF32(x: tf.Tensor, b: number, xMin: number): tf.Tensor {
  const steps = recurrenceSteps(xMin);
  // psi'(x) - psi'(x + b) = [psi'(y) - psi'(y + b)] + sum_j b (2(x + j) + b) / ((x + j)^2 (x + j + b)^2).
  let sum: tf.Tensor = tf.zerosLike(x);
  for (let j = 0; j < steps; j++) {
    const xj = tf.add(x, j);
    const xjb = tf.add(xj, b);
    const ratio = tf.div(tf.div(b, xj), xjb); // b / (x_j (x_j + b))
    sum = tf.add(sum, tf.mul(ratio, tf.add(tf.reciprocal(xj), tf.reciprocal(xjb))));
  }
  const y = steps === 0 ? x : tf.add(x, steps);
  const yb = tf.add(y, b);
  // b/(y(y+b)) + b(2y+b)/(2y^2(y+b)^2) + [R(y) - R(y+b)],  R the trigamma series above.
  const ratio = tf.div(tf.div(b, y), yb);
  const leading = tf.mul(
    ratio,
    tf.add(1, tf.mul(0.5, tf.add(tf.reciprocal(y), tf.reciprocal(yb)))),
  );
  const remainder = tf.sub(evenSeries(TRIGAMMA_SERIES, y, -1), evenSeries(TRIGAMMA_SERIES, yb, -1));
  return tf.add(sum, tf.add(leading, remainder));
}
