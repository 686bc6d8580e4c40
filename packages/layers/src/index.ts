export { FixedGammaBatchNorm, fixedGammaBatchNorm, type FixedGammaBatchNormArgs } from './fixed-gamma-batch-norm';
export { PosteriorScaler, posteriorScaler, type PosteriorScalerArgs } from './posterior-scaler';
export { FusedLSTM, fusedLSTM, type FusedLSTMArgs } from './fused-lstm';
