/**
 * The vaekit side of the benchmark suite: one function per kind of item, each returning the
 * measured throughput. The same models, shapes and steps as bench/pytorch_reference.py.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataParallelGradients } from '@vaekit/trainer/internal';
import {
  backend,
  distributions,
  layers,
  objectives,
  type TF,
  tf,
  trainer,
  trainerInternal,
} from './deps';

/** Run `step` `warmup` times, then until `seconds` have passed (at least 3 times). */
export async function timeSteps(
  step: (i: number) => Promise<void> | void,
  seconds: number,
  warmup: number,
): Promise<{ steps: number; seconds: number; cpuSeconds: number }> {
  for (let i = 0; i < warmup; i++) await step(-1 - i);
  let steps = 0;
  const start = performance.now();
  const cpu = process.cpuUsage();
  let elapsed = 0;
  while (steps < 3 || elapsed < seconds * 1000) {
    await step(steps);
    steps++;
    elapsed = performance.now() - start;
  }
  const used = process.cpuUsage(cpu);
  // CPU time of this process (all its threads): with one busy thread, the time it ran.
  return { steps, seconds: elapsed / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
}

/** MNIST test images `[N, 784]`, binarised at 0.5 (as the Python side: byte > 127). */
export function mnistTest(limit?: number): { images: Float32Array; count: number; path: string } {
  const set = trainer.loadMnist({ split: 'test' });
  const count = Math.min(limit ?? set.count, set.count);
  const images = new Float32Array(count * 784);
  for (let i = 0; i < images.length; i++) images[i] = set.images[i]! > 127.5 / 255 ? 1 : 0;
  return { images, count, path: set.source };
}

/**
 * The images cut into consecutive batches of `batch` (the last partial batch dropped): a long run
 * steps through all of them in turn, as training does (one batch over and over, the model fits it
 * within a few hundred steps).
 */
export function mnistBatches(
  images: { images: Float32Array; count: number },
  batch: number,
): TF.Tensor2D[] {
  return Array.from({ length: Math.floor(images.count / batch) }, (_, i) =>
    tf.tensor2d(images.images.subarray(i * batch * 784, (i + 1) * batch * 784), [batch, 784]),
  );
}

/** The benchmark's MLP VAE (784-512-256-32 and mirror, Bernoulli pixels). */
export function mlpVAE(seed = 1): InstanceType<typeof layers.ImageVAE> {
  return new layers.ImageVAE({
    inputDim: 784,
    hiddenUnits: [512, 256],
    head: { family: 'gaussian', latentDim: 32 },
    likelihood: 'bernoulli',
    seed,
  });
}

/**
 * The benchmark's text VAE: embedding 256, LSTM encoder and decoder 256, BN-VAE head (gamma 0.6,
 * latent 32), vocabulary 5000, word dropout 0.3 (the suite's sizes by default).
 */
export function textVAE(
  sizes: { vocab?: number; embedding?: number; hidden?: number; latent?: number } = {},
): InstanceType<typeof layers.TextVAE> {
  return new layers.TextVAE({
    vocabSize: sizes.vocab ?? 5000,
    embeddingDim: sizes.embedding ?? 256,
    hiddenUnits: sizes.hidden ?? 256,
    head: { family: 'bn', latentDim: sizes.latent ?? 32, gamma: 0.6 },
    wordDropout: 0.3,
    seed: 1,
  });
}

export interface MLPItem {
  batch: number;
  objective: 'elbo' | 'iwae';
  k: number;
  seconds: number;
  warmup: number;
}

/**
 * One training step exactly as vaekit's trainer takes it: per-network objective gradients, the
 * step's statistics read back, global-norm clipping and Adam.
 */
export async function trainerStep(
  model: {
    encoderVariables: TF.Variable[];
    decoderVariables: TF.Variable[];
  } & Parameters<typeof objectives.objectiveGradients>[0],
  optimizer: InstanceType<typeof backend.AdamWithClipping>,
  x: TF.Tensor,
  options: { objective: 'elbo' | 'iwae'; k: number; seed: number },
  parallel: DataParallelGradients | null = null,
): Promise<number> {
  const g =
    parallel !== null
      ? await parallel.objectiveGradients(x, { ...options, training: true })
      : objectives.objectiveGradients(
          model,
          x,
          { ...options, training: true },
          { encoder: model.encoderVariables, decoder: model.decoderVariables },
        );
  const stats = tf.tidy(() => tf.stack([g.encoderLoss, tf.mean(g.bound), tf.mean(g.kl)]));
  const [loss] = await stats.data();
  stats.dispose();
  const grads = { ...g.encoderGrads, ...g.decoderGrads };
  // With a replicated optimizer (as the trainer), the workers apply the same update.
  if (parallel?.optimizer !== undefined) parallel.applyGradients(grads);
  else optimizer.applyGradients(grads);
  objectives.disposeObjectiveGradients(g);
  return loss!;
}

/**
 * Training throughput of the MLP VAE, examples per second; with `threads >= 2`, with
 * data-parallel gradients over that many threads (`@vaekit/trainer`'s parallel module).
 */
export async function mlpTraining(
  item: MLPItem,
  data: { images: Float32Array; count: number },
  threads = 1,
): Promise<{ examplesPerSec: number; steps: number; seconds: number; cpuSeconds: number }> {
  const model = mlpVAE(1);
  const optimizer = new backend.AdamWithClipping(1e-3, 5);
  const parallel =
    threads >= 2
      ? await trainerInternal.DataParallelGradients.create(model, { threads, optimizer })
      : null;
  const batches = Array.from({ length: 8 }, (_, i) => {
    const start = (i * item.batch) % (data.count - item.batch);
    return tf.tensor2d(data.images.subarray(start * 784, (start + item.batch) * 784), [
      item.batch,
      784,
    ]);
  });
  try {
    const { steps, seconds, cpuSeconds } = await timeSteps(
      async (i) => {
        await trainerStep(
          model,
          optimizer,
          batches[Math.abs(i) % batches.length]!,
          { objective: item.objective, k: item.k, seed: 1000 + i },
          parallel,
        );
      },
      item.seconds,
      item.warmup,
    );
    return { examplesPerSec: (steps * item.batch) / seconds, steps, seconds, cpuSeconds };
  } finally {
    await parallel?.dispose();
    tf.dispose(batches);
    optimizer.dispose();
    model.dispose();
  }
}

export interface TextItem {
  batch: number;
  tokens: number;
  vocab: number;
  embedding: number;
  hidden: number;
  latent: number;
  seconds: number;
  warmup: number;
}

/**
 * Training throughput of the LSTM text VAE (BN-VAE head, word dropout 0.3), tokens per second;
 * with `threads >= 2`, with data-parallel gradients (each shard normalised by its own batch
 * statistics in the BN-VAE head).
 */
export async function textTraining(
  item: TextItem,
  threads = 1,
): Promise<{ tokensPerSec: number; steps: number; seconds: number; cpuSeconds: number }> {
  const model = textVAE(item);
  const optimizer = new backend.AdamWithClipping(1e-3, 5);
  const parallel =
    threads >= 2
      ? await trainerInternal.DataParallelGradients.create(model, { threads, optimizer })
      : null;
  // Random sentences [B, T + 1]: <bos> then T tokens in [4, V) (no padding), as the Python side.
  const data = [20, 21].map((seed) =>
    tf.tidy(() =>
      tf.concat(
        [
          tf.fill([item.batch, 1], 1, 'int32'),
          tf.randomUniform([item.batch, item.tokens], 4, item.vocab, 'int32', seed),
        ],
        1,
      ),
    ),
  );
  try {
    const { steps, seconds, cpuSeconds } = await timeSteps(
      async (i) => {
        await trainerStep(
          model,
          optimizer,
          data[Math.abs(i) % 2]!,
          { objective: 'elbo', k: 1, seed: 1000 + i },
          parallel,
        );
      },
      item.seconds,
      item.warmup,
    );
    return {
      tokensPerSec: (steps * item.batch * item.tokens) / seconds,
      steps,
      seconds,
      cpuSeconds,
    };
  } finally {
    await parallel?.dispose();
    tf.dispose(data);
    optimizer.dispose();
    model.dispose();
  }
}

export interface VMFItem {
  rows: number;
  dim: number;
  kappa: number;
  sampler: 'inverse-cdf' | 'wood';
  seconds: number;
}

/** `rsample()` throughput of VonMisesFisher for `rows` mean directions, samples per second. */
export async function vmfSampling(
  item: VMFItem,
): Promise<{ samplesPerSec: number; calls: number; seconds: number; cpuSeconds: number }> {
  const mu = tf.tidy(() => {
    const x = tf.randomNormal([item.rows, item.dim], 0, 1, 'float32', item.dim);
    return tf.div(x, tf.norm(x, 'euclidean', -1, true));
  });
  const q = new distributions.VonMisesFisher({
    meanDirection: mu,
    concentration: item.kappa,
    sampler: item.sampler,
  });
  try {
    let seed = 1;
    const { steps, seconds, cpuSeconds } = await timeSteps(
      async () => {
        const z = q.rsample([], { seed: seed++ });
        await z.data();
        z.dispose();
      },
      item.seconds,
      1,
    );
    return { samplesPerSec: (steps * item.rows) / seconds, calls: steps, seconds, cpuSeconds };
  } finally {
    q.dispose?.();
    mu.dispose();
  }
}

/** Write the weights of `model` as `weights.bin` (float32) and `weights.json` (names, shapes). */
export function exportWeights(model: InstanceType<typeof layers.ImageVAE>, dir: string): string {
  const names = model.weightNames();
  const tensors = model.getWeights();
  const parts = tensors.map((t) => t.dataSync() as Float32Array);
  const total = parts.reduce((n, p) => n + p.length, 0);
  const flat = new Float32Array(total);
  let offset = 0;
  for (const p of parts) {
    flat.set(p, offset);
    offset += p.length;
  }
  const data = join(dir, 'weights.bin');
  writeFileSync(data, Buffer.from(flat.buffer));
  const manifest = join(dir, 'weights.json');
  writeFileSync(
    manifest,
    JSON.stringify({
      data,
      weights: names.map((name, i) => ({ name, shape: tensors[i]!.shape })),
    }),
  );
  tf.dispose(tensors);
  return manifest;
}

/** Load weights written by {@link exportWeights}. */
export function importWeights(model: InstanceType<typeof layers.ImageVAE>, manifest: string): void {
  const { data, weights } = JSON.parse(readFileSync(manifest, 'utf8')) as {
    data: string;
    weights: { name: string; shape: number[] }[];
  };
  const buffer = readFileSync(data);
  const flat = new Float32Array(buffer.buffer, buffer.byteOffset, buffer.byteLength / 4);
  let offset = 0;
  const tensors = weights.map(({ shape }) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const t = tf.tensor(flat.slice(offset, offset + size), shape);
    offset += size;
    return t;
  });
  model.setWeights(tensors);
  tf.dispose(tensors);
}

