import { besselIRatioAndComplement } from './bessel-i-ratio';
import { requireDimension, requireNonNegative } from './validate';

/**
 * Mean resultant length of the von Mises-Fisher distribution on `S^{dim-1}`:
 * `A_d(kappa) = E[mu . x] = I_{d/2}(kappa) / I_{d/2-1}(kappa)`, so that `E[x] = A_d(kappa) mu`.
 * It increases from 0 (at `kappa = 0`, `~ kappa / d`) to 1 (`~ 1 - (d-1)/(2 kappa)`), and is
 * `-d/dkappa log C_d(kappa)`. Computed by {@link besselIRatio}'s methods (Gauss continued fraction
 * / uniform expansion), relative error ~1e-15.
 *
 * @example
 * ```ts
 * vmfMeanResultantLength(3, 10); // coth(10) - 1/10 = 0.9000000082...
 * vmfMeanResultantLength(4096, 1); // ~ 1/4096
 * ```
 *
 * @param dim - ambient dimension `d`, an integer `>= 2`.
 * @param kappa - concentration, a finite number `>= 0`.
 * @throws Error when `dim` is not an integer `>= 2` or `kappa` is negative, NaN or infinite.
 * @see Mardia & Jupp, Directional Statistics (2000) 9.3.9; Davidson et al., "Hyperspherical
 * Variational Auto-Encoders" (UAI 2018); Amos (1974).
 */
export function vmfMeanResultantLength(dim: number, kappa: number): number {
  requireDimension('vmfMeanResultantLength', dim);
  requireNonNegative('vmfMeanResultantLength', 'kappa', kappa);
  return besselIRatioAndComplement(dim / 2 - 1, kappa).ratio;
}
