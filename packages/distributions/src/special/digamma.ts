import { requirePositive } from './validate';

/** Asymptotic-series coefficients `B_{2k} / (2k)`, k = 1..7 (A&S 6.3.18). */
const DIGAMMA_ASYMPTOTIC = [1 / 12, -1 / 120, 1 / 252, -1 / 240, 1 / 132, -691 / 32760, 1 / 12];

/** Below this, the recurrence raises the argument; above it, the asymptotic series. */
const ASYMPTOTIC_MIN_X = 10;

/**
 * The digamma function `psi(x) = d/dx log Gamma(x)` for `x > 0`, in double precision (absolute
 * error ~1e-16, relative ~1e-15 away from its zero at `x = 1.4616...`). Internal: used by the
 * implicit reparameterisation gradient of Gamma draws.
 *
 * `x >= 10`: the asymptotic series `log x - 1/(2x) - sum_k B_{2k} / (2k x^{2k})` (A&S 6.3.18,
 * seven terms: the first omitted one is below 5e-17 of `log x`). Below, the recurrence
 * `psi(x) = psi(x + 1) - 1/x` (A&S 6.3.5).
 *
 * @example
 * ```ts
 * digamma(1); // -0.5772156649015329 (minus the Euler-Mascheroni constant)
 * ```
 *
 * @param x - a finite number `> 0`.
 * @throws Error when `x` is not a finite positive number.
 * @see Abramowitz & Stegun, Handbook of Mathematical Functions (1964), 6.3.5 and 6.3.18.
 */
export function digamma(x: number): number {
  requirePositive('digamma', 'x', x);
  let y = x;
  let shift = 0;
  while (y < ASYMPTOTIC_MIN_X) {
    shift += 1 / y;
    y += 1;
  }
  const w = 1 / (y * y);
  let series = 0;
  for (let i = DIGAMMA_ASYMPTOTIC.length - 1; i >= 0; i--) {
    series = series * w + DIGAMMA_ASYMPTOTIC[i]!;
  }
  return Math.log(y) - 0.5 / y - series * w - shift;
}
