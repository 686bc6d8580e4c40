/** Test fixtures shared by this package's tests (not exported from the package). */
import { type LinearGaussianModel, linearGaussianModel } from './linear-gaussian-model';

/** A 2-d latent, 3-d data linear-Gaussian model: `x = W z + b + 0.7 eps`. */
export const W = [
  [1, 0.5],
  [0.3, -1],
  [0.8, 0.2],
];
export const B = [0.1, -0.2, 0.3];
export const S = 0.7;

/**
 * The model with its encoder moved from the exact posterior mean map (with the exact marginal
 * standard deviations) by `perturbation`: every entry of `A` by `+-perturbation` (alternating
 * signs by column), `c` and `logScale` by `+perturbation`. Deterministic.
 */
export function perturbedModel(perturbation: number): LinearGaussianModel {
  const base = linearGaussianModel({ W, b: B, s: S });
  const [A, c, logScale] = base.encoderVariables.map((v) => v.arraySync()) as [
    number[][],
    number[],
    number[],
  ];
  base.dispose();
  return linearGaussianModel({
    W,
    b: B,
    s: S,
    encoder: {
      A: A.map((row) => row.map((v, j) => v + perturbation * (j % 2 === 1 ? 1 : -1))),
      c: c.map((v) => v + perturbation),
      logScale: logScale.map((v) => v + perturbation),
    },
  });
}
