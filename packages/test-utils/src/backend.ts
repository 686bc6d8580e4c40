import * as tf from '@tensorflow/tfjs-core';

/** The tfjs backend the current test file runs on. */
export function activeBackend(): string {
  return tf.getBackend();
}

/**
 * A relative tolerance suited to float32 tensor arithmetic on the active backend: all bundled
 * backends compute in float32, so results agree with float64 references to about `1e-5`
 * relative after a few operations. `scale` multiplies it for longer computations.
 */
export function tolerance(scale = 1): number {
  return 2e-5 * scale;
}
