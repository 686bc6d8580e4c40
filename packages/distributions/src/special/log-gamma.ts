import { requirePositive } from './validate';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
const EULER_GAMMA = 0.5772156649015329;

/** `zeta(k) - 1` for `k = 2, 3, ..., 30` (mpmath), the Taylor coefficients of log Gamma at 1 and 2. */
const ZETA_MINUS_ONE = [
  0.6449340668482264, 0.2020569031595943, 0.08232323371113819, 0.03692775514336993,
  0.01734306198444914, 0.008349277381922827, 0.00407735619794434, 0.0020083928260822143,
  0.0009945751278180853, 0.0004941886041194645, 0.0002460865533080483, 0.00012271334757848915,
  6.124813505870483e-5, 3.058823630702049e-5, 1.528225940865187e-5, 7.637197637899763e-6,
  3.81729326499984e-6, 1.908212716553939e-6, 9.539620338727962e-7, 4.769329867878064e-7,
  2.38450502727733e-7, 1.1921992596531106e-7, 5.960818905125948e-8, 2.980350351465228e-8,
  1.4901554828365043e-8, 7.45071178983543e-9, 3.725334024788457e-9, 1.862659723513049e-9,
  9.313274324196682e-10,
];

/** Stirling-series coefficients `B_{2k} / (2k (2k - 1))`, k = 1..9 (A&S 6.1.41). */
const STIRLING = [
  1 / 12,
  -1 / 360,
  1 / 1260,
  -1 / 1680,
  1 / 1188,
  -691 / 360360,
  1 / 156,
  -3617 / 122400,
  43867 / 244188,
];

/** Below this, log Gamma is reduced to [0.5, 2.5] by the recurrence; above it, Stirling. */
const STIRLING_MIN_X = 10;

/**
 * `T(z) = sum_{k>=2} (-1)^k (zeta(k) - 1) z^k / k` for `|z| <= 0.5`: the part of the Taylor series
 * of log Gamma around 1 and 2 that is not elementary (A&S 6.1.33 with `zeta(k)` split as
 * `1 + (zeta(k) - 1)`). The terms fall like `(z/2)^k`, so 29 of them reach double precision.
 */
function taylorTail(z: number): number {
  let sum = 0;
  for (let i = ZETA_MINUS_ONE.length - 1; i >= 0; i--) {
    const k = i + 2;
    sum = sum * z + ((k % 2 === 0 ? 1 : -1) * ZETA_MINUS_ONE[i]!) / k;
  }
  return sum * z * z;
}

/**
 * `log Gamma(x) - [(x - 1/2) log x - x + log(2 pi)/2]`, the remainder of Stirling's formula, as the
 * asymptotic series `sum_k B_{2k} / (2k (2k-1) x^{2k-1})` (A&S 6.1.41). Accurate to double
 * precision for `x >= 10` only; internal (the uniform Bessel expansions need it without the
 * cancellation of computing it as a difference).
 */
export function logGammaStirlingCorrection(x: number): number {
  const w = 1 / (x * x);
  let sum = 0;
  for (let i = STIRLING.length - 1; i >= 0; i--) sum = sum * w + STIRLING[i]!;
  return sum / x;
}

/**
 * Natural logarithm of the Gamma function, `log Gamma(x)` for `x > 0`, in double precision
 * (relative error ~1e-15; absolute ~1e-16 at the zeros `x = 1` and `x = 2`).
 *
 * `x >= 10`: Stirling's series `(x - 1/2) log x - x + log(2 pi)/2 + sum_k B_{2k}/(2k(2k-1)x^{2k-1})`
 * (A&S 6.1.41). `0.5 <= x <= 2.5`: the Taylor series at 1 or 2,
 * `log Gamma(1 + z) = -gamma z + sum_{k>=2} (-1)^k zeta(k) z^k / k` (A&S 6.1.33), which keeps full
 * relative accuracy next to the zeros. Elsewhere the recurrence `Gamma(x + 1) = x Gamma(x)`.
 *
 * @example
 * ```ts
 * logGamma(5); // log(24) = 3.1780538303479458
 * logGamma(0.5); // log(sqrt(pi)) = 0.5723649429247001
 * ```
 *
 * @param x - argument, a finite number `> 0`.
 * @throws Error when `x` is not a finite positive number.
 * @see Abramowitz & Stegun, Handbook of Mathematical Functions (1964), 6.1.33 and 6.1.41.
 */
export function logGamma(x: number): number {
  requirePositive('logGamma', 'x', x);
  if (x >= STIRLING_MIN_X) {
    return (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + logGammaStirlingCorrection(x);
  }
  if (x < 0.5) {
    // Gamma(x) = Gamma(1 + x) / x, with 1 + x in [1, 1.5).
    return logGammaNearOneOrTwo(1 + x) - Math.log(x);
  }
  if (x <= 2.5) return logGammaNearOneOrTwo(x);
  // Gamma(x) = (x - 1)(x - 2)...(x - n) Gamma(x - n), with x - n in (1.5, 2.5].
  let y = x;
  let product = 1;
  while (y > 2.5) {
    y -= 1;
    product *= y;
  }
  return logGammaNearOneOrTwo(y) + Math.log(product);
}

/** log Gamma on [0.5, 2.5] by the Taylor series at 1 (x <= 1.5) or at 2 (x > 1.5). */
function logGammaNearOneOrTwo(x: number): number {
  if (x <= 1.5) {
    // log Gamma(1 + z) = -gamma z + [z - log(1 + z)] + T(z)
    const z = x - 1;
    return -EULER_GAMMA * z + (z - Math.log1p(z)) + taylorTail(z);
  }
  // log Gamma(2 + z) = log Gamma(1 + z) + log(1 + z) = (1 - gamma) z + T(z)
  const z = x - 2;
  return (1 - EULER_GAMMA) * z + taylorTail(z);
}
