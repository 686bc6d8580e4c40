import * as tf from '@tensorflow/tfjs-core';
import type { AdamWithClipping } from '@vaekit/backend';
import {
  type ObjectiveGradients,
  type ObjectiveOptions,
  disposeObjectiveGradients,
  objectiveGradients,
} from '@vaekit/objectives';
import { parseKLSchedule } from '@vaekit/objectives';
import type { TrainConfig } from '../config/train-config';
import type { TrainableModel } from '../model/trainable-model';
import { Rng } from '../random/rng';

/** A step whose loss or gradient norm was NaN or infinite: training cannot go on from here. */
export class NonFiniteLossError extends Error {
  constructor(
    readonly step: number,
    readonly what: string,
  ) {
    super(`training diverged at step ${step}: the ${what} is not finite`);
    this.name = 'NonFiniteLossError';
  }
}

/** What one {@link trainStep} measured (nats per example). */
export interface StepResult {
  /** The encoder's training loss (the negative bound it ascends, weighted KL included). */
  loss: number;
  /** Mean bound of the batch (the ELBO for `elbo`). */
  bound: number;
  /** Mean `KL(q(z|x) || p(z))` of the batch. */
  kl: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  /** Examples in the batch. */
  examples: number;
}

/** Options of {@link trainStep}: the objective's, and the step's number for error messages. */
export interface TrainStepOptions extends ObjectiveOptions {
  /** The 1-based number of this step, named in a {@link NonFiniteLossError}. */
  step: number;
}

/**
 * Where a step's objective gradients come from: this thread's `objectiveGradients` by default,
 * or another source of the same gradients (the Node trainer's data-parallel threads). The caller
 * of {@link trainStep} owns nothing it returns: the step frees it.
 */
export type GradientSource = (
  x: tf.Tensor,
  options: ObjectiveOptions,
) => ObjectiveGradients | Promise<ObjectiveGradients>;

/**
 * The options of step `step` (0-based) of a run: the config's objective, its KL weight at that
 * step (the `klAnneal` schedule), free bits, and the posterior draws' seed `hash(seed, 7, step)`,
 * so a step draws the same samples in the Node trainer, the web app and a resumed run.
 *
 * @example
 * ```ts
 * await trainStep(model, optimizer, x, trainStepOptions(config, step));
 * ```
 */
export function trainStepOptions(
  config: Pick<
    TrainConfig,
    'objective' | 'k' | 'groups' | 'beta' | 'gradientEstimator' | 'klAnneal' | 'freeBits' | 'seed'
  >,
  step: number,
): TrainStepOptions & { klWeight: number } {
  return {
    objective: config.objective,
    k: config.k,
    groups: config.groups,
    beta: config.beta,
    gradientEstimator: config.gradientEstimator,
    klWeight: parseKLSchedule(config.klAnneal)(step),
    freeBits: config.freeBits,
    seed: Rng.derive(config.seed, 7, step).nextUint32(),
    training: true,
    step: step + 1,
  };
}

/**
 * One optimiser step on a batch, the same in the Node trainer and the web app: per-network
 * objective gradients (`objectiveGradients` of `@vaekit/objectives`: the encoder's loss for the
 * encoder's variables, the decoder's for the decoder's, DReG where asked), a finite check,
 * then Adam with global-norm clipping. Every intermediate tensor is freed; `x` stays the
 * caller's. `gradients` replaces this thread's gradient computation (the same gradients from
 * elsewhere: data-parallel threads), and `apply` the optimizer's `applyGradients` (one that also
 * updates replicas of the optimizer elsewhere: it must step `optimizer`); the rest of the step is
 * unchanged.
 *
 * Mathematical details: `g = grad_theta loss`, `g <- g * min(1, c / ||g||_2)` (Pascanu et al.
 * 2013), then Adam (Kingma & Ba 2015).
 *
 * @throws NonFiniteLossError when the loss is NaN or infinite (the weights are left as they
 *   were) or the gradient norm is (the step was applied: the weights must be restored from a
 *   checkpoint, as the Node trainer's resume does).
 * @example
 * ```ts
 * const r = await trainStep(model, optimizer, x, { objective: 'iwae', k: 5, seed: 7, training: true, step: 1 });
 * r.loss; r.gradNorm;
 * ```
 */
export async function trainStep(
  model: TrainableModel,
  optimizer: AdamWithClipping,
  x: tf.Tensor,
  options: TrainStepOptions,
  gradients?: GradientSource,
  apply: (grads: tf.NamedTensorMap) => void = (grads) => optimizer.applyGradients(grads),
): Promise<StepResult> {
  const { step, ...objective } = options;
  const g =
    gradients !== undefined
      ? await gradients(x, objective)
      : objectiveGradients(model, x, objective, {
          encoder: model.encoderVariables,
          decoder: model.decoderVariables,
        });
  try {
    const stats = tf.tidy(() => tf.stack([g.encoderLoss, tf.mean(g.bound), tf.mean(g.kl)]));
    const [loss, bound, kl] = await stats.data();
    stats.dispose();
    if (!Number.isFinite(loss!)) throw new NonFiniteLossError(step, `loss (${loss})`);
    apply({ ...g.encoderGrads, ...g.decoderGrads });
    const gradNorm = optimizer.lastGradNorm;
    if (!Number.isFinite(gradNorm)) {
      throw new NonFiniteLossError(step, `gradient norm (${gradNorm})`);
    }
    return { loss: loss!, bound: bound!, kl: kl!, gradNorm, examples: x.shape[0]! };
  } finally {
    disposeObjectiveGradients(g);
  }
}
