/**
 * Debye's uniform asymptotic expansion of `I_v(x)` for large `r = sqrt(v^2 + x^2)` (Olver 1954;
 * A&S 9.7.7 and 9.7.9; DLMF 10.41.3 and 10.41.4), in double precision. With `p = v / r`,
 * `q = p^2` and `M = sum_k P_k(q) / r^k` (see `uniform-asymptotic-coefficients.ts`):
 *
 *   log I_v(x) = r + v log(x / (v + r)) - log(2 pi r) / 2 + log M
 *
 * (`v eta = r + v log(x / (v + r))`). The expansion is uniform in `x / v`: for `r >= 20` and up to
 * 24 terms its truncation error stays below 5e-16 relative, from `x = 0` (where it reduces to
 * Stirling's series) to `v = 0` (Hankel's expansion). The functions below return the pieces the
 * vMF quantities need, each arranged so that no large terms cancel.
 */
import { logGamma, logGammaStirlingCorrection } from './log-gamma';
import {
  UNIFORM_TERMS,
  type Polynomial,
  uniformPolynomials,
} from './uniform-asymptotic-coefficients';

/** Smallest `r = sqrt(v^2 + x^2)` at which the expansion is used in double precision. */
export const UNIFORM_MIN_RADIUS = 20;

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
/** Relative size below which further terms of the expansion are dropped. */
const NEGLIGIBLE = 1e-17;

function horner(poly: Polynomial, t: number): number {
  let s = 0;
  for (let i = poly.length - 1; i >= 0; i--) s = s * t + poly[i]!;
  return s;
}

interface UniformSums {
  /** `r = sqrt(v^2 + x^2)`. */
  r: number;
  /** `M = sum_k U_k(p) / v^k`, the factor multiplying the leading term of `I_v`. */
  m: number;
  /** `A_v(x) - x / (v + r) = (x / r) N / M` with `N = sum_k W_k(q) / r^k`. */
  ratioCorrection: number;
}

function uniformSums(v: number, x: number): UniformSums {
  const { p, w } = uniformPolynomials();
  const r = Math.hypot(v, x);
  const q = (v / r) ** 2;
  let m = 1;
  let n = 0;
  let scale = 1;
  for (let k = 1; k <= UNIFORM_TERMS; k++) {
    scale /= r;
    const mk = horner(p[k]!, q) * scale;
    const nk = horner(w[k]!, q) * scale;
    m += mk;
    n += nk;
    if (Math.abs(mk) <= NEGLIGIBLE * m && Math.abs(nk) <= NEGLIGIBLE * Math.abs(n)) break;
  }
  return { r, m, ratioCorrection: ((x / r) * n) / m };
}

/** `log I_v(x)` for `r >= 20`, `x > 0`. */
export function logBesselIUniform(v: number, x: number): number {
  const { r, m } = uniformSums(v, x);
  const power = v === 0 ? 0 : v * Math.log(x / (v + r));
  return r + power - HALF_LOG_2PI - 0.5 * Math.log(r) + Math.log(m);
}

/**
 * `log 0F1(; v + 1; x^2/4) = log I_v(x) - v log(x/2) + log Gamma(v + 1)` for `v >= 10`, `r >= 20`:
 *
 *   (r - v) - v log(1 + (r - v)/(2v)) - log(r / v)/2 + S(v) + log M,
 *
 * with `r - v = x^2 / (r + v)` and `S(v) = log Gamma(v) - (v - 1/2) log v + v - log(2 pi)/2` the
 * Stirling remainder. Every term is `O(x^2 / v)` or smaller, so small values keep their accuracy.
 */
export function logBesselIReducedUniform(v: number, x: number): number {
  const { r, m } = uniformSums(v, x);
  const rMinusV = x * (x / (r + v)); // x^2 / (r + v), without overflow for huge x
  return (
    rMinusV -
    v * Math.log1p(rMinusV / (2 * v)) -
    0.5 * Math.log1p(rMinusV / v) +
    logGammaStirlingCorrection(v) +
    Math.log(m)
  );
}

/**
 * `log Gamma(v + 1) - v log v` (0 at `v = 0`), evaluated without cancellation for large `v`.
 * Internal; shared with the float32 tensor code.
 */
export function logGammaPlusOneMinusVLogV(v: number): number {
  if (v === 0) return 0;
  if (v >= 10) return HALF_LOG_2PI + 0.5 * Math.log(v) - v + logGammaStirlingCorrection(v);
  return logGamma(v + 1) - v * Math.log(v);
}

/**
 * `log 0F1(; v + 1; x^2/4) - x` for `r >= 20`, `x > 0`, any `v >= 0`:
 *
 *   v^2 / (r + x) - v log(1 + x^2 / (2v (r + v))) + [log Gamma(v + 1) - v log v]
 *     - log(2 pi r)/2 + log M.
 *
 * Used where `x > v`: the terms are then `O(v log(x/v))`, not `O(x)`.
 */
export function logBesselIReducedMinusXUniform(v: number, x: number): number {
  const { r, m } = uniformSums(v, x);
  const power = v === 0 ? 0 : v * Math.log1p((x / (r + v)) * (x / (2 * v)));
  return (
    (v * v) / (r + x) -
    power +
    logGammaPlusOneMinusVLogV(v) -
    HALF_LOG_2PI -
    0.5 * Math.log(r) +
    Math.log(m)
  );
}

/**
 * `A = I_{v+1}(x) / I_v(x)` and `1 - A` for `r >= 20`:
 *
 *   A = x / (v + r) + (x / r) N / M,    1 - A = (v + v^2 / (r + x)) / (v + r) - (x / r) N / M.
 *
 * Derived from `A = I_v'/I_v - v/x` and the expansions of `I_v` and `I_v'`. `N < 0`, so both
 * lines are sums of positive terms: `A` is accurate for tiny `x`, `1 - A` for huge `x`.
 */
export function besselIRatioUniform(v: number, x: number): { ratio: number; complement: number } {
  const { r, ratioCorrection } = uniformSums(v, x);
  return {
    ratio: x / (v + r) + ratioCorrection,
    complement: (v + (v * v) / (r + x)) / (v + r) - ratioCorrection,
  };
}
