import type * as tf from '@tensorflow/tfjs-core';
import { type ObjectiveOptions, iwae, miwae } from '@vaekit/objectives';

export function bounds(logWeights: tf.Tensor2D): [tf.Tensor, tf.Tensor] {
  const options: ObjectiveOptions = { objective: 'piwae', k: 8, groups: 2 };
  return [iwae(logWeights), miwae(logWeights, { groups: options.groups! })];
}
