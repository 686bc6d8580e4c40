import { besselIRatioContinuedFraction } from './bessel-i-continued-fraction';
import { UNIFORM_MIN_RADIUS, besselIRatioUniform } from './bessel-i-uniform';
import { requireNonNegative } from './validate';

/**
 * `A = I_{v+1}(x) / I_v(x)` together with `1 - A`, each with full relative accuracy (`1 - A` is
 * ~`(2v + 1) / (2x)` for large `x`, where `1 - A` computed by subtraction would lose digits).
 * Internal: callers check `v >= 0`, `x >= 0`.
 */
export function besselIRatioAndComplement(
  v: number,
  x: number,
): { ratio: number; complement: number } {
  if (x === 0) return { ratio: 0, complement: 1 };
  if (x <= Math.max(v, UNIFORM_MIN_RADIUS)) {
    const ratio = besselIRatioContinuedFraction(v, x);
    return { ratio, complement: 1 - ratio };
  }
  return besselIRatioUniform(v, x);
}

/**
 * Ratio of modified Bessel functions of the first kind, `I_{v+1}(x) / I_v(x)`, for `v >= 0`,
 * `x >= 0`, with relative error ~1e-15. It lies in `[0, 1)`, is 0 at `x = 0`,
 * `~ x / (2(v + 1))` for small `x` and `~ 1 - (2v + 1)/(2x)` for large `x`.
 *
 * - `x <= max(v, 20)`: Gauss's continued fraction
 *   `x / (2(v+1) + x^2 / (2(v+2) + x^2 / (2(v+3) + ...)))` (DLMF 10.33.1), whose terms are all
 *   positive.
 * - Otherwise the ratio of Debye's uniform expansions of `I_v'` and `I_v` (A&S 9.7.7, 9.7.9;
 *   Olver 1954), arranged as `x / (v + r) + (x / r) N / M` with `r = sqrt(v^2 + x^2)`: the leading
 *   term is the upper bound of Amos (1974) and the correction is `O(x / r^2)`.
 *
 * It is never formed as `exp(log I_{v+1} - log I_v)`, which loses digits when both are large.
 *
 * @example
 * ```ts
 * besselIRatio(0, 1); // I_1(1) / I_0(1) = 0.44639...
 * besselIRatio(0.5, 10); // coth(10) - 1/10 = 0.9000000082...
 * ```
 *
 * @param v - order, a finite number `>= 0`.
 * @param x - argument, a finite number `>= 0`.
 * @throws Error when `v` or `x` is negative, NaN or infinite.
 * @see D. E. Amos, "Computation of modified Bessel functions and their ratios", Math. Comp. 28
 * (1974) 239-251; Abramowitz & Stegun (1964) 9.7.7, 9.7.9; DLMF 10.33.1.
 */
export function besselIRatio(v: number, x: number): number {
  requireNonNegative('besselIRatio', 'v', v);
  requireNonNegative('besselIRatio', 'x', x);
  return besselIRatioAndComplement(v, x).ratio;
}
