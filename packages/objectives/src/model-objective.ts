import * as tf from '@tensorflow/tfjs-core';
import { type Distribution, hasKL, klDivergence } from '@vaekit/distributions';
import { stopGradient } from '@vaekit/distributions/internal';
import { freeBitsKL } from './free-bits';
import {
  checkPosterior,
  combineLogWeights,
  decodeDraws,
  logWeightTerms,
} from './internal/log-weight-terms';
import { modelCallOptions } from './internal/seed';
import type { LatentVariableModel } from './model';
import {
  type ObjectiveOptions,
  type ResolvedObjectiveOptions,
  resolveObjectiveOptions,
} from './objective-options';
import { objectiveSpec } from './objective-registry';
import type { DregTerms, ObjectiveTerms } from './objective-spec';
import { perDimensionKL } from './per-dimension-kl';

/** What {@link modelObjective} returns. Every tensor lives in the caller's scope. */
export interface ObjectiveResult {
  /**
   * The inference network's (encoder's) loss, a scalar: minimise it with respect to the encoder's
   * variables. Its value is minus the batch mean of the bound the encoder ascends; under DReG its
   * gradient is Tucker et al.'s estimator, not the gradient of that value.
   */
  encoderLoss: tf.Scalar;
  /**
   * The generative network's (decoder's and prior's) loss, a scalar: minimise it with respect
   * to the decoder's variables. The same tensor as `encoderLoss` when both networks share one
   * objective (every reparameterised objective but PIWAE).
   */
  decoderLoss: tf.Scalar;
  /**
   * The per-example bound, `[B]`: the ELBO (with the true KL, unweighted, no free bits),
   * IWAE_K, MIWAE, CIWAE, or for PIWAE the generative network's IWAE_K. For logging; not meant
   * to be differentiated.
   */
  bound: tf.Tensor;
  /** Per-example mean over the draws of `log p(x | z)`, `[B]`. */
  reconstruction: tf.Tensor;
  /**
   * Per-example `KL(q(z|x) || p(z))`, `[B]`: the closed form when one is registered for the
   * pair (and, for the ELBO, the KL mode is not `sampled`), else the sample mean of
   * `log q(z|x) - log p(z)` at the draws.
   */
  kl: tf.Tensor;
}

