import * as tf from '@tensorflow/tfjs-core';
import { freshSeed } from './internal/seed';
import type { LatentVariableModel } from './model';
import { type ObjectiveResult, modelObjective } from './model-objective';
import { type ObjectiveOptions, resolveObjectiveOptions, sharesOneLoss } from './objective-options';

/** The two networks' trainable variables, for {@link objectiveGradients}. */
export interface ObjectiveVariables {
  /** The inference network's (encoder's) variables, phi. */
  encoder: tf.Variable[];
  /** The generative network's (decoder's, and a learned prior's) variables, theta. */
  decoder: tf.Variable[];
}

/** What {@link objectiveGradients} returns; the caller owns (and disposes) every tensor. */
export interface ObjectiveGradients extends ObjectiveResult {
  /** `d encoderLoss / d phi`, keyed by variable name (what `optimizer.applyGradients` takes). */
  encoderGrads: tf.NamedTensorMap;
  /** `d decoderLoss / d theta`, keyed by variable name. */
  decoderGrads: tf.NamedTensorMap;
  /** Forward-backward passes it took: 1 when both networks share a loss, else 2. */
  passes: 1 | 2;
}

/**
 * Each network's loss and its gradient with respect to that network's own variables: the
 * encoder's loss differentiated with respect to `variables.encoder`, the decoder's with respect
 * to `variables.decoder` (see {@link modelObjective} for the losses).
 *
 * Mathematical details:
 * ```
 * phi   <- grad_phi   encoderLoss(phi, theta)      (e.g. -MIWAE for PIWAE, DReG surrogate)
 * theta <- grad_theta decoderLoss(phi, theta)      (e.g. -IWAE_K for PIWAE)
 * ```
 * Cost: when both networks share one loss (every `reparameterized` objective but `piwae`) it is
 * one forward and one backward pass over all variables. Otherwise (`piwae`, or any `dreg`
 * objective) it is two passes, one per network, each with `tf.variableGrads` restricted to that
 * network's variables: twice the cost of one pass. Both passes use the same seed, so the same
 * posterior draws (pass `options.seed`, or a fresh one is drawn for the call); any randomness
 * inside the model itself (dropout) is the model's. A network with an empty variable list is
 * skipped. Variables the loss does not reach get no entry (as in `tf.variableGrads`).
 *
 * References: Rainforth et al. 2018, "Tighter Variational Bounds are Not Necessarily Better"
 * (separate objectives per network); Tucker et al. 2018, "Doubly Reparameterized Gradient
 * Estimators for Monte Carlo Objectives".
 *
 * @example
 * ```ts
 * const g = objectiveGradients(model, x, { objective: 'piwae', k: 64, groups: 8, seed: step },
 *   { encoder: encoderVars, decoder: decoderVars });
 * encoderOptimizer.applyGradients(g.encoderGrads);
 * decoderOptimizer.applyGradients(g.decoderGrads);
 * tf.dispose(g);
 * ```
 */
export function objectiveGradients(
  model: LatentVariableModel,
  x: tf.Tensor,
  options: ObjectiveOptions,
  variables: ObjectiveVariables,
): ObjectiveGradients {
  const resolved = resolveObjectiveOptions(options);
  const { encoder, decoder } = checkVariables(variables);
  const seeded: ObjectiveOptions = { ...options, seed: resolved.seed ?? freshSeed() };

  let kept: ObjectiveResult | undefined;
  const run = (pick: (r: ObjectiveResult) => tf.Scalar, varList: tf.Variable[]) => {
    const { value, grads } = tf.variableGrads(() => {
      const result = modelObjective(model, x, seeded);
      if (kept === undefined) kept = keepAll(result);
      return pick(result);
    }, varList);
    value.dispose();
    return grads;
  };

  let encoderGrads: tf.NamedTensorMap = {};
  let decoderGrads: tf.NamedTensorMap = {};
  let passes: 1 | 2 = 1;
  if (sharesOneLoss(resolved)) {
    const grads = run((r) => r.encoderLoss, [...encoder, ...decoder]);
    const encoderNames = new Set(encoder.map((v) => v.name));
    for (const [name, g] of Object.entries(grads)) {
      if (encoderNames.has(name)) encoderGrads[name] = g;
      else decoderGrads[name] = g;
    }
  } else {
    if (encoder.length > 0) encoderGrads = run((r) => r.encoderLoss, encoder);
    if (decoder.length > 0) decoderGrads = run((r) => r.decoderLoss, decoder);
    passes = encoder.length > 0 && decoder.length > 0 ? 2 : 1;
  }
  // Move the kept results into the caller's scope, as ordinary tensors.
  const k = kept!;
  const out = {
    encoderLoss: k.encoderLoss.clone(),
    decoderLoss: k.encoderLoss === k.decoderLoss ? undefined : k.decoderLoss.clone(),
    bound: k.bound.clone(),
    reconstruction: k.reconstruction.clone(),
    kl: k.kl.clone(),
  };
  tf.dispose([k.encoderLoss, k.decoderLoss, k.bound, k.reconstruction, k.kl]);
  return {
    encoderLoss: out.encoderLoss,
    decoderLoss: out.decoderLoss ?? out.encoderLoss,
    bound: out.bound,
    reconstruction: out.reconstruction,
    kl: out.kl,
    encoderGrads,
    decoderGrads,
    passes,
  };
}

/** Kept clones of a pass's results, so they outlive `tf.variableGrads`'s forward scope. */
function keepAll(r: ObjectiveResult): ObjectiveResult {
  const encoderLoss = tf.keep(r.encoderLoss.clone());
  return {
    encoderLoss,
    decoderLoss: r.decoderLoss === r.encoderLoss ? encoderLoss : tf.keep(r.decoderLoss.clone()),
    bound: tf.keep(r.bound.clone()),
    reconstruction: tf.keep(r.reconstruction.clone()),
    kl: tf.keep(r.kl.clone()),
  };
}

function checkVariables(variables: ObjectiveVariables): ObjectiveVariables {
  if (
    variables === null ||
    typeof variables !== 'object' ||
    !Array.isArray(variables.encoder) ||
    !Array.isArray(variables.decoder)
  ) {
    throw new Error('variables must be { encoder: tf.Variable[], decoder: tf.Variable[] }');
  }
  if (variables.encoder.length + variables.decoder.length === 0) {
    throw new Error(
      'variables must hold at least one variable (encoder and decoder are both empty)',
    );
  }
  const encoderNames = new Set(variables.encoder.map((v) => v.name));
  const shared = variables.decoder.filter((v) => encoderNames.has(v.name));
  if (shared.length > 0) {
    throw new Error(
      `variables.encoder and variables.decoder must not share variables, got ${shared.map((v) => v.name).join(', ')} in both`,
    );
  }
  return variables;
}

/**
 * Free every tensor of an {@link objectiveGradients} result: both losses, the per-example bound,
 * reconstruction and KL, and every gradient.
 *
 * @example
 * ```ts
 * const g = objectiveGradients(model, x, { objective: 'iwae', k: 5 }, variables);
 * optimizer.applyGradients({ ...g.encoderGrads, ...g.decoderGrads });
 * disposeObjectiveGradients(g);
 * ```
 */
export function disposeObjectiveGradients(g: ObjectiveGradients): void {
  tf.dispose([
    g.encoderLoss,
    g.decoderLoss,
    g.bound,
    g.reconstruction,
    g.kl,
    ...Object.values(g.encoderGrads),
    ...Object.values(g.decoderGrads),
  ]);
}
