/**
 * Training-throughput benchmark (tokens/s) for LSTM text models on a tfjs backend.
 *
 *   node --conditions=@vaekit/source --import tsx bench/text-vae.ts
 *
 * Environment:
 *   BENCH_BACKEND=wasm|cpu        backend (default wasm)
 *   VAEKIT_NO_MATMUL_FIX=1        wasm without @vaekit/backend's kernel fixes (transposed matmul,
 *                                 slicing, gather): tf.setBackend('wasm') directly instead
 *                                 of selectBackend
 *   BENCH_STEPS=20                timed steps per model (after BENCH_WARMUP=3 warm-up steps)
 *   BENCH_BASELINE_STEPS=5        timed steps for the (slow) tfjs-layers LSTM baseline
 *   BENCH_ONLY=a,b,c              which rows to run
 *
 * Rows: (a0) language model as tfjs-layers users write it: tf.layers.lstm, tf.layers.dense and
 * tf.losses.softmaxCrossEntropy on one-hot targets; (a) tf.layers.lstm with vaekit's token
 * log-likelihood (categoricalLogProb); (b) the same with FusedLSTM; (c) a full TextVAE training
 * step (LSTM encoder, BN-VAE posterior, LSTM decoder conditioned on z, word dropout 0.3).
 * All use batch 32, 20 tokens, embedding 256, hidden 256, vocabulary 5000, Adam; the token
 * embedding is TokenEmbedding in every row (tf.layers.embedding cannot be trained on wasm: its
 * gradient needs the UnsortedSegmentSum kernel, which tfjs-backend-wasm lacks).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { registeredWasmKernelFixes, selectBackend } from '@vaekit/backend';
import { klDivergence } from '@vaekit/distributions';
import { TextVAE, fusedLSTM, tokenEmbedding } from '../src/index';
import { categoricalLogProb } from '../src/internal/index';

const B = 32;
const T = 20;
const E = 256;
const H = 256;
const V = 5000;
const LATENT = 32;
const steps = Number(process.env.BENCH_STEPS ?? 20);
const baselineSteps = Number(process.env.BENCH_BASELINE_STEPS ?? 5);
const warmup = Number(process.env.BENCH_WARMUP ?? 3);
const only = (process.env.BENCH_ONLY ?? 'a0,a,b,c').split(',');

async function setUp(): Promise<string> {
  const backend = process.env.BENCH_BACKEND ?? 'wasm';
  tf.env().set('IS_TEST', true); // silences the cpu backend's banner
  let name = backend;
  if (backend === 'wasm' && process.env.VAEKIT_NO_MATMUL_FIX === '1') {
    // Gradients are registered by the tfjs-layers import.
    await import('@tensorflow/tfjs-backend-wasm');
    await tf.setBackend('wasm');
    await tf.ready();
    name = 'wasm, no kernel fixes';
  } else {
    await selectBackend(backend);
    if (backend === 'wasm')
      name = `wasm + kernel fixes (${registeredWasmKernelFixes().join(', ')})`;
  }
  tf.env().set('IS_TEST', false);
  return name;
}

/** Random sentences `[B, T + 1]`: bos, T tokens in [4, V), no padding. */
function batch(seed: number): tf.Tensor2D {
  return tf.tidy(() => {
    const body = tf.randomUniform([B, T], 4, V, 'int32', seed);
    return tf.concat([tf.fill([B, 1], 1, 'int32'), body], 1) as tf.Tensor2D;
  });
}

async function time(name: string, n: number, step: (i: number) => tf.Scalar): Promise<number> {
  for (let i = 0; i < warmup; i++) {
    const loss = step(-1 - i);
    await loss.data();
    loss.dispose();
  }
  const start = performance.now();
  let last = 0;
  for (let i = 0; i < n; i++) {
    const loss = step(i);
    last = (await loss.data())[0]!;
    loss.dispose();
  }
  const seconds = (performance.now() - start) / 1000;
  const tokensPerSecond = (n * B * T) / seconds;
  console.log(
    `${name.padEnd(44)} ${((seconds / n) * 1000).toFixed(0).padStart(7)} ms/step ${tokensPerSecond.toFixed(0).padStart(7)} tokens/s   (loss ${last.toFixed(3)}, ${tf.memory().numTensors} tensors)`,
  );
  return tokensPerSecond;
}

