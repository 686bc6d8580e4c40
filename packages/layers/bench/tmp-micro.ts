import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import { selectBackend } from '@vaekit/backend';
await selectBackend('wasm');
const x = tf.randomNormal([20, 32, 1024]);
const g = tf.randomNormal([32, 1024]);
const idx = Array.from({ length: 20 }, (_, t) => tf.scalar(t, 'int32'));
const cases: Record<string, () => void> = {
  unstack: () => tf.tidy(() => { tf.unstack(x).forEach((t) => t.dataSync); }),
  gather: () => tf.tidy(() => { for (let t = 0; t < 20; t++) tf.gather(x, idx[t]!); }),
  slice: () => tf.tidy(() => { for (let t = 0; t < 20; t++) tf.slice(x, [t, 0, 0], [1, 32, 1024]); }),
  split4: () => tf.tidy(() => { for (let t = 0; t < 20; t++) tf.split(g, 4, 1); }),
  gather4: () => tf.tidy(() => { const r = tf.reshape(g, [32, 4, 256]); for (let t = 0; t < 20; t++) for (let k = 0; k < 4; k++) tf.gather(r, idx[k]!, 1); }),
  sigmoid20: () => tf.tidy(() => { for (let t = 0; t < 20; t++) tf.sigmoid(g); }),
  matmul20: () => tf.tidy(() => { const h = tf.randomNormal([32, 256]); const u = tf.randomNormal([256, 1024]); for (let t = 0; t < 20; t++) tf.matMul(h, u); }),
};
for (let rep = 0; rep < 3; rep++) {
  const line: string[] = [];
  for (const [name, f] of Object.entries(cases)) {
    f();
    const t0 = performance.now();
    for (let i = 0; i < 5; i++) f();
    line.push(`${name} ${((performance.now() - t0) / 5).toFixed(1)}`);
  }
  console.log(line.join(' | '));
}