/**
 * The training losses of a latent-variable model on a batch, one per network, for the ELBO,
 * IWAE, MIWAE, CIWAE or PIWAE (or an objective added with {@link registerObjective}), with the
 * reparameterised or the doubly reparameterised (DReG) gradient for the encoder.
 *
 * The bounds, the per-network bounds and the DReG surrogates come from the objective's
 * {@link ObjectiveSpec} in the registry ({@link objectiveSpec}); this function draws the samples,
 * builds the `[K, B]` log-weight terms and turns the spec's bounds into losses. One case is its
 * own: the ELBO with an analytic KL (a closed form registered for the posterior-prior pair, or
 * `kl: 'analytic'`) replaces the sampled `log q - log p` by `KL(q || p)`, which is about the
 * KL, not the bound.
 *
 * Mathematical details (`z_k ~ q(z|x)` by reparameterisation, `K` per example, decoded in one
 * `[K * B, ...]` batch; `w~` the weights normalised over the samples of one bound; `sg` stop
 * gradient):
 * ```
 * log w_k = log p(x | z_k) + log p(z_k) - log q(z_k | x)                         [K, B]
 * elbo (analytic):  L = (1/K) sum_k log p(x|z_k) - KL(q || p)
 *                   loss = -mean_b[(1/K) sum_k log p(x|z_k)] + klWeight * KLterm
 *                   KLterm = mean_b KL_b, or with free bits sum_j max(lambda, mean_b KL_bj)
 * elbo (sampled):   loss = -mean_b (1/K) sum_k [log p(x|z_k) + klWeight (log p(z_k) - log q(z_k|x))]
 * iwae, miwae, ciwae (reparameterized): encoderLoss = decoderLoss = -mean_b bound_b
 * piwae:            decoderLoss = -mean_b IWAE_K,   encoderLoss = -mean_b MIWAE(M, K/M)
 * dreg:             log q(z|x) is evaluated with q.detached() (parameters stopped, z still
 *                   differentiable), and the encoder's surrogate for an IWAE_k block is
 *                   -sum_k sg(w~_k^2) log w_k  (Tucker et al. 2018, eq. 7):
 *   iwae:   encoder  -mean_b sum_k sg(w~_k^2) log w_k
 *   miwae, piwae: per group, averaged over the M groups (w~ normalised within each group)
 *   ciwae:  encoder  -mean_b [beta * ELBO (ordinary reparameterised gradient, q attached)
 *                             + (1 - beta) * sum_k sg(w~_k^2) log w_k]
 *   elbo:   encoder  -mean_b (1/K) sum_k log w_k with q detached: the K = 1 case of DReG,
 *           the "sticking the landing" path-derivative estimator (Roeder et al. 2017)
 *   The decoder's loss is the bound itself (detaching q does not change theta's gradient).
 *   The encoder's loss is shifted by a constant so that its value is -mean_b of its bound.
 * ```
 * The decoder's losses are differentiated with respect to the decoder's (and a learned
 * prior's) variables only, the encoder's with respect to the encoder's only; see
 * {@link objectiveGradients}, which does that and reuses one backward pass when it can.
 *
 * References: Burda et al. 2015, "Importance Weighted Autoencoders"; Rainforth et al. 2018,
 * "Tighter Variational Bounds are Not Necessarily Better" (MIWAE, CIWAE, PIWAE); Tucker, Lawson,
 * Gu & Maddison 2018, "Doubly Reparameterized Gradient Estimators for Monte Carlo Objectives"
 * (DReG); Roeder, Wu & Duvenaud 2017, "Sticking the Landing"; Kingma et al. 2016 (free bits);
 * Bowman et al. 2016 (KL weight).
 *
 * @param model the {@link LatentVariableModel}.
 * @param x the batch, `[B, ...]`.
 * @param options see {@link ObjectiveOptions}; invalid ones throw, naming the field.
 * @example
 * ```ts
 * const { encoderLoss, decoderLoss, bound } = modelObjective(model, x, {
 *   objective: 'piwae', k: 64, groups: 8, gradientEstimator: 'dreg', seed: 1,
 * });
 * ```
 */
export function modelObjective(
  model: LatentVariableModel,
  x: tf.Tensor,
  options: ObjectiveOptions,
): ObjectiveResult {
  const o = resolveObjectiveOptions(options);
  checkBatch(x);
  return tidyResult(() => {
    const q = model.encode(x, modelCallOptions(o.training, o.seed, 1));
    checkPosterior(q, x);
    const b = x.shape[0]!;
    // The analytic-KL ELBO is special-cased here, not in the registry: it replaces the sampled
    // KL by the closed form (and allows free bits), which is about the KL, not the bound.
    if (o.objective === 'elbo' && o.kl === 'analytic') {
      // klDivergence throws, naming both classes, when no closed form is registered.
      return analyticElbo(model, x, q, tf.broadcastTo(klDivergence(q, model.prior), [b]), o);
    }
    const analyticKL =
      o.kl !== 'sampled' && hasKL(q, model.prior) ? klDivergence(q, model.prior) : undefined;
    const sampledElbo =
      o.kl === 'sampled' || o.gradientEstimator === 'dreg' || analyticKL === undefined;
    if (o.objective === 'elbo' && !sampledElbo) {
      return analyticElbo(model, x, q, tf.broadcastTo(analyticKL!, [b]), o);
    }
    if (o.objective === 'elbo' && o.freeBits > 0) {
      throw new Error(
        `freeBits needs the analytic KL, and no closed form is registered for KL(${q.constructor.name} || ${model.prior.constructor.name}); register one with registerKL or set freeBits to 0`,
      );
    }
    return importanceWeighted(model, x, q, o.objective === 'elbo' ? undefined : analyticKL, o);
  });
}

