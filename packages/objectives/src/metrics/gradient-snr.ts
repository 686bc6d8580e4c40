import * as tf from '@tensorflow/tfjs-core';
import { check, checkPositiveInteger } from '../internal/validate';
import type { LatentVariableModel } from '../model';
import { type ObjectiveVariables, objectiveGradients } from '../objective-gradients';
import type { ObjectiveOptions } from '../objective-options';
import { deriveSeed } from '@vaekit/distributions/internal';

/** Gradient signal-to-noise ratios of one parameter group (see {@link gradientSNR}). */
export interface GradientSNRSummary {
  /** The group's SNR: the mean over its parameters of the per-parameter SNR (finite ones). */
  snr: number;
  /** The median over the group's parameters of the per-parameter SNR (finite ones). */
  median: number;
  /** Parameters (scalar entries) in the group. */
  parameters: number;
  /** Per-parameter `|mean| / std`, flattened in the order the tensors were given. */
  perParameter: Float64Array;
  /** Per-parameter mean gradient over the draws. */
  mean: Float64Array;
  /** Per-parameter standard deviation of the gradient over the draws (divisor `draws - 1`). */
  std: Float64Array;
}

/** Options of {@link gradientSNR}. */
export interface GradientSNROptions {
  /** Number of gradient draws (at least 2; default 100). */
  draws?: number;
}

/**
 * Gradient signal-to-noise ratio per parameter group, from repeated gradient draws on a fixed
 * batch. `drawGradients(i)` returns draw `i`'s gradients as `{ group: tensors }`; this function
 * reads and disposes them, accumulating per-parameter means and variances in float64 (Welford).
 *
 * Mathematical details:
 * ```
 * SNR_i = |E[g_i]| / std[g_i]        per scalar parameter i (mean and std over the draws)
 * SNR(group) = mean over the group's parameters of SNR_i
 * ```
 * Parameters with zero variance are left out of the summaries (their SNR is `Infinity`, or
 * `NaN` when the gradient is always 0), but kept in `perParameter`.
 *
 * Reference: Rainforth, Kosiorek, Le, Maddison, Igl, Wood & Teh 2018, "Tighter Variational
 * Bounds are Not Necessarily Better" (section 3; they average the per-parameter SNR over a
 * network's parameters).
 *
 * @example
 * ```ts
 * const snr = gradientSNR((i) => ({ weights: [tf.randomNormal([3], 1, 0.5, 'float32', i)] }), { draws: 200 });
 * snr.weights.snr; // ~2 (= 1 / 0.5)
 * ```
 */
export function gradientSNR(
  drawGradients: (draw: number) => Record<string, tf.Tensor[]>,
  { draws = 100 }: GradientSNROptions = {},
): Record<string, GradientSNRSummary> {
  check(Number.isInteger(draws) && draws >= 2, 'draws', 'an integer >= 2', draws);
  const stats = new Map<string, { mean: Float64Array; m2: Float64Array }>();
  for (let i = 0; i < draws; i++) {
    const gradients = drawGradients(i);
    try {
      for (const [group, tensors] of Object.entries(gradients)) {
        const values = flatten(tensors);
        let s = stats.get(group);
        if (s === undefined) {
          check(
            i === 0,
            `gradients of group '${group}'`,
            'returned on every draw',
            `first on draw ${i}`,
          );
          s = { mean: new Float64Array(values.length), m2: new Float64Array(values.length) };
          stats.set(group, s);
        }
        check(
          values.length === s.mean.length,
          `gradients of group '${group}'`,
          `of the same size on every draw (${s.mean.length})`,
          values.length,
        );
        for (let j = 0; j < values.length; j++) {
          const delta = values[j]! - s.mean[j]!;
          s.mean[j]! += delta / (i + 1);
          s.m2[j]! += delta * (values[j]! - s.mean[j]!);
        }
      }
    } finally {
      for (const tensors of Object.values(gradients)) tf.dispose(tensors);
    }
  }
  const out: Record<string, GradientSNRSummary> = {};
  for (const [group, { mean, m2 }] of stats) {
    const std = m2.map((v) => Math.sqrt(v / (draws - 1)));
    const perParameter = mean.map((m, j) => Math.abs(m) / std[j]!);
    const finite = Array.from(perParameter)
      .filter(Number.isFinite)
      .sort((a, b) => a - b);
    const snr =
      finite.length === 0 ? Number.NaN : finite.reduce((a, b) => a + b, 0) / finite.length;
    const median =
      finite.length === 0
        ? Number.NaN
        : finite.length % 2 === 1
          ? finite[(finite.length - 1) / 2]!
          : (finite[finite.length / 2 - 1]! + finite[finite.length / 2]!) / 2;
    out[group] = { snr, median, parameters: mean.length, perParameter, mean, std };
  }
  return out;
}

