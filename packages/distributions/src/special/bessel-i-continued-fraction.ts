/**
 * Gauss's continued fraction for the ratio of modified Bessel functions (DLMF 10.33.1; the form
 * Amos 1974 starts from):
 *
 *   I_{v+1}(x) / I_v(x) = x / (2(v+1) + x^2 / (2(v+2) + x^2 / (2(v+3) + ...)))
 *
 * Every partial numerator and denominator is positive, so the fraction converges for all
 * `x >= 0` and is evaluated stably by the modified Lentz algorithm. It needs about
 * `max(x - v, 0) + 30` steps, so it is used where `x <= max(v, 20)`.
 */

const MAX_STEPS = 100_000;
/** `|delta - 1|` at which Lentz's algorithm stops: about one unit in the last place. */
const CONVERGED = 3e-16;
const TINY = 1e-300;

/** `I_{v+1}(x) / I_v(x)` by the continued fraction. Internal: callers check `v >= 0`, `x >= 0`. */
export function besselIRatioContinuedFraction(v: number, x: number): number {
  const x2 = x * x;
  // Lentz for g = b_1 + x^2 / (b_2 + x^2 / (b_3 + ...)), b_k = 2(v + k); the ratio is x / g.
  let g = 2 * (v + 1);
  let c = g;
  let d = 0;
  for (let k = 2; k <= MAX_STEPS; k++) {
    const b = 2 * (v + k);
    d = b + x2 * d;
    d = d === 0 ? 1 / TINY : 1 / d;
    c = b + x2 / c;
    if (c === 0) c = TINY;
    const delta = c * d;
    g *= delta;
    if (Math.abs(delta - 1) <= CONVERGED) return x / g;
  }
  throw new Error(`besselIRatioContinuedFraction: no convergence for v = ${v}, x = ${x}`);
}
