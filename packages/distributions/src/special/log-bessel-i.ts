import { logBesselIReducedSeries } from './bessel-i-series';
import {
  UNIFORM_MIN_RADIUS,
  logBesselIReducedMinusXUniform,
  logBesselIReducedUniform,
  logBesselIUniform,
} from './bessel-i-uniform';
import { logGamma } from './log-gamma';
import { requireNonNegative } from './validate';

/**
 * Where the ascending series is used rather than the uniform expansion: `x^2 / 4 <= 4 (v + 1)`
 * (the series then converges geometrically from its first term, and `log 0F1` may be tiny) or
 * `sqrt(v^2 + x^2) < 20` (too close to the origin for the asymptotic expansion). Internal.
 */
export function isBesselISeriesRegion(v: number, x: number): boolean {
  return x * x <= 16 * (v + 1) || Math.hypot(v, x) < UNIFORM_MIN_RADIUS;
}

/**
 * `log 0F1(; v + 1; x^2/4) = log[Gamma(v + 1) (2/x)^v I_v(x)]`, the log of the modified Bessel
 * function with its small-`x` behaviour divided out: 0 at `x = 0`, `~ x^2 / (4 (v + 1))` for small
 * `x`, `~ x` for large `x`. The vMF normaliser is `-log|S^{d-1}|` minus this. Internal: callers
 * check `v >= 0`, `x >= 0`.
 */
export function logBesselIReduced(v: number, x: number): number {
  if (isBesselISeriesRegion(v, x)) return logBesselIReducedSeries(v, x);
  if (v >= 10) return logBesselIReducedUniform(v, x);
  return x + logBesselIReducedMinusXUniform(v, x);
}

/**
 * `log 0F1(; v + 1; x^2/4) - x`, accurate where `x` is large (no `x - x` cancellation in the
 * uniform region). Internal: callers check `v >= 0`, `x >= 0`.
 */
export function logBesselIReducedMinusX(v: number, x: number): number {
  if (isBesselISeriesRegion(v, x)) return logBesselIReducedSeries(v, x) - x;
  return logBesselIReducedMinusXUniform(v, x);
}

/**
 * Natural logarithm of the modified Bessel function of the first kind, `log I_v(x)`, for order
 * `v >= 0` and argument `x >= 0`, computed in log space (no overflow: `log I_4999(1e6)` and
 * `log I_4999(1e-8)` are both fine) with relative error ~1e-15.
 *
 * - Ascending series (A&S 9.6.10), for small `x` or `x^2/4 <= 4(v + 1)`:
 *   `log I_v(x) = v log(x/2) - log Gamma(v + 1) + log sum_k (x^2/4)^k / (k! (v + 1)_k)`.
 * - Otherwise Debye's uniform asymptotic expansion (A&S 9.7.7; Olver 1954) with `r = sqrt(v^2 + x^2)`:
 *   `log I_v(x) = r + v log(x / (v + r)) - log(2 pi r)/2 + log sum_k U_k(v/r) / v^k`, which also
 *   covers `x >> v^2`, where it coincides with Hankel's expansion (A&S 9.7.1).
 *
 * `x = 0` gives `-Infinity` for `v > 0` and `0` for `v = 0`.
 *
 * @example
 * ```ts
 * logBesselI(0, 1); // log(1.2660658777520082) = 0.2359143585071...
 * logBesselI(0.5, 2); // log(sqrt(2 / (pi * 2)) * sinh(2))
 * logBesselI(4999, 1e6); // 999979.678325586..., although I_4999(1e6) overflows a double
 * ```
 *
 * @param v - order, a finite number `>= 0`.
 * @param x - argument, a finite number `>= 0`.
 * @throws Error when `v` or `x` is negative, NaN or infinite.
 * @see Abramowitz & Stegun (1964) 9.6.10, 9.7.1, 9.7.7; F. W. J. Olver, "The asymptotic expansion
 * of Bessel functions of large order", Phil. Trans. R. Soc. A 247 (1954) 328-368.
 */
export function logBesselI(v: number, x: number): number {
  requireNonNegative('logBesselI', 'v', v);
  requireNonNegative('logBesselI', 'x', x);
  if (x === 0) return v === 0 ? 0 : Number.NEGATIVE_INFINITY;
  if (isBesselISeriesRegion(v, x)) {
    const power = v === 0 ? 0 : v * Math.log(x / 2);
    return power - logGamma(v + 1) + logBesselIReducedSeries(v, x);
  }
  return logBesselIUniform(v, x);
}
