import type * as tf from '@tensorflow/tfjs-core';
import { type Distribution, klDivergence } from '@vaekit/distributions';

/** `klDivergence(q, p)` when a closed form is registered for the pair, else `undefined`. */
export function tryAnalyticKL(q: Distribution, p: Distribution): tf.Tensor | undefined {
  try {
    return klDivergence(q, p);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('No KL divergence registered')) {
      return undefined;
    }
    throw error;
  }
}
