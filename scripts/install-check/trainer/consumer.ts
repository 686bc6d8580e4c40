import { type TrainConfig, resolveConfig } from '@vaekit/core';
import { type TrainResult, train } from '@vaekit/trainer';

export async function run(out: string): Promise<TrainResult> {
  const config: TrainConfig = resolveConfig({ latent: 'bn-su', tau: 0.5, maxSteps: 10 });
  return train(config, { out });
}
