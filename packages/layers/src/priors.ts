import { type Distribution, HypersphericalUniform, StandardNormal } from '@vaekit/distributions';
import { check } from './internal/validate';

/**
 * Where a latent variable lives: `'euclidean'` (`R^d`: Gaussian posteriors and priors) or
 * `'sphere'` (the unit sphere `S^{d-1}` in `R^d`: von Mises-Fisher posteriors, the uniform
 * prior). A VAE's prior must have the support of its posterior, or `KL(q || p)` is infinite.
 *
 * ```
 * euclidean:  z in R^d          sphere:  z in S^{d-1} = { z in R^d : ||z|| = 1 }
 * ```
 * Reference: Davidson et al. 2018, "Hyperspherical Variational Auto-Encoders" (UAI).
 *
 * @example
 * ```ts
 * const support: LatentSupport = posteriorHead({ family: 'vmf', latentDim: 8 }).support; // 'sphere'
 * ```
 */
export type LatentSupport = 'euclidean' | 'sphere';

/** JSON configuration of the standard normal prior `N(0, I_d)` on `R^d`. */
export interface StandardNormalPriorConfig {
  kind: 'standard-normal';
}

/** JSON configuration of the uniform prior on the unit sphere `S^{d-1}`. */
export interface HypersphericalUniformPriorConfig {
  kind: 'hyperspherical-uniform';
}

/**
 * The JSON configuration of each prior, by kind. A prior added with {@link registerPrior}
 * outside this package declares its config type here by interface merging:
 * ```ts
 * declare module '@vaekit/layers' {
 *   interface PriorConfigs { 'wide-normal': { kind: 'wide-normal'; scale: number } }
 * }
 * ```
 */
export interface PriorConfigs {
  'standard-normal': StandardNormalPriorConfig;
  'hyperspherical-uniform': HypersphericalUniformPriorConfig;
}

/** The prior kinds: `'standard-normal' | 'hyperspherical-uniform'` and any registered since. */
export type PriorKind = keyof PriorConfigs;

/** The JSON configuration of a prior `p(z)` (what `ImageVAEConfig.prior` and a saved model store). */
export type PriorConfig = PriorConfigs[PriorKind];

/** What {@link registerPrior} stores for one prior kind. */
export interface PriorRegistration<K extends PriorKind = PriorKind> {
  /** Where the prior's samples live; a VAE accepts the prior only for a posterior of this support. */
  support: LatentSupport;
  /**
   * Build `p(z)` over latents of dimension `latentDim`: batch shape `[]`, event shape
   * `[latentDim]`; the distribution owns its tensors (`dispose()` frees them).
   */
  create(config: PriorConfigs[K], latentDim: number): Distribution;
}

const registry = new Map<string, PriorRegistration>();

/**
 * Register a prior kind, so that {@link createPrior} and the VAE configs (`prior: { kind, ... }`)
 * accept it.
 *
 * ```
 * registerPrior(kind, { support, create });   createPrior({ kind, ... }, d) = create({ kind, ... }, d)
 * ```
 * The built-in kinds (`standard-normal`, `hyperspherical-uniform`) are registered at the bottom
 * of this file, one call each.
 *
 * Reference: the registry pattern of TensorFlow Probability's KL registry
 * (`tfp.distributions.RegisterKL`), applied to priors; learned priors such as the VampPrior
 * (Tomczak & Welling 2018) are what it opens the way to.
 *
 * @throws Error if `kind` is not a non-empty string or is already registered, or the
 * registration has no valid `support` or `create`.
 * @example
 * ```ts
 * registerPrior('wide-normal', {
 *   support: 'euclidean',
 *   create: (config, latentDim) => new WideNormal(latentDim, config.scale),
 * });
 * new ImageVAE({ inputDim: 784, head: { family: 'gaussian', latentDim: 8 }, prior: { kind: 'wide-normal', scale: 3 } });
 * ```
 */