function languageModel(kind: 'tfjs-layers' | 'fused') {
  const embed = tokenEmbedding({ inputDim: V, outputDim: E, seed: 1 });
  const lstm =
    kind === 'fused'
      ? fusedLSTM({ units: H, returnSequences: true, seed: 2 })
      : tfl.layers.lstm({
          units: H,
          returnSequences: true,
          recurrentActivation: 'sigmoid',
          recurrentInitializer: 'glorotUniform',
        });
  const out = tfl.layers.dense({
    units: V,
    kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }),
  });
  const optimizer = tf.train.adam(1e-3);
  const data = [batch(10), batch(11)];
  const loss = (tokens: tf.Tensor) => {
    const input = tf.slice(tokens, [0, 0], [B, T]);
    const target = tf.slice(tokens, [0, 1], [B, T]);
    const h = lstm.apply(embed.apply(input)) as tf.Tensor;
    const logits = out.apply(h) as tf.Tensor;
    return tf.neg(tf.mean(categoricalLogProb(logits, target))) as tf.Scalar;
  };
  tf.tidy(() => loss(data[0]!)); // builds the layers (creates their weights) before training
  return (i: number): tf.Scalar =>
    optimizer.minimize(() => loss(data[Math.abs(i) % 2]!), true) as tf.Scalar;
}

/** (a0): tf.layers.lstm + tf.layers.dense + tf.losses.softmaxCrossEntropy on one-hot targets. */
function tfjsLayersLanguageModel() {
  const embed = tokenEmbedding({ inputDim: V, outputDim: E, seed: 1 });
  const lstm = tfl.layers.lstm({
    units: H,
    returnSequences: true,
    recurrentActivation: 'sigmoid',
    recurrentInitializer: 'glorotUniform',
  });
  const out = tfl.layers.dense({
    units: V,
    kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }),
  });
  const optimizer = tf.train.adam(1e-3);
  const data = [batch(10), batch(11)];
  const loss = (tokens: tf.Tensor) => {
    const input = tf.slice(tokens, [0, 0], [B, T]);
    const target = tf.reshape(tf.slice(tokens, [0, 1], [B, T]), [B * T]);
    const h = lstm.apply(embed.apply(input)) as tf.Tensor;
    const logits = tf.reshape(out.apply(h) as tf.Tensor, [B * T, V]);
    const labels = tf.cast(tf.oneHot(tf.cast(target, 'int32') as tf.Tensor1D, V), 'float32');
    return tf.mul(tf.losses.softmaxCrossEntropy(labels, logits), T) as tf.Scalar;
  };
  tf.tidy(() => loss(data[0]!));
  return (i: number): tf.Scalar =>
    optimizer.minimize(() => loss(data[Math.abs(i) % 2]!), true) as tf.Scalar;
}

function textVAE() {
  const vae = new TextVAE({
    vocabSize: V,
    embeddingDim: E,
    hiddenUnits: H,
    head: { family: 'bn', latentDim: LATENT, gamma: 0.6 },
    wordDropout: 0.3,
    seed: 1,
  });
  const optimizer = tf.train.adam(1e-3);
  const data = [batch(20), batch(21)];
  return (i: number): tf.Scalar => {
    const tokens = data[Math.abs(i) % 2]!;
    return optimizer.minimize(
      () => {
        const q = vae.encode(tokens, { training: true });
        const z = q.rsample(undefined, { seed: 100 + i });
        const logLikelihood = vae.decode(z, { training: true, seed: 200 + i }).logProb(tokens);
        const kl = klDivergence(q, vae.prior);
        return tf.neg(tf.mean(tf.sub(logLikelihood, kl))) as tf.Scalar;
      },
      true,
      vae.trainableVariables,
    ) as tf.Scalar;
  };
}

const backend = await setUp();
console.log(
  `backend: ${backend}; batch ${B}, ${T} tokens, embedding ${E}, hidden ${H}, vocabulary ${V}, latent ${LATENT}, Adam`,
);
const results: [string, number][] = [];
if (only.includes('a0'))
  results.push([
    '(a0) LM, tfjs-layers + softmaxCrossEntropy',
    await time(
      '(a0) LM, tfjs-layers + softmaxCrossEntropy',
      baselineSteps,
      tfjsLayersLanguageModel(),
    ),
  ]);
if (only.includes('a'))
  results.push([
    '(a) LM, tf.layers.lstm',
    await time('(a) LM, tf.layers.lstm', baselineSteps, languageModel('tfjs-layers')),
  ]);
if (only.includes('b'))
  results.push([
    '(b) LM, FusedLSTM',
    await time('(b) LM, FusedLSTM', steps, languageModel('fused')),
  ]);
if (only.includes('c'))
  results.push([
    '(c) TextVAE step (BN-VAE)',
    await time('(c) TextVAE step (BN-VAE)', steps, textVAE()),
  ]);
console.log('\n| model | backend | tokens/s |\n|---|---|---|');
for (const [name, tps] of results) console.log(`| ${name} | ${backend} | ${tps.toFixed(0)} |`);
