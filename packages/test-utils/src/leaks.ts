import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/**
 * Run `fn` (sync or async) and assert it leaves no new tensors behind, apart from the ones it
 * returns (which are disposed here).
 */
export async function expectNoLeaks<T>(fn: () => T | Promise<T>): Promise<void> {
  const before = tf.memory().numTensors;
  const result = await fn();
  const returned: tf.Tensor[] = [];
  collect(result, returned);
  for (const t of returned) t.dispose();
  expect(tf.memory().numTensors, 'tensors leaked').toBe(before);
}

function collect(x: unknown, out: tf.Tensor[]): void {
  if (x instanceof tf.Tensor) out.push(x);
  else if (Array.isArray(x)) for (const y of x) collect(y, out);
  else if (x !== null && typeof x === 'object') for (const y of Object.values(x)) collect(y, out);
}
