/**
 * LSTM layer alone on wasm: forward and forward+backward time of FusedLSTM against
 * tf.layers.lstm (same sizes as bench/text-vae.ts), and of the 5000-way output layer with
 * categoricalLogProb. Prints min and median milliseconds.
 *
 *   T=60 node --conditions=@vaekit/source --import tsx bench/lstm.ts
 *
 * Environment: T (tokens, default 20), REPS (default 3), NOFIX=1 (wasm without the matmul fix),
 * BK=cpu, PROF=<case,...> (per-kernel profile of the named cases).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { selectBackend } from '@vaekit/backend';
import { fusedLSTM } from '../src/index';
import { categoricalLogProb } from '../src/internal/index';
if (process.env.NOFIX === '1') {
  await import('@tensorflow/tfjs-backend-wasm');
  await tf.setBackend('wasm');
  await tf.ready();
} else await selectBackend(process.env.BK ?? 'wasm');
tf.env().set('PROD', true);
const [B, T, E, H, V] = [32, Number(process.env.T ?? 20), 256, 256, 5000];
const x = tf.randomNormal([B, T, E], 0, 1, 'float32', 1);
const w = tf.randomNormal([B, T, H], 0, 1, 'float32', 2);
const fused = fusedLSTM({ units: H, returnSequences: true, seed: 2 });
const base = tfl.layers.lstm({
  units: H,
  returnSequences: true,
  recurrentActivation: 'sigmoid',
  recurrentInitializer: 'glorotUniform',
});
const out = tfl.layers.dense({ units: V });
const hIn = tf.randomNormal([B * T, H], 0, 1, 'float32', 3);
const target = tf.randomUniform([B * T], 0, V, 'int32', 4);
tf.tidy(() => {
  fused.apply(x);
  base.apply(x);
  out.apply(hIn);
});
const vars = (l: tfl.layers.Layer) => l.trainableWeights.map((v) => v.read() as tf.Variable);
const cases: Record<string, () => void> = {
  'fused fwd': () =>
    tf.tidy(() => {
      (fused.apply(x) as tf.Tensor).dataSync();
    }),
  'tfl fwd': () =>
    tf.tidy(() => {
      (base.apply(x) as tf.Tensor).dataSync();
    }),
  'fused fwd+bwd': () =>
    tf.tidy(() => {
      Object.values(
        tf.variableGrads(
          () => tf.sum(tf.mul(fused.apply(x) as tf.Tensor, w)) as tf.Scalar,
          vars(fused),
        ).grads,
      ).forEach((g) => {
        g.dataSync();
      });
    }),
  'tfl fwd+bwd': () =>
    tf.tidy(() => {
      Object.values(
        tf.variableGrads(
          () => tf.sum(tf.mul(base.apply(x) as tf.Tensor, w)) as tf.Scalar,
          vars(base),
        ).grads,
      ).forEach((g) => {
        g.dataSync();
      });
    }),
  'output+CE fwd+bwd': () =>
    tf.tidy(() => {
      Object.values(
        tf.variableGrads(
          () =>
            tf.neg(tf.mean(categoricalLogProb(out.apply(hIn) as tf.Tensor, target))) as tf.Scalar,
          vars(out),
        ).grads,
      ).forEach((g) => {
        g.dataSync();
      });
    }),
};
const reps = Number(process.env.REPS ?? 3);
const acc: Record<string, number[]> = {};
for (let rep = 0; rep < reps; rep++) {
  for (const [name, f] of Object.entries(cases)) {
    f();
    const t0 = performance.now();
    f();
    f();
    acc[name] = [...(acc[name] ?? []), (performance.now() - t0) / 2];
  }
}
for (const [name, ts] of Object.entries(acc))
  console.log(
    `${name.padEnd(20)} min ${Math.min(...ts).toFixed(0)} ms  median ${ts.sort((a, b) => a - b)[Math.floor(ts.length / 2)]!.toFixed(0)} ms`,
  );
for (const name of (process.env.PROF ?? '').split(',').filter(Boolean)) {
  const prof = await tf.profile(cases[name]!);
  const by: Record<string, [number, number]> = {};
  let total = 0;
  for (const k of prof.kernels) {
    if (k.name.includes('scope') || k.name.endsWith('__op')) continue;
    const e = by[k.name] ?? [0, 0];
    by[k.name] = e;
    e[0] += k.kernelTimeMs as number;
    e[1]++;
    total += k.kernelTimeMs as number;
  }
  const top = Object.entries(by)
    .sort((a, b) => b[1][0] - a[1][0])
    .slice(0, 9)
    .map(([k, [t, n]]) => `${k}:${t.toFixed(1)}/${n}`)
    .join(' ');
  console.log(`${name}: kernels ${prof.kernels.length} total ${total.toFixed(0)}ms; ${top}`);
}