/** `tf.tidy` for a function returning an {@link ObjectiveResult}. */
function tidyResult(fn: () => ObjectiveResult): ObjectiveResult {
  return tf.tidy(() => fn() as unknown as tf.TensorContainer) as unknown as ObjectiveResult;
}

function checkBatch(x: tf.Tensor): void {
  if (x.rank < 1 || x.shape[0]! < 1) {
    throw new Error(
      `x must be a batch of shape [B, ...] with B >= 1, got shape [${x.shape.join(', ')}]`,
    );
  }
}

function analyticElbo(
  model: LatentVariableModel,
  x: tf.Tensor,
  q: Distribution,
  kl: tf.Tensor,
  o: ResolvedObjectiveOptions,
): ObjectiveResult {
  // The draws' log-densities are not needed: the KL is the closed form.
  const terms = decodeDraws(model, x, q, o.k, o.seed, o.training);
  const reconstruction = tf.mean(terms.logLikelihood, 0);
  const bound = tf.sub(reconstruction, kl);
  const klTerm =
    o.freeBits > 0 ? freeBitsKL(perDimensionKL(q, model.prior), o.freeBits) : tf.mean(kl);
  const loss = tf.add(tf.neg(tf.mean(reconstruction)), tf.mul(klTerm, o.klWeight)) as tf.Scalar;
  return { encoderLoss: loss, decoderLoss: loss, bound, reconstruction, kl };
}

function importanceWeighted(
  model: LatentVariableModel,
  x: tf.Tensor,
  q: Distribution,
  analyticKL: tf.Tensor | undefined,
  o: ResolvedObjectiveOptions,
): ObjectiveResult {
  const b = x.shape[0]!;
  const dreg = o.gradientEstimator === 'dreg';
  const terms = logWeightTerms(model, x, q, o.k, o.seed, o.training);
  const logW = combineLogWeights(terms);
  // Under DReG, log q(z|x) with the posterior's parameters stopped (z stays differentiable).
  const logPosteriorDetached = dreg ? q.detached().logProb(terms.z) : terms.logPosterior;
  const logWDetached = dreg ? combineLogWeights(terms, logPosteriorDetached) : logW;
  const reconstruction = tf.mean(terms.logLikelihood, 0);
  const sampledKL = tf.mean(tf.sub(terms.logPosterior, terms.logPrior), 0);
  const kl = analyticKL === undefined ? sampledKL : tf.broadcastTo(analyticKL, [b]);

  // The objective's bounds and DReG surrogate, from its spec in the registry.
  const spec = objectiveSpec(o.objective);
  const bound = spec.bound(logW, o);
  const objectiveTerms: ObjectiveTerms = {
    logWeights: logW,
    logLikelihood: terms.logLikelihood,
    logPrior: terms.logPrior,
    logPosterior: terms.logPosterior,
    bound,
  };
  const decoderBound = spec.decoderBound?.(objectiveTerms, o) ?? bound;
  const encoderBound = spec.encoderBound?.(objectiveTerms, o) ?? decoderBound;
  let encoderSurrogate: tf.Tensor | undefined;
  if (dreg) {
    const dregTerms: DregTerms = {
      ...objectiveTerms,
      logPosteriorDetached,
      logWeightsDetached: logWDetached,
    };
    encoderSurrogate = spec.dregSurrogate!(dregTerms, o);
  }
  const decoderLoss = tf.neg(tf.mean(decoderBound)) as tf.Scalar;
  let encoderLoss: tf.Scalar;
  if (encoderSurrogate !== undefined) {
    // Gradient of the surrogate, value of -mean(encoder bound): s - sg(s) + sg(-mean bound).
    const s = tf.neg(tf.mean(encoderSurrogate));
    encoderLoss = tf.add(
      tf.sub(s, stopGradient(s)),
      stopGradient(tf.neg(tf.mean(encoderBound))),
    ) as tf.Scalar;
  } else {
    encoderLoss =
      encoderBound === decoderBound ? decoderLoss : (tf.neg(tf.mean(encoderBound)) as tf.Scalar);
  }
  return { encoderLoss, decoderLoss, bound, reconstruction, kl };
}
