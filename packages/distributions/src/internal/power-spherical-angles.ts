import { gammaShapeDerivative } from './gamma-shape-derivative';
import { Prng } from './prng';

/** What {@link drawPowerSphericalAngles} returns, for `n = samples * kappas.length` draws. */
export interface PowerSphericalAngles {
  /** `(t, s)` pairs, `t = mu^T x`, `s = sqrt(1 - t^2)`; length 2n, sample-major. */
  ts: Float64Array;
  /** `(dt/dkappa, ds/dkappa)` pairs (implicit reparameterisation), when asked for; length 2n. */
  grads: Float64Array | null;
}

/**
 * Draw `samples` cosines `t = mu^T x` of Power Spherical variables on `S^{d-1}` for each
 * concentration of `kappas` (one per batch element), in float64; draw `i * kappas.length + b`
 * belongs to sample `i` of batch element `b`, and batch element `b` uses its own {@link Prng}
 * stream `(seed, b)`, so its draws do not depend on the other elements.
 *
 * `(1 + t)/2 ~ Beta(alpha, beta)`, `alpha = (d - 1)/2 + kappa`, `beta = (d - 1)/2`
 * (De Cao & Aziz 2020), drawn as `X / (X + Y)` with `X ~ Gamma(alpha)`, `Y ~ Gamma(beta)`
 * (Marsaglia & Tsang 2000), and
 * ```
 * t = (X - Y) / (X + Y),   1 - t = 2Y / (X + Y),   s = sqrt(1 - t^2) = 2 sqrt(XY) / (X + Y)
 * ```
 * so that `s` (and `1 - t`) keep their relative precision when `kappa` is large.
 *
 * Gradient: only `X` depends on `kappa` (`dalpha/dkappa = 1`); with the implicit
 * reparameterisation gradient `dX/dalpha` of the Gamma draw (see `gammaShapeDerivative`),
 * ```
 * dt/dkappa = 2Y / (X + Y)^2 dX/dalpha,   ds/dkappa = sqrt(Y/X) (Y - X) / (X + Y)^2 dX/dalpha
 * ```
 * which is unbiased: `E[d f(t)/dkappa] = d E[f(t)]/dkappa` for smooth `f`.
 */
export function drawPowerSphericalAngles(
  dim: number,
  kappas: ArrayLike<number>,
  samples: number,
  seed: number,
  withGrad: boolean,
): PowerSphericalAngles {
  const nb = kappas.length;
  const n = samples * nb;
  const ts = new Float64Array(2 * n);
  const grads = withGrad ? new Float64Array(2 * n) : null;
  const beta = (dim - 1) / 2;
  for (let b = 0; b < nb; b++) {
    const alpha = beta + kappas[b]!;
    const rng = new Prng(seed, b);
    for (let i = 0; i < samples; i++) {
      const idx = i * nb + b;
      const x = rng.gamma(alpha);
      const y = rng.gamma(beta);
      const sum = x + y;
      ts[2 * idx] = (x - y) / sum;
      ts[2 * idx + 1] = (2 * Math.sqrt(x * y)) / sum;
      if (grads !== null) {
        const dx = gammaShapeDerivative(x, alpha) / (sum * sum);
        grads[2 * idx] = 2 * y * dx;
        grads[2 * idx + 1] = Math.sqrt(y / x) * (y - x) * dx;
      }
    }
  }
  return { ts, grads };
}
