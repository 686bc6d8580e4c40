import { powerSphericalKLToUniform, vmfKLToUniform } from '@vaekit/distributions';
import type { PosteriorHeadConfig } from '@vaekit/layers';
import { Registry } from './registry';

/** The settings of a run a latent family reads (a subset of `TrainConfig`). */
export interface LatentSettings {
  latentDim: number;
  gamma: number;
  tau: number;
  kappa: number | 'learned';
}

/** A latent family's own setting: the `TrainConfig` key, and why it exists. */
export type LatentParameter = 'gamma' | 'tau' | 'kappa';

/**
 * A latent family: the posterior `q(z|x)` a run's encoder produces and the prior it is paired
 * with. Everything the CLI, the validator, the model factory and the web app need to know
 * about a family is here; adding one is a head in `@vaekit/layers`, a spec here and a
 * `LATENT_FAMILIES.register` line.
 */
export interface LatentFamilySpec {
  /** The name users type (`--latent <name>`) and run configs store. */
  readonly name: string;
  /** A short human label for menus, e.g. `'BN-VAE (Zhu et al. 2020)'`. */
  readonly label: string;
  /** One line for `--help`. */
  readonly description: string;
  /** The paper. */
  readonly reference: string;
  /** The family's own settings; given for another family they are reported as not applying. */
  readonly parameters: readonly LatentParameter[];
  /** Latents on the unit sphere `S^{d-1}`: centres are mean directions, paths great circles. */
  readonly spherical: boolean;
  /** The KL to the prior factorises over dimensions, so free bits apply. */
  readonly factorizedKL: boolean;
  /** The smallest latent dimension the family allows. */
  readonly minLatentDim: number;
  /**
   * The posterior normalises with batch statistics in training (BN-VAE): a training batch
   * needs at least 2 examples, so an epoch whose last batch would hold one drops it.
   */
  readonly batchStatistics: boolean;
  /** The `@vaekit/layers` posterior-head configuration of a run's settings. */
  headConfig(settings: LatentSettings): PosteriorHeadConfig;
  /**
   * A floor under the expected `KL(q(z|x) || p(z))` in nats, or its constant value, when the
   * family has one: what keeps the latent code from collapsing. `undefined` when none.
   */
  klFloor(settings: LatentSettings): number | undefined;
}

/**
 * The registry of latent families, in menu order: `gaussian`, `bn`, `bn-su`, `vmf` (and those
 * registered after). The CLI's `--latent` choices and help, the validator and the web app's
 * menu are generated from it.
 *
 * @example
 * ```ts
 * LATENT_FAMILIES.get('bn').klFloor({ latentDim: 32, gamma: 0.5, tau: 0.5, kappa: 50 }); // 4
 * LATENT_FAMILIES.names(); // ['gaussian', 'bn', 'bn-su', 'vmf', ...]
 * ```
 */
export const LATENT_FAMILIES = new Registry<LatentFamilySpec>('latent family');

LATENT_FAMILIES.register({
  name: 'gaussian',
  label: 'Gaussian',
  description: 'diagonal Gaussian posterior, standard normal prior (can collapse)',
  reference: 'Kingma & Welling 2014, "Auto-Encoding Variational Bayes"',
  parameters: [],
  spherical: false,
  factorizedKL: true,
  minLatentDim: 1,
  batchStatistics: false,
  headConfig: ({ latentDim }) => ({ family: 'gaussian', latentDim }),
  klFloor: () => undefined,
});

LATENT_FAMILIES.register({
  name: 'bn',
  label: 'BN-VAE',
  description: 'batch-normalised posterior mean with fixed scale gamma: KL >= d/2 * gamma^2',
  reference: 'Zhu et al. 2020, "A Batch Normalized Inference Network Keeps the KL Vanishing Away"',
  parameters: ['gamma'],
  spherical: false,
  factorizedKL: true,
  minLatentDim: 1,
  batchStatistics: true,
  headConfig: ({ latentDim, gamma }) => ({ family: 'bn', latentDim, gamma }),
  // E_x KL >= d/2 (beta^2 + gamma^2) >= d/2 gamma^2 (the BN shift beta is learned).
  klFloor: ({ latentDim, gamma }) => (latentDim / 2) * gamma * gamma,
});

LATENT_FAMILIES.register({
  name: 'bn-su',
  label: "BN-VAE (Su's scaler)",
  description: "Su's scaler on mean and variance, tau in (0,1): KL >= d/2 * tau",
  reference: 'Su 2020, "Variational autoencoders that do not collapse" (kexue.fm/archives/7381)',
  parameters: ['tau'],
  spherical: false,
  factorizedKL: true,
  minLatentDim: 1,
  batchStatistics: true,
  headConfig: ({ latentDim, tau }) => ({ family: 'bn-su', latentDim, tau }),
  klFloor: ({ latentDim, tau }) => (latentDim / 2) * tau,
});

/**
 * A family on the unit sphere with a fixed or learned concentration and the uniform prior: its
 * KL to the prior is a constant for a fixed kappa (`klToUniform(d, kappa)`), the floor that keeps
 * the code from collapsing.
 */
function sphericalFamily(
  family: 'vmf' | 'power-spherical',
  text: Pick<LatentFamilySpec, 'label' | 'description' | 'reference'>,
  klToUniform: (dim: number, kappa: number) => number,
): LatentFamilySpec {
  return {
    name: family,
    ...text,
    parameters: ['kappa'],
    spherical: true,
    factorizedKL: false,
    minLatentDim: 2,
    batchStatistics: false,
    headConfig: ({ latentDim, kappa }) =>
      kappa === 'learned' ? { family, latentDim, learnKappa: true } : { family, latentDim, kappa },
    klFloor: ({ latentDim, kappa }) =>
      kappa === 'learned' ? undefined : klToUniform(latentDim, kappa),
  };
}

LATENT_FAMILIES.register(
  sphericalFamily(
    'vmf',
    {
      label: 'vMF',
      description:
        'von Mises-Fisher posterior, uniform prior on the sphere: constant KL for fixed kappa',
      reference:
        'Davidson et al. 2018, "Hyperspherical Variational Auto-Encoders"; Xu & Durrett 2018',
    },
    vmfKLToUniform,
  ),
);

LATENT_FAMILIES.register(
  sphericalFamily(
    'power-spherical',
    {
      label: 'Power Spherical',
      description:
        'Power Spherical posterior, uniform prior on the sphere: a fully reparameterised vMF alternative',
      reference: 'De Cao & Aziz 2020, "The Power Spherical distribution"',
    },
    powerSphericalKLToUniform,
  ),
);