export interface NLLItem {
  examples: number;
  k: number;
  batch: number;
  chunk: number;
  weights?: string;
}

/**
 * Importance-sampled NLL (K draws per example, chunked) of the MLP VAE over the first
 * `examples` MNIST test images: time, the mean NLL, and peak memory (the process's peak
 * resident set, and tfjs's peak tensor bytes).
 */
export async function nllEvaluation(item: NLLItem): Promise<{
  seconds: number;
  cpuSeconds: number;
  examples: number;
  nll: number;
  peakRssMiB: number;
  peakTensorMiB: number;
}> {
  const data = mnistTest(item.examples);
  const model = mlpVAE(1);
  if (item.weights !== undefined) importWeights(model, item.weights);
  const all = tf.tensor2d(data.images, [data.count, 784]);
  const nllSum = (s: number) =>
    tf.tidy(() =>
      tf.sum(
        objectives.importanceSampledNLL(
          model,
          tf.slice(all, s, Math.min(item.batch, data.count - s)),
          { k: item.k, chunkSize: item.chunk, seed: s + 1 },
        ),
      ),
    );
  // Peak tensor memory of one batch (every batch is alike), outside the timed loop: tf.profile
  // times each kernel, which would slow the evaluation.
  const profile = await tf.profile(async () => {
    const sum = nllSum(0);
    await sum.data();
    sum.dispose();
  });
  let total = 0;
  const start = performance.now();
  const cpu = process.cpuUsage();
  for (let s = 0; s < data.count; s += item.batch) {
    const sum = nllSum(s);
    total += (await sum.data())[0]!;
    sum.dispose();
  }
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  all.dispose();
  model.dispose();
  return {
    seconds,
    cpuSeconds: (used.user + used.system) / 1e6,
    examples: data.count,
    nll: total / data.count,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    peakTensorMiB: profile.peakBytes / 2 ** 20,
  };
}
