import * as tf from '@tensorflow/tfjs-core';

/**
 * Run a `tf.customGrad` op whose forward pass `save`s tensors for its backward pass.
 *
 * tfjs's test-mode kernel leak check (`IS_TEST`) counts the tensors `save` keeps as leaked on
 * backends whose Identity kernel copies (wasm). The engine frees them itself after
 * backpropagation (or at once when no tape is recording), so the check is switched off for the
 * duration of this one call; real leaks are still caught by `tf.memory()` checks.
 */
export function runCustomOp<T extends tf.Tensor>(op: () => T): T {
  const env = tf.env();
  const checking = env.getBool('IS_TEST');
  if (checking) env.set('IS_TEST', false);
  try {
    return op();
  } finally {
    if (checking) env.set('IS_TEST', true);
  }
}

/** `tf.customGrad` with the loose typing these ops need (tensor arguments, then `save`). */
export function customOp(
  f: (...args: never[]) => {
    value: tf.Tensor;
    gradFunc: (dy: never, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[];
  },
) {
  return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as (
    ...args: tf.Tensor[]
  ) => tf.Tensor;
}