export function registerPrior<K extends PriorKind>(
  kind: K,
  registration: PriorRegistration<K>,
): void {
  check(
    typeof kind === 'string' && kind.length > 0,
    'registerPrior kind',
    'a non-empty string',
    kind,
  );
  check(
    !registry.has(kind),
    'registerPrior kind',
    `a kind not registered yet (registered: ${quoted(priorKinds())})`,
    `'${kind}'`,
  );
  check(
    registration?.support === 'euclidean' || registration?.support === 'sphere',
    'registerPrior support',
    "'euclidean' or 'sphere'",
    registration?.support,
  );
  check(
    typeof registration.create === 'function',
    'registerPrior create',
    'a function (config, latentDim) => Distribution',
    typeof registration.create,
  );
  registry.set(kind, registration as unknown as PriorRegistration);
}

/**
 * The registered prior kinds, in registration order: `['standard-normal',
 * 'hyperspherical-uniform']` and any added with {@link registerPrior}.
 *
 * ```
 * priorKinds() = [kind of each registerPrior call]
 * ```
 * Reference: Kingma & Welling 2014 (`standard-normal`); Davidson et al. 2018
 * (`hyperspherical-uniform`).
 *
 * @example
 * ```ts
 * priorKinds(); // ['standard-normal', 'hyperspherical-uniform']
 * ```
 */
export function priorKinds(): PriorKind[] {
  return [...registry.keys()] as PriorKind[];
}

/**
 * The support of a prior config's kind: `'euclidean'` for `standard-normal`, `'sphere'` for
 * `hyperspherical-uniform`.
 *
 * ```
 * priorSupport({ kind }) = support registered for kind
 * ```
 * Reference: Davidson et al. 2018, "Hyperspherical Variational Auto-Encoders".
 *
 * @throws Error naming the registered kinds for an unknown `kind`.
 * @example
 * ```ts
 * priorSupport({ kind: 'hyperspherical-uniform' }); // 'sphere'
 * ```
 */
export function priorSupport(config: PriorConfig): LatentSupport {
  return registrationOf(config).support;
}

/**
 * Build the prior `p(z)` a JSON config describes, over latents of dimension `latentDim`: batch
 * shape `[]`, event shape `[latentDim]`, owning its tensors.
 *
 * ```
 * standard-normal:         p(z) = N(0, I_d)                       on R^d
 * hyperspherical-uniform:  p(z) = 1 / |S^{d-1}|,  |S^{d-1}| = 2 pi^{d/2} / Gamma(d/2)   on S^{d-1}  (d >= 2)
 * ```
 * References: Kingma & Welling 2014, "Auto-Encoding Variational Bayes" (standard normal);
 * Davidson et al. 2018, "Hyperspherical Variational Auto-Encoders" (uniform on the sphere).
 *
 * @throws Error naming the registered kinds for an unknown `kind`, or the distribution's own
 * error for a bad `latentDim`.
 * @example
 * ```ts
 * const p = createPrior({ kind: 'standard-normal' }, 16);  // StandardNormal, event [16]
 * const u = createPrior({ kind: 'hyperspherical-uniform' }, 3);
 * klDivergence(q, p);
 * p.dispose();
 * ```
 */
export function createPrior(config: PriorConfig, latentDim: number): Distribution {
  return registrationOf(config).create(config, latentDim);
}

function registrationOf(config: PriorConfig): PriorRegistration {
  const kind =
    typeof config === 'object' && config !== null ? (config as { kind?: unknown }).kind : undefined;
  const registration = typeof kind === 'string' ? registry.get(kind) : undefined;
  check(
    registration !== undefined,
    'prior kind',
    `one of ${quoted(priorKinds())}`,
    typeof config === 'object' && config !== null ? `'${kind}'` : config,
  );
  return registration!;
}

function quoted(names: readonly string[]): string {
  return names.map((n) => `'${n}'`).join(', ');
}

// The built-in priors: one call each.
registerPrior('standard-normal', {
  support: 'euclidean',
  create: (_config, latentDim) => new StandardNormal({ dim: latentDim }),
});
registerPrior('hyperspherical-uniform', {
  support: 'sphere',
  create: (_config, latentDim) => new HypersphericalUniform({ dim: latentDim }),
});