function flatten(tensors: tf.Tensor[]): Float64Array {
  const total = tensors.reduce((n, t) => n + t.size, 0);
  const out = new Float64Array(total);
  let offset = 0;
  for (const t of tensors) {
    out.set(t.dataSync(), offset);
    offset += t.size;
  }
  return out;
}

/** Options of {@link objectiveGradientSNR}. */
export interface ObjectiveGradientSNROptions extends GradientSNROptions {
  /** Base seed; draw `i` uses a seed derived from it and `i` (default 0). */
  seed?: number;
}

/**
 * Gradient SNR of a model's objective for the inference network (`encoder`) and the generative
 * network (`decoder`), from `draws` gradient draws of {@link objectiveGradients} on the fixed
 * batch `x`, each with its own seed. A group with no variables is skipped (and not computed).
 * A variable the loss does not reach counts as a zero gradient.
 *
 * Mathematical details:
 * ```
 * SNR(phi)   = mean_i |E[d encoderLoss / d phi_i]|   / std[d encoderLoss / d phi_i]
 * SNR(theta) = mean_i |E[d decoderLoss / d theta_i]| / std[d decoderLoss / d theta_i]
 * IWAE:  SNR(phi) = O(1/sqrt(K)),  SNR(theta) = O(sqrt(K))   (Rainforth et al. 2018)
 * DReG:  SNR(phi) does not decay with K                      (Tucker et al. 2018)
 * ```
 * References: Rainforth et al. 2018, "Tighter Variational Bounds are Not Necessarily Better";
 * Tucker et al. 2018, "Doubly Reparameterized Gradient Estimators for Monte Carlo Objectives".
 *
 * @example
 * ```ts
 * const { encoder } = objectiveGradientSNR(model, x, { objective: 'iwae', k: 100 },
 *   { encoder: encoderVars, decoder: [] }, { draws: 200, seed: 1 });
 * encoder.snr; // falls like 1/sqrt(K) as k grows
 * ```
 */
export function objectiveGradientSNR(
  model: LatentVariableModel,
  x: tf.Tensor,
  options: ObjectiveOptions,
  variables: ObjectiveVariables,
  { draws = 100, seed = 0 }: ObjectiveGradientSNROptions = {},
): Partial<Record<'encoder' | 'decoder', GradientSNRSummary>> {
  checkPositiveInteger(draws, 'draws');
  return gradientSNR(
    (i) => {
      const g = objectiveGradients(model, x, { ...options, seed: deriveSeed(seed, i)! }, variables);
      tf.dispose([g.encoderLoss, g.decoderLoss, g.bound, g.reconstruction, g.kl]);
      const pick = (vars: tf.Variable[], grads: tf.NamedTensorMap) =>
        vars.map((v) => grads[v.name] ?? tf.zerosLike(v));
      const out: Record<string, tf.Tensor[]> = {};
      if (variables.encoder.length > 0) out.encoder = pick(variables.encoder, g.encoderGrads);
      if (variables.decoder.length > 0) out.decoder = pick(variables.decoder, g.decoderGrads);
      return out;
    },
    { draws },
  );
}
