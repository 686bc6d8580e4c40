import type { PosteriorHead } from '../posterior-head';
import { type LatentSupport, type PriorConfig, priorKinds, priorSupport } from '../priors';
import { check } from './validate';

const SPACES: Record<LatentSupport, string> = {
  euclidean: 'Euclidean space R^d',
  sphere: 'the unit sphere S^{d-1}',
};

/**
 * The prior config a VAE uses with `head`: `config` when given, else the head family's default;
 * refused (naming the prior, the posterior family and the priors that fit) unless the prior's
 * support is the posterior's.
 */
export function resolvePrior(
  owner: string,
  head: PosteriorHead,
  config: PriorConfig | undefined,
): PriorConfig {
  const prior = config ?? head.defaultPrior;
  const support = priorSupport(prior); // names the valid kinds for an unknown one
  const fitting = priorKinds().filter(
    (kind) => priorSupport({ kind } as PriorConfig) === head.support,
  );
  check(
    support === head.support,
    `${owner} prior`,
    `a prior on ${SPACES[head.support]}, the support of the '${head.config.family}' posterior (${fitting
      .map((k) => `'${k}'`)
      .join(', ')})`,
    `'${prior.kind}', a prior on ${SPACES[support]}`,
  );
  return { ...prior };
}
