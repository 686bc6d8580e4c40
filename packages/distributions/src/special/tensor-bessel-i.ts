/**
 * Float32 tensor versions of the Bessel quantities behind the vMF functions, for a fixed order `v`
 * (a plain number) and a tensor argument `x >= 0`: the choice between the ascending series and the
 * uniform asymptotic expansion, made per element with `tf.where`. Each branch is evaluated on an
 * argument clamped into its own region, so both branches are finite everywhere. Internal: no
 * gradients here (the public ops in `tensor.ts` attach exact ones with `tf.customGrad`).
 *
 * Regions (`R = 10`):
 * - `v < R`: series for `x <= R` (20 terms; 30 for `dA/dx`), uniform expansion for `x > R`;
 * - `v >= R`: uniform expansion everywhere, except `log 0F1(; v+1; x^2/4)` for
 *   `x^2/4 <= v + 1` (12 terms of the series), where it is too small for the expansion's
 *   cancellation-free form to keep its relative accuracy.
 */
import * as tf from '@tensorflow/tfjs-core';
import { logGamma } from './log-gamma';
import { powerSeriesRatioDerivative, powerSeriesTerms } from './tensor-power-series';
import {
  TENSOR_UNIFORM_MIN_RADIUS as R,
  uniformLogBesselI,
  uniformLogReduced,
  uniformLogReducedMinusX,
  uniformRatio,
  uniformRatioDerivative,
  uniformTerms,
} from './tensor-uniform-asymptotic';

/** Series terms for `v < R`, `x <= R` (`x^2/4 <= 25`): truncation below 1e-9 relative. */
const SMALL_ORDER_TERMS = 20;
/** Terms of the products `I_v^2` etc. for `v < R`, `x <= R`: truncation below 1e-9 relative. */
const RATIO_DERIVATIVE_TERMS = 30;
/** Series terms for `v >= R`, `x^2/4 <= v + 1`: truncation below `1/13! ~ 2e-10`. */
const LARGE_ORDER_TERMS = 12;

/**
 * `below(min(x, split))` where `x <= split`, `above(max(x, split))` elsewhere: each branch only
 * ever sees arguments from its own region.
 */
function branches(
  x: tf.Tensor,
  split: number,
  below: (xBelow: tf.Tensor) => tf.Tensor,
  above: (xAbove: tf.Tensor) => tf.Tensor,
): tf.Tensor {
  return tf.where(tf.lessEqual(x, split), below(tf.minimum(x, split)), above(tf.maximum(x, split)));
}

function smallOrderSeries(v: number, x: tf.Tensor) {
  return powerSeriesTerms(v, x, SMALL_ORDER_TERMS);
}

/** `x^2/4 = v + 1`: the edge of the series region for `v >= R`. */
function largeOrderSeriesEdge(v: number): number {
  return 2 * Math.sqrt(v + 1);
}

/** `log I_v(x)`. */
export function logBesselIF32(v: number, x: tf.Tensor): tf.Tensor {
  if (v >= R) return uniformLogBesselI(uniformTerms(v, x));
  const logNormalization = -logGamma(v + 1);
  return branches(
    x,
    R,
    (xs) => {
      const series = tf.add(smallOrderSeries(v, xs).logReduced, logNormalization);
      return v === 0 ? series : tf.add(series, tf.mul(tf.log(tf.div(xs, 2)), v));
    },
    (xu) => uniformLogBesselI(uniformTerms(v, xu)),
  );
}

/** `log 0F1(; v + 1; x^2/4) = log I_v(x) - v log(x/2) + log Gamma(v + 1)`. */
export function logBesselIReducedF32(v: number, x: tf.Tensor): tf.Tensor {
  if (v >= R) {
    return branches(
      x,
      largeOrderSeriesEdge(v),
      (xs) => powerSeriesTerms(v, xs, LARGE_ORDER_TERMS).logReduced,
      (xu) => uniformLogReduced(uniformTerms(v, xu)),
    );
  }
  return branches(
    x,
    R,
    (xs) => smallOrderSeries(v, xs).logReduced,
    (xu) => tf.add(uniformLogReducedMinusX(uniformTerms(v, xu)), xu),
  );
}

/**
 * `log 0F1(; v + 1; x^2/4) - x`, the log-normaliser of the vMF plus kappa (up to `-log|S|`):
 * `O(v log x)` where both terms are `~x`, so it stays accurate at `x = 1e38`.
 */
