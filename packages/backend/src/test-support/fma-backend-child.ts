/**
 * For wasm-fma-gemm.test.ts, in a process of its own: activate the backend named by argv[2],
 * take the gradient of a small two-layer network's loss, and print the backend, its fixes, the
 * loss and the first layer's gradient as JSON.
 */
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../select-backend';
import { registeredWasmKernelFixes } from '../wasm-kernel-fixes';

tf.env().set('PROD', true);
const { choice } = await selectBackend(process.argv[2] ?? 'wasm');
/** Values in [-0.5, 0.5) from a fixed linear congruential sequence (this file cannot import vitest). */
function random(shape: number[], seed: number): tf.Tensor {
  let state = seed;
  const values = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  });
  return tf.tensor(values, shape);
}
const x = random([64, 200], 1);
const w1 = tf.variable(random([200, 96], 2));
const w2 = tf.variable(random([96, 10], 3));
const bias = random([96], 4);
const { value, grads } = tf.variableGrads(() => {
  const h = tf.fused.matMul({ a: x, b: w1, bias, activation: 'relu' });
  return tf.mean(tf.square(tf.matMul(h, w2))) as tf.Scalar;
});
process.stdout.write(
  JSON.stringify({
    choice,
    fixes: registeredWasmKernelFixes(),
    loss: value.dataSync()[0],
    grad: Array.from(grads[w1.name]!.dataSync()),
  }),
);
