export {
  FixedGammaBatchNorm,
  fixedGammaBatchNorm,
  type FixedGammaBatchNormArgs,
} from './fixed-gamma-batch-norm';
export { PosteriorScaler, posteriorScaler, type PosteriorScalerArgs } from './posterior-scaler';
export {
  posteriorHead,
  type PosteriorHead,
  type PosteriorFamily,
  type PosteriorHeadConfig,
  type PosteriorHeadOptions,
  type HeadApplyOptions,
} from './posterior-head';
export {
  registerPosteriorHead,
  posteriorHeadFamilies,
  type PosteriorHeadConfigs,
  type PosteriorHeadFactory,
} from './posterior-head-registry';
export {
  createPrior,
  registerPrior,
  priorKinds,
  priorSupport,
  type LatentSupport,
  type PriorConfig,
  type PriorConfigs,
  type PriorKind,
  type PriorRegistration,
  type StandardNormalPriorConfig,
  type HypersphericalUniformPriorConfig,
} from './priors';
export { GaussianHead, gaussianHead, type GaussianHeadConfig } from './gaussian-head';
export { BNGaussianHead, bnGaussianHead, type BNGaussianHeadConfig } from './bn-gaussian-head';
export {
  BNSuGaussianHead,
  bnSuGaussianHead,
  type BNSuGaussianHeadConfig,
} from './bn-su-gaussian-head';
export { VMFHead, vmfHead, type VMFHeadConfig } from './vmf-head';
export {
  PowerSphericalHead,
  powerSphericalHead,
  type PowerSphericalHeadConfig,
} from './power-spherical-head';
export { FusedLSTM, fusedLSTM, type FusedLSTMArgs } from './fused-lstm';
export { TokenEmbedding, tokenEmbedding, type TokenEmbeddingArgs } from './token-embedding';
export { BernoulliLikelihood, GaussianLikelihood } from './image-likelihoods';
export { MLPEncoder, type MLPEncoderConfig, type MLPActivation } from './mlp-encoder';
export { MLPDecoder, type MLPDecoderConfig } from './mlp-decoder';
export type { Likelihood, LatentVariableModel, ModelCallOptions } from './latent-variable-model';
export { ImageVAE, type ImageVAEConfig } from './image-vae';
export { LSTMTextEncoder, type LSTMTextEncoderConfig } from './lstm-text-encoder';
export {
  LSTMTextDecoder,
  TokenLikelihood,
  type LSTMTextDecoderConfig,
  type TokenSampleOptions,
} from './lstm-text-decoder';
export { generateTokens, type GenerateOptions, type TextStepModel } from './text-generation';
export { TextVAE, type TextVAEConfig } from './text-vae';
export { SPECIAL_TOKENS, SPECIAL_TOKEN_NAMES } from './special-tokens';
