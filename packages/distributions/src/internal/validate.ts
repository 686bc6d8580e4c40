import * as tf from '@tensorflow/tfjs-core';

/** Throw an Error naming `name` and `expected` unless `ok`. */
export function check(ok: boolean, name: string, expected: string, got: unknown): void {
  if (!ok) {
    throw new Error(`${name} must be ${expected}, got ${describe(got)}`);
  }
}

function describe(x: unknown): string {
  if (Array.isArray(x)) return `[${x.join(', ')}]`;
  return String(x);
}

/**
 * Whether tfjs is recording operations for a gradient: inside `tf.grad`, `tf.grads`,
 * `tf.valueAndGrad(s)`, `tf.variableGrads` or `optimizer.minimize`. Tensors built there are
 * (usually) the outputs of a network being trained, so their values are not read back to be
 * checked: a read would stall the pipeline on GPU backends at every step.
 */
export function recordingGradient(): boolean {
  return tf.engine().isTapeOn();
}

/**
 * {@link check} every element of `tensor` against `ok` (a `dataSync` read), reporting the first
 * bad value and its flat index; nothing is read or checked while a gradient is being recorded
 * (see {@link recordingGradient}).
 */
export function checkValues(
  tensor: tf.Tensor,
  name: string,
  expected: string,
  ok: (value: number, index: number) => boolean,
): void {
  if (recordingGradient()) return;
  const values = tensor.dataSync();
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!ok(v, i)) check(false, name, expected, tensor.size === 1 ? v : `${v} (element ${i})`);
  }
}
