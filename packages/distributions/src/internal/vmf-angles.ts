import { Prng } from './prng';
import {
  CELLS,
  COARSE_CELLS,
  angleKappaDerivative,
  angleQuantile,
  getAngleTable,
  type VmfAngleTable,
} from './vmf-angle-table';
import { woodSampleT } from './vmf-wood';

/** Above this many distinct concentrations in one call, tables are coarse (see `COARSE_CELLS`). */
export const MANY_KAPPAS = 16;

/** The two samplers of `w = mu^T z` for a von Mises-Fisher variable. */
export type VmfSamplerName = 'inverse-cdf' | 'wood';

/** What {@link drawAngles} returns, for `n = samples * kappas.length` draws laid out sample-major. */
export interface VmfAngles {
  /** `(w, s)` pairs, `w = cos theta = mu^T z`, `s = sin theta = sqrt(1 - w^2)`; length 2n. */
  ws: Float64Array;
  /** `(dw/dkappa, ds/dkappa)` pairs (implicit reparameterisation), when asked for; length 2n. */
  grads: Float64Array | null;
}

/**
 * Draw `samples` angles for each of the concentrations `kappas` (one per batch element), in
 * float64; draw `i * kappas.length + b` belongs to sample `i` of batch element `b`.
 *
 * `inverse-cdf` inverts the cached table of (d, kappa) at the uniforms `u` (one per draw; coarse
 * tables when there are more than {@link MANY_KAPPAS} distinct concentrations);
 * `wood` runs Wood's rejection sampler with one {@link Prng} stream per batch element, seeded by
 * `woodSeed`. With `withGrad`, the implicit derivatives come from the tables of both samplers.
 */
export function drawAngles(
  dim: number,
  kappas: ArrayLike<number>,
  samples: number,
  sampler: VmfSamplerName,
  random: { uniforms?: ArrayLike<number>; woodSeed?: number },
  withGrad: boolean,
): VmfAngles {
  const nb = kappas.length;
  const n = samples * nb;
  const ws = new Float64Array(2 * n);
  const grads = withGrad ? new Float64Array(2 * n) : null;
  // Many distinct concentrations (e.g. one per row, from an encoder): coarse tables.
  const cells = new Set(Array.from(kappas)).size > MANY_KAPPAS ? COARSE_CELLS : CELLS;
  const local = new Map<number, VmfAngleTable>();
  const tableOf = (kappa: number): VmfAngleTable => {
    let t = local.get(kappa);
    if (t === undefined) {
      t = getAngleTable(dim, kappa, cells);
      local.set(kappa, t);
    }
    return t;
  };
  for (let b = 0; b < nb; b++) {
    const kappa = kappas[b]!;
    const table = sampler === 'inverse-cdf' || withGrad ? tableOf(kappa) : null;
    const rng = sampler === 'wood' ? new Prng(random.woodSeed ?? 0, b) : null;
    for (let i = 0; i < samples; i++) {
      const idx = i * nb + b;
      let theta: number;
      let w: number;
      let s: number;
      if (rng !== null) {
        const t = woodSampleT(dim, kappa, rng);
        w = 1 - t;
        s = Math.sqrt(t * (2 - t));
        theta = 2 * Math.asin(Math.min(1, Math.sqrt(0.5 * t)));
      } else {
        theta = angleQuantile(table!, random.uniforms![idx]!);
        w = Math.cos(theta);
        s = Math.sin(theta);
      }
      ws[2 * idx] = w;
      ws[2 * idx + 1] = s;
      if (grads !== null) {
        const g = angleKappaDerivative(table!, theta);
        grads[2 * idx] = -s * g;
        grads[2 * idx + 1] = w * g;
      }
    }
  }
  return { ws, grads };
}
