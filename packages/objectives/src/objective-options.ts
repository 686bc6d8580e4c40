import { check, checkNonNegative, checkPositiveInteger } from './internal/validate';
import { type ObjectiveKind, objectiveSpec } from './objective-registry';

/**
 * The encoder's gradient estimator: `reparameterized` (the pathwise gradient of the bound
 * itself) or `dreg` (Tucker et al. 2018's doubly reparameterised gradient).
 */
export type GradientEstimator = 'reparameterized' | 'dreg';

/** The gradient estimators, in a fixed order. */
export const GRADIENT_ESTIMATORS: readonly GradientEstimator[] = ['reparameterized', 'dreg'];

/**
 * Options of {@link modelObjective} and {@link objectiveGradients}. One flat record so a trainer
 * can pass its configuration through; the fields that apply depend on `objective`.
 */
export interface ObjectiveOptions {
  /**
   * Which bound: `elbo`, `iwae`, `miwae`, `ciwae` or `piwae` (see {@link OBJECTIVES}), or the
   * name of one added with {@link registerObjective}.
   */
  objective: ObjectiveKind | (string & {});
  /**
   * Importance samples per example, all of them: `K` (= M * k for miwae and piwae). Default 1
   * for `elbo`; required (a positive integer) for the others.
   */
  k?: number;
  /** Groups `M` (miwae, piwae): a positive integer dividing `k`. Required for those two. */
  groups?: number;
  /** CIWAE mixing weight in [0, 1] (ciwae only, required there): 1 is the ELBO, 0 is IWAE_K. */
  beta?: number;
  /** The encoder's gradient estimator (default `reparameterized`). */
  gradientEstimator?: GradientEstimator;
  /**
   * ELBO only: how the KL term is computed. `analytic` uses `klDivergence(q, prior)`;
   * `sampled` uses the log-weights (`log q(z|x) - log p(z)` at the draws); `auto` (default)
   * is analytic when a closed form is registered for the pair and the estimator is
   * `reparameterized`, sampled otherwise.
   */
  kl?: 'auto' | 'analytic' | 'sampled';
  /** ELBO only: the weight `beta` on the KL term (beta-VAE, KL annealing); default 1. */
  klWeight?: number;
  /**
   * ELBO only: the free-bits floor `lambda` in nats per latent dimension (default 0: off).
   * Needs an analytic, per-dimension KL (a diagonal Gaussian posterior and prior).
   */
  freeBits?: number;
  /** Seed of the posterior draws: the same seed on the same backend gives the same draws. */
  seed?: number;
  /** Passed to the model's `encode` and `decode`. */
  training?: boolean;
}

/** {@link ObjectiveOptions} with every default filled in and every field checked. */
export interface ResolvedObjectiveOptions {
  objective: ObjectiveKind | (string & {});
  k: number;
  groups: number;
  beta: number;
  gradientEstimator: GradientEstimator;
  kl: 'auto' | 'analytic' | 'sampled';
  klWeight: number;
  freeBits: number;
  seed: number | undefined;
  training: boolean | undefined;
}

/**
 * Check {@link ObjectiveOptions} and fill in the defaults; throws an Error naming the first bad
 * field and its valid range or choices.
 *
 * @example
 * ```ts
 * resolveObjectiveOptions({ objective: 'miwae', k: 8, groups: 3 });
 * // Error: groups must be a positive integer dividing the number of samples K = 8, got 3
 * ```
 */
export function resolveObjectiveOptions(options: ObjectiveOptions): ResolvedObjectiveOptions {
  check(
    options !== null && typeof options === 'object',
    'options',
    'an object with at least { objective }',
    options,
  );
  const { objective } = options;
  // Throws "objective must be one of ..." naming every registered objective.
  const spec = objectiveSpec(objective);
  const k = options.k ?? spec.defaultK;
  check(
    typeof k === 'number' && Number.isInteger(k) && k >= 1,
    'k',
    `a positive integer (the number of importance samples K${spec.defaultK === undefined ? `, required for objective '${objective}'` : ''})`,
    k,
  );
  const kk = k as number;
  // The objective's own checks (groups for miwae and piwae, beta for ciwae, ...).
  spec.validate?.(options, kk);
  const groups = spec.uses.includes('groups') ? (options.groups as number) : 1;
  const beta = spec.uses.includes('beta') ? (options.beta as number) : 0;
  const gradientEstimator = options.gradientEstimator ?? 'reparameterized';
  check(
    GRADIENT_ESTIMATORS.includes(gradientEstimator),
    'gradientEstimator',
    `one of ${GRADIENT_ESTIMATORS.join(', ')}`,
    gradientEstimator,
  );
  const kl = options.kl ?? 'auto';
  check(['auto', 'analytic', 'sampled'].includes(kl), 'kl', 'one of auto, analytic, sampled', kl);
  const klWeight = checkNonNegative(options.klWeight ?? 1, 'klWeight');
  const freeBits = checkNonNegative(options.freeBits ?? 0, 'freeBits');
  if (!(['klWeight', 'freeBits', 'kl'] as const).every((name) => spec.uses.includes(name))) {
    check(
      klWeight === 1 && freeBits === 0 && kl === 'auto',
      'klWeight, freeBits and kl',
      `left at their defaults (1, 0, auto) for objective '${objective}': they apply to 'elbo' only`,
      `klWeight ${klWeight}, freeBits ${freeBits}, kl ${kl}`,
    );
  }
  if (freeBits > 0) {
    check(
      kl !== 'sampled',
      'kl',
      "'auto' or 'analytic' with freeBits > 0 (free bits needs the analytic KL)",
      kl,
    );
  }
  if (gradientEstimator === 'dreg') {
    check(
      spec.dregSurrogate !== undefined,
      'gradientEstimator',
      `'reparameterized' for objective '${objective}' (it defines no DReG surrogate)`,
      gradientEstimator,
    );
    check(
      kl !== 'analytic',
      'kl',
      "'auto' or 'sampled' with gradientEstimator 'dreg' (DReG differentiates the log-weights at the draws)",
      kl,
    );
    check(
      freeBits === 0,
      'freeBits',
      "0 with gradientEstimator 'dreg' (free bits needs the analytic KL)",
      freeBits,
    );
  }
  if (options.seed !== undefined) {
    check(Number.isInteger(options.seed), 'seed', 'an integer', options.seed);
  }
  checkPositiveInteger(kk, 'k');
  return {
    objective,
    k: kk,
    groups,
    beta,
    gradientEstimator,
    kl,
    klWeight,
    freeBits,
    seed: options.seed,
    training: options.training,
  };
}

/**
 * Whether the objective gives both networks the same loss, so one backward pass serves both:
 * a reparameterised objective whose spec has no separate `encoderBound` (every one but PIWAE).
 */
export function sharesOneLoss(options: ResolvedObjectiveOptions): boolean {
  return (
    options.gradientEstimator === 'reparameterized' &&
    objectiveSpec(options.objective).encoderBound === undefined
  );
}