export function logBesselIReducedMinusXF32(v: number, x: tf.Tensor): tf.Tensor {
  if (v >= R) {
    return branches(
      x,
      largeOrderSeriesEdge(v),
      (xs) => tf.sub(powerSeriesTerms(v, xs, LARGE_ORDER_TERMS).logReduced, xs),
      (xu) => {
        const u = uniformTerms(v, xu);
        return tf.where(
          tf.greaterEqual(xu, v),
          uniformLogReducedMinusX(u),
          tf.sub(uniformLogReduced(u), xu),
        );
      },
    );
  }
  return branches(
    x,
    R,
    (xs) => tf.sub(smallOrderSeries(v, xs).logReduced, xs),
    (xu) => uniformLogReducedMinusX(uniformTerms(v, xu)),
  );
}

/** `1 - A = 1 - I_{v+1}(x) / I_v(x)`, with its relative accuracy where `A ~ 1` (large `x`). */
export function besselIRatioComplementF32(v: number, x: tf.Tensor): tf.Tensor {
  if (v >= R) return uniformRatio(uniformTerms(v, x)).complement;
  return branches(
    x,
    R,
    (xs) => tf.sub(1, tf.mul(smallOrderSeries(v, xs).ratioOverX, xs)),
    (xu) => uniformRatio(uniformTerms(v, xu)).complement,
  );
}

/** `A = I_{v+1}(x) / I_v(x)`. */
export function besselIRatioF32(v: number, x: tf.Tensor): tf.Tensor {
  if (v >= R) return uniformRatio(uniformTerms(v, x)).ratio;
  return branches(
    x,
    R,
    (xs) => tf.mul(smallOrderSeries(v, xs).ratioOverX, xs),
    (xu) => uniformRatio(uniformTerms(v, xu)).ratio,
  );
}

/**
 * `dA/dx = 1 - A^2 - (2v + 1) A / x` (finite: `1 / (2v + 2)` at `x = 0`), never evaluated in that
 * cancelling form: the exact derivative of the uniform expansion of `A`, or, for small orders and
 * `x <= R`, a ratio of power series with positive coefficients.
 */
export function besselIRatioDerivativeF32(v: number, x: tf.Tensor): tf.Tensor {
  if (v >= R) return uniformRatioDerivative(uniformTerms(v, x));
  return branches(
    x,
    R,
    (xs) => powerSeriesRatioDerivative(v, xs, RATIO_DERIVATIVE_TERMS),
    (xu) => uniformRatioDerivative(uniformTerms(v, xu)),
  );
}

/**
 * `x dA/dx`, evaluated so that it stays accurate where `dA/dx ~ (2v + 1)/(2 x^2)` underflows
 * float32 (`x > 1e19`): the gradient of the vMF KL and entropy in kappa.
 */
export function besselIRatioDerivativeTimesXF32(v: number, x: tf.Tensor): tf.Tensor {
  if (v >= R) return uniformRatioDerivative(uniformTerms(v, x), true);
  return branches(
    x,
    R,
    (xs) => tf.mul(xs, powerSeriesRatioDerivative(v, xs, RATIO_DERIVATIVE_TERMS)),
    (xu) => uniformRatioDerivative(uniformTerms(v, xu), true),
  );
}

/**
 * `KL(vMF || uniform) = x A - log 0F1(; v + 1; x^2/4)` (with `v = d/2 - 1`), computed as written
 * for `x <= v` (or in the series region), and as `-x (1 - A) - (log 0F1 - x)` beyond, where the
 * `O(x)` parts would otherwise cancel.
 */
export function vmfKLToUniformF32(v: number, x: tf.Tensor): tf.Tensor {
  if (v >= R) {
    const u = uniformTerms(v, x);
    const { ratio, complement } = uniformRatio(u);
    const edge = largeOrderSeriesEdge(v);
    const logReduced = tf.where(
      tf.lessEqual(x, edge),
      powerSeriesTerms(v, tf.minimum(x, edge), LARGE_ORDER_TERMS).logReduced,
      uniformLogReduced(u),
    );
    const near = tf.sub(tf.mul(x, ratio), logReduced);
    const far = tf.neg(tf.add(tf.mul(x, complement), uniformLogReducedMinusX(u)));
    return tf.where(tf.lessEqual(x, v), near, far);
  }
  return branches(
    x,
    R,
    (xs) => {
      const series = smallOrderSeries(v, xs);
      return tf.sub(tf.mul(series.ratioOverX, tf.square(xs)), series.logReduced);
    },
    (xu) => {
      const u = uniformTerms(v, xu);
      return tf.neg(tf.add(tf.mul(xu, uniformRatio(u).complement), uniformLogReducedMinusX(u)));
    },
  );
}
