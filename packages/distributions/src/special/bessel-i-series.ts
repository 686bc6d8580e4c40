/**
 * The ascending series of the modified Bessel function (A&S 9.6.10):
 * `I_v(x) = (x/2)^v / Gamma(v + 1) * 0F1(; v + 1; x^2 / 4)` with
 * `0F1(; v + 1; y) = sum_k y^k / (k! (v + 1)_k)`. All terms are positive, so the sum is accurate
 * for every `x`; it is cheap while `x^2 / 4` is at most a few times `v + 1` or `x` is small.
 */

const MAX_TERMS = 1000;

/**
 * `log 0F1(; v + 1; x^2 / 4) = log[Gamma(v + 1) (2 / x)^v I_v(x)]`, summed in the form
 * `log1p(sum_{k >= 1} t_k)` so that it keeps full relative accuracy when it is tiny
 * (`~ x^2 / (4 (v + 1))`). Internal: callers check `v >= 0`, `x >= 0`.
 */
export function logBesselIReducedSeries(v: number, x: number): number {
  const y = (x * x) / 4;
  let term = 1;
  let tail = 0;
  for (let k = 1; k <= MAX_TERMS; k++) {
    term *= y / (k * (v + k));
    tail += term;
    // Stop once the terms decrease (k (v + k) > y) and no longer change the sum.
    if (term <= 1e-17 * (1 + tail) && k * (v + k) > y) return Math.log1p(tail);
  }
  throw new Error(`logBesselIReducedSeries: no convergence for v = ${v}, x = ${x}`);
}
