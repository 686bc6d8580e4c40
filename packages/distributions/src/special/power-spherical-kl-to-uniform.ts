import { digamma } from './digamma';
import { logGamma } from './log-gamma';
import { logSphereSurfaceArea } from './log-sphere-surface-area';
import { requireDimension, requireNonNegative } from './validate';

/**
 * Kullback-Leibler divergence from the uniform distribution on `S^{d-1}` to the Power Spherical
 * distribution `PS(mu, kappa)` (independent of `mu`: the constant KL of a Power Spherical
 * posterior with a fixed concentration), in double precision:
 *
 *   KL = log|S^{d-1}| - H,   H = log N - kappa (log 2 + psi(alpha) - psi(alpha + beta)),
 *   log N = (alpha + beta) log 2 + beta log pi + log Gamma(alpha) - log Gamma(alpha + beta),
 *
 * with `alpha = (d - 1)/2 + kappa`, `beta = (d - 1)/2`. Exactly 0 at `kappa = 0`; the defining
 * difference loses about `1e-16 |log N|` absolute for small `kappa` (relative error below 1e-9
 * down to KL ~ 1e-6 against mpmath).
 *
 * Reference: De Cao & Aziz 2020, "The Power Spherical distribution", section 3.
 *
 * @example
 * ```ts
 * powerSphericalKLToUniform(6, 20); // 2.8190995937790...
 * ```
 * @throws Error naming `dim` (an integer >= 2) or `kappa` (finite, >= 0).
 */
export function powerSphericalKLToUniform(dim: number, kappa: number): number {
  requireDimension('powerSphericalKLToUniform', dim);
  requireNonNegative('powerSphericalKLToUniform', 'kappa', kappa);
  if (kappa === 0) return 0;
  const beta = (dim - 1) / 2;
  const alpha = beta + kappa;
  const logN =
    (alpha + beta) * Math.LN2 + beta * Math.log(Math.PI) + logGamma(alpha) - logGamma(alpha + beta);
  const entropy = logN - kappa * (Math.LN2 + digamma(alpha) - digamma(alpha + beta));
  return Math.max(0, logSphereSurfaceArea(dim) - entropy);
}
