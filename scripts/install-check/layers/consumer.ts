import * as tfl from '@tensorflow/tfjs-layers';
import { type FixedGammaBatchNormArgs, fixedGammaBatchNorm, posteriorScaler } from '@vaekit/layers';

const args: FixedGammaBatchNormArgs = { gamma: 0.5 };
export const model = tfl.sequential({
  layers: [tfl.layers.dense({ units: 4, inputShape: [6] }), fixedGammaBatchNorm(args)],
});
export const scaler = posteriorScaler({ tau: 0.5 });
