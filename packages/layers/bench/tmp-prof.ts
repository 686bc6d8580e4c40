import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { selectBackend } from '@vaekit/backend';
import { categoricalLogProb, fusedLSTM, tokenEmbedding } from '../src/index';
await selectBackend('wasm');
const [B, T, E, H, V] = [32, 20, 256, 256, 5000];
const embed = tokenEmbedding({ inputDim: V, outputDim: E, seed: 1 });
const lstm = fusedLSTM({ units: H, returnSequences: true, seed: 2 });
const out = tfl.layers.dense({ units: V });
const tokens = tf.randomUniform([B, T + 1], 4, V, 'int32', 1);
const input = tf.slice(tokens, [0, 0], [B, T]);
const target = tf.slice(tokens, [0, 1], [B, T]);
const parts = {
  embed: () => tf.sum(embed.apply(input) as tf.Tensor),
  lstm: () => tf.sum(lstm.apply(tf.randomNormal([B, T, E], 0, 1, 'float32', 1)) as tf.Tensor),
  out: () => tf.neg(tf.mean(categoricalLogProb(out.apply(tf.randomNormal([B, T, H], 0, 1, 'float32', 2)) as tf.Tensor, target))),
  all: () => tf.neg(tf.mean(categoricalLogProb(out.apply(lstm.apply(embed.apply(input))) as tf.Tensor, target))),
};
for (const [name, f] of Object.entries(parts)) {
  tf.tidy(() => { f(); });
  const vars = tf.engine().registeredVariables;
  const list = Object.values(vars).filter((v) => v.trainable) as tf.Variable[];
  const run = () => tf.tidy(() => { const { grads } = tf.variableGrads(f as () => tf.Scalar, list.filter(v => name === 'all' || v.name.includes(name === 'out' ? 'dense' : name === 'lstm' ? 'fused' : 'token'))); Object.values(grads).forEach(g => g.dataSync()); });
  run(); run();
  const t0 = performance.now();
  for (let i = 0; i < 3; i++) run();
  const ms = (performance.now() - t0) / 3;
  const prof = await tf.profile(run);
  const by: Record<string, [number, number]> = {};
  for (const k of prof.kernels) { const e = (by[k.name] ??= [0, 0]); e[0] += k.kernelTimeMs as number; e[1]++; }
  const top = Object.entries(by).sort((a, b) => b[1][0] - a[1][0]).slice(0, 8).map(([k, [t, n]]) => `${k}:${t.toFixed(0)}ms/${n}`).join(' ');
  console.log(`${name}: ${ms.toFixed(0)} ms fwd+bwd; kernels ${prof.kernels.length}; top ${top}`);
}
