import { AdamWithClipping } from '@vaekit/backend';
import {
  type RunModel,
  type StepResult,
  createModel,
  resolveConfig,
  trainStep,
} from '@vaekit/core';
import type * as tf from '@tensorflow/tfjs-core';

export async function step(x: tf.Tensor): Promise<StepResult> {
  const config = resolveConfig({ latent: 'vmf', kappa: 20, latentDim: 3 });
  const model: RunModel = createModel(config, { kind: 'image', imageShape: [28, 28] });
  return trainStep(model, new AdamWithClipping(config.lr, config.clipNorm), x, {
    objective: 'iwae',
    k: 5,
    seed: 0,
    training: true,
    step: 1,
  });
}
