import { logSphereSurfaceArea } from './log-sphere-surface-area';
import { requireDimension, requireNonNegative } from './validate';
import { vmfKLToUniformUnchecked } from './vmf-kl-to-uniform';

/**
 * Differential entropy (nats, w.r.t. the surface measure) of the von Mises-Fisher distribution on
 * `S^{d-1}`:
 *
 *   H = -kappa A_d(kappa) - log C_d(kappa) = log|S^{d-1}| - KL(vMF || Uniform),
 *
 * evaluated in the second form so that the `O(kappa)` parts of `kappa A` and `log C` cancel
 * analytically (finite and accurate at `kappa = 1e6`, `d = 10000`, and to 1e-15 relative up to
 * `kappa = 1e38`, `d = 1000`). At `kappa = 0` it is the
 * entropy of the uniform distribution, `log|S^{d-1}|`; it decreases without bound as `kappa` grows.
 *
 * @example
 * ```ts
 * vmfEntropy(3, 0); // log(4 pi) = 2.5310...
 * vmfEntropy(10000, 1e6); // -54907.67...
 * ```
 *
 * @param dim - ambient dimension `d`, an integer `>= 2`.
 * @param kappa - concentration, a finite number `>= 0`.
 * @throws Error when `dim` is not an integer `>= 2` or `kappa` is negative, NaN or infinite.
 * @see Davidson et al., "Hyperspherical Variational Auto-Encoders" (UAI 2018), the entropy of the
 * vMF; Mardia & Jupp, Directional Statistics (2000).
 */
export function vmfEntropy(dim: number, kappa: number): number {
  requireDimension('vmfEntropy', dim);
  requireNonNegative('vmfEntropy', 'kappa', kappa);
  return logSphereSurfaceArea(dim) - vmfKLToUniformUnchecked(dim, kappa);
}
