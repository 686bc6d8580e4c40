import { logBesselIReduced } from './log-bessel-i';
import { logSphereSurfaceArea } from './log-sphere-surface-area';
import { requireDimension, requireNonNegative } from './validate';

/**
 * Log normalising constant of the von Mises-Fisher density `C_d(kappa) exp(kappa mu . x)` on
 * `S^{d-1}`, with respect to the surface measure:
 *
 *   log C_d(kappa) = (d/2 - 1) log kappa - (d/2) log(2 pi) - log I_{d/2-1}(kappa),
 *
 * continuous at `kappa = 0`, where it is `-log|S^{d-1}|` (the uniform density). Evaluated as
 * `-log|S^{d-1}| - log 0F1(; d/2; kappa^2/4)` (A&S 9.6.10), which avoids the `0 * -Infinity` at
 * `kappa = 0` and the cancellation between `log kappa` and `log I` for large `d`.
 *
 * @example
 * ```ts
 * vmfLogNormalizer(3, 1); // log(1 / (2 pi (e - 1/e))) = -2.6865...
 * vmfLogNormalizer(10000, 0); // -logSphereSurfaceArea(10000) = 31858.28...
 * ```
 *
 * @param dim - ambient dimension `d`, an integer `>= 2`.
 * @param kappa - concentration, a finite number `>= 0`.
 * @throws Error when `dim` is not an integer `>= 2` or `kappa` is negative, NaN or infinite.
 * @see Mardia & Jupp, Directional Statistics (2000) 9.3.4; Davidson et al., "Hyperspherical
 * Variational Auto-Encoders" (UAI 2018).
 */
export function vmfLogNormalizer(dim: number, kappa: number): number {
  requireDimension('vmfLogNormalizer', dim);
  requireNonNegative('vmfLogNormalizer', 'kappa', kappa);
  return -logSphereSurfaceArea(dim) - logBesselIReduced(dim / 2 - 1, kappa);
}
