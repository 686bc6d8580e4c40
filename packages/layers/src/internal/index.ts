/**
 * `@vaekit/layers/internal`: the building blocks the public layers and models are made of, for
 * code that extends them (a new posterior family, a custom text decoder, tools that migrate
 * stored configs). Not covered by semantic versioning: names and signatures may change in any
 * release. Everything a model user needs is in `@vaekit/layers`.
 */
export { bernoulliLogProb } from '../bernoulli-log-prob';
export { categoricalLogProb, type CategoricalLogProbOptions } from '../categorical-log-prob';
export { embeddingLookup } from '../token-embedding';
export { nonPadRows, nonPadTokenLogProb } from './non-pad-token-log-prob';
export { wordDropout, type WordDropoutOptions } from '../word-dropout';
export { HeadBase } from './head-base';
export { SphericalHeadBase, type SphericalHeadSettings } from './spherical-head';
export { OwnedDiagonalNormal } from './owned-normal';
export { LEGACY_POSTERIOR_FAMILIES, migrateVAEConfig } from './migrate-config';
