import { logGamma } from './log-gamma';
import { requireDimension } from './validate';

const LOG_2 = Math.LN2;
const LOG_PI = Math.log(Math.PI);

/**
 * Logarithm of the surface area of the unit sphere `S^{dim-1}` embedded in `R^dim`:
 * `log |S^{dim-1}| = log(2 pi^{dim/2} / Gamma(dim/2))`. It is the log-density offset of the
 * uniform distribution on the sphere (whose density is `1 / |S^{dim-1}|`).
 *
 * @example
 * ```ts
 * logSphereSurfaceArea(2); // log(2 pi) = 1.8378770664093453 (the unit circle)
 * logSphereSurfaceArea(3); // log(4 pi) = 2.5310242469692907
 * ```
 *
 * @param dim - ambient dimension, an integer `>= 2`.
 * @throws Error when `dim` is not an integer `>= 2`.
 * @see DLMF 5.19.4 (volumes and surface areas of balls); Davidson et al., "Hyperspherical
 * Variational Auto-Encoders" (UAI 2018), the uniform prior on the hypersphere.
 */
export function logSphereSurfaceArea(dim: number): number {
  requireDimension('logSphereSurfaceArea', dim);
  return LOG_2 + (dim / 2) * LOG_PI - logGamma(dim / 2);
}
