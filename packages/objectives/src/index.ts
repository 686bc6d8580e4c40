export { logMeanExp } from './log-mean-exp';
export { elbo } from './bounds/elbo';
export { iwae } from './bounds/iwae';
export { miwae, type MiwaeOptions } from './bounds/miwae';
export { ciwae, type CiwaeOptions } from './bounds/ciwae';
export { piwae, type PiwaeOptions, type PiwaeBounds } from './bounds/piwae';
export type { LatentVariableModel, Likelihood, ModelCallOptions } from './model';
export { importanceLogWeights, type LogWeightsOptions } from './log-weights';
export {
  GRADIENT_ESTIMATORS,
  resolveObjectiveOptions,
  type GradientEstimator,
  type ObjectiveOptions,
  type ResolvedObjectiveOptions,
} from './objective-options';
export type {
  DregTerms,
  ObjectiveOptionName,
  ObjectiveSpec,
  ObjectiveTerms,
} from './objective-spec';
export {
  OBJECTIVES,
  OBJECTIVE_KINDS,
  objectiveNames,
  objectiveSpec,
  registerObjective,
  type ObjectiveKind,
} from './objective-registry';
export { dregIwaeSurrogate } from './dreg-surrogate';
export { modelObjective, type ObjectiveResult } from './model-objective';
export {
  disposeObjectiveGradients,
  objectiveGradients,
  type ObjectiveGradients,
  type ObjectiveVariables,
} from './objective-gradients';
export {
  cyclicalKLAnnealing,
  linearKLAnnealing,
  parseKLSchedule,
  type CyclicalKLAnnealingOptions,
  type KLSchedule,
  type LinearKLAnnealingOptions,
} from './kl-schedule';
export { freeBitsKL } from './free-bits';
export { perDimensionKL } from './per-dimension-kl';
export {
  importanceSampledNLL,
  NLL_SAMPLES_IMAGES,
  NLL_SAMPLES_TEXT,
  type ImportanceSampledNLLOptions,
} from './metrics/nll';
export { klToPrior, type KLToPriorOptions } from './metrics/kl-to-prior';
export { mutualInformation, type MutualInformationOptions } from './metrics/mutual-information';
export {
  activeUnits,
  posteriorMean,
  type ActiveUnitsOptions,
  type ActiveUnitsResult,
} from './metrics/active-units';
export { perplexity } from './metrics/perplexity';
export {
  gradientSNR,
  objectiveGradientSNR,
  type GradientSNROptions,
  type GradientSNRSummary,
  type ObjectiveGradientSNROptions,
} from './metrics/gradient-snr';
