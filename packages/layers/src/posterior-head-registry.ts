import { BNGaussianHead, type BNGaussianHeadConfig } from './bn-gaussian-head';
import { BNSuGaussianHead, type BNSuGaussianHeadConfig } from './bn-su-gaussian-head';
import { GaussianHead, type GaussianHeadConfig } from './gaussian-head';
import { check } from './internal/validate';
import type { PosteriorFamily, PosteriorHead, PosteriorHeadOptions } from './posterior-head';
import { PowerSphericalHead, type PowerSphericalHeadConfig } from './power-spherical-head';
import { VMFHead, type VMFHeadConfig } from './vmf-head';

/**
 * The JSON configuration of each latent family, by family name: `gaussian`, `bn` (BN-VAE), `bn-su`
 * (Su's BN-VAE) and `vmf`. The family names are the user-facing latent kinds (the trainer's
 * `latent` setting and the CLI's `--latent`).
 *
 * A family of this package adds its config here and its {@link registerPosteriorHead} line at
 * the bottom of this file. A family added outside this package declares its config type by
 * interface merging, so that {@link PosteriorHeadConfig} and the VAE configs accept it:
 * ```ts
 * declare module '@vaekit/layers' {
 *   interface PosteriorHeadConfigs { laplace: { family: 'laplace'; latentDim: number } }
 * }
 * ```
 */
export interface PosteriorHeadConfigs {
  gaussian: GaussianHeadConfig;
  bn: BNGaussianHeadConfig;
  'bn-su': BNSuGaussianHeadConfig;
  vmf: VMFHeadConfig;
  'power-spherical': PowerSphericalHeadConfig;
}

/**
 * Builds the posterior head of one latent family from its JSON config (`family` included) and
 * the naming/seeding options; what {@link registerPosteriorHead} stores.
 *
 * ```
 * factory({ family, latentDim, ...settings }, { name, seed }) -> PosteriorHead with q(z|x) of that family
 * ```
 * Reference: Kingma & Welling 2014, "Auto-Encoding Variational Bayes" (the amortised posterior).
 *
 * @example
 * ```ts
 * const factory: PosteriorHeadFactory<'vmf'> = (config, options) => new VMFHead(config, options);
 * ```
 */
export type PosteriorHeadFactory<F extends PosteriorFamily = PosteriorFamily> = (
  config: PosteriorHeadConfigs[F],
  options: PosteriorHeadOptions,
) => PosteriorHead;

/** The factories by family, in registration order. */
const factories = new Map<string, PosteriorHeadFactory>();

/**
 * Register the factory of a latent family, so that {@link posteriorHead}, `ImageVAE`, `TextVAE`
 * and saved models accept `{ family, ... }` configs of it.
 *
 * ```
 * registerPosteriorHead(family, factory);   posteriorHead({ family, ... }) = factory({ family, ... }, options)
 * ```
 * A family outside this package also declares its config type in {@link PosteriorHeadConfigs}
 * (interface merging) to be accepted by the typed configs. The built-in families (`gaussian`,
 * `bn`, `bn-su`, `vmf`) are registered at the bottom of this file, one line each.
 *
 * Reference: the registry pattern of TensorFlow Probability's KL registry
 * (`tfp.distributions.RegisterKL`), applied to posterior families.
 *
 * @throws Error if `family` is not a non-empty string, is already registered, or `factory` is
 * not a function.
 * @example
 * ```ts
 * registerPosteriorHead('laplace', (config, options) => new LaplaceHead(config, options));
 * posteriorHead({ family: 'laplace', latentDim: 8 });
 * ```
 */
export function registerPosteriorHead<F extends PosteriorFamily>(
  family: F,
  factory: PosteriorHeadFactory<F>,
): void {
  check(
    typeof family === 'string' && family.length > 0,
    'registerPosteriorHead family',
    'a non-empty string',
    family,
  );
  check(
    !factories.has(family),
    'registerPosteriorHead family',
    `a family not registered yet (registered: ${posteriorHeadFamilies()
      .map((f) => `'${f}'`)
      .join(', ')})`,
    `'${family}'`,
  );
  check(
    typeof factory === 'function',
    'registerPosteriorHead factory',
    'a function (config, options) => PosteriorHead',
    typeof factory,
  );
  factories.set(family, factory as unknown as PosteriorHeadFactory);
}

/**
 * The registered latent families, in registration order: `['gaussian', 'bn', 'bn-su', 'vmf']`
 * and any added with {@link registerPosteriorHead}.
 *
 * ```
 * posteriorHeadFamilies() = [family of each registerPosteriorHead call]
 * ```
 * Reference: Zhu et al. 2020 (BN-VAE, `bn`); Su 2020, kexue.fm 7381 (`bn-su`); Davidson et al.
 * 2018 (`vmf`); Kingma & Welling 2014 (`gaussian`).
 *
 * @example
 * ```ts
 * posteriorHeadFamilies(); // ['gaussian', 'bn', 'bn-su', 'vmf']
 * ```
 */
export function posteriorHeadFamilies(): PosteriorFamily[] {
  return [...factories.keys()] as PosteriorFamily[];
}

/** The factory registered for `family`, or undefined. */
export function posteriorHeadFactory(family: string): PosteriorHeadFactory | undefined {
  return factories.get(family);
}

// The built-in families: one line each (and one entry each in PosteriorHeadConfigs above).
registerPosteriorHead('gaussian', (config, options) => new GaussianHead(config, options));
registerPosteriorHead('bn', (config, options) => new BNGaussianHead(config, options));
registerPosteriorHead('bn-su', (config, options) => new BNSuGaussianHead(config, options));
registerPosteriorHead('vmf', (config, options) => new VMFHead(config, options));
registerPosteriorHead(
  'power-spherical',
  (config, options) => new PowerSphericalHead(config, options),
);
