export { Distribution, type SampleOptions } from './distribution';
export {
  DiagonalNormal,
  type DiagonalNormalArgs,
  klDiagonalNormalDiagonalNormal,
} from './diagonal-normal';
export {
  StandardNormal,
  type StandardNormalArgs,
  klDiagonalNormalStandardNormal,
} from './standard-normal';
export { hasKL, klDivergence, registerKL } from './kl';
export type { LatentVariableModel, Likelihood, ModelCallOptions } from './latent-variable-model';
export {
  VonMisesFisher,
  type VonMisesFisherArgs,
  type VonMisesFisherSampler,
  klVonMisesFisherHypersphericalUniform,
} from './von-mises-fisher';
export {
  HypersphericalUniform,
  type HypersphericalUniformArgs,
  klHypersphericalUniformHypersphericalUniform,
} from './hyperspherical-uniform';
export {
  PowerSpherical,
  type PowerSphericalArgs,
  klPowerSphericalHypersphericalUniform,
} from './power-spherical';

// Double-precision special functions (plain numbers in and out).
export { logGamma } from './special/log-gamma';
export { logSphereSurfaceArea } from './special/log-sphere-surface-area';
export { logBesselI } from './special/log-bessel-i';
export { besselIRatio } from './special/bessel-i-ratio';
export { vmfMeanResultantLength } from './special/vmf-mean-resultant-length';
export { vmfLogNormalizer } from './special/vmf-log-normalizer';
export { vmfEntropy } from './special/vmf-entropy';
export { vmfKLToUniform } from './special/vmf-kl-to-uniform';
export { powerSphericalKLToUniform } from './special/power-spherical-kl-to-uniform';

// The same in float32 tensors, differentiable in kappa, for use inside graphs.
export {
  logBesselITensor,
  vmfMeanResultantLengthTensor,
  vmfLogNormalizerTensor,
  vmfKLToUniformTensor,
  vmfEntropyTensor,
} from './special/tensor';
