/**
 * Prints timings of the data pipeline, checkpoints and rendering (not a test):
 *   cd packages/trainer && node --conditions=@vaekit/source --import tsx bench/data-pipeline.ts
 */
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { Rng, TextDataset, imageGridPng, trainingCurvesSvg } from '@vaekit/core';
import {
  loadBrownCorpus,
  loadImageSplits,
  loadMnist,
  readCheckpoint,
  svgToPng,
  writeCheckpoint,
} from '../src/index';

tf.env().set('IS_TEST', true);
await tf.setBackend('cpu');

function time<T>(label: string, fn: () => T): T {
  const t0 = performance.now();
  const out = fn();
  console.log(`${label.padEnd(52)} ${(performance.now() - t0).toFixed(1).padStart(8)} ms`);
  return out;
}
async function timeAsync<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const out = await fn();
  console.log(`${label.padEnd(52)} ${(performance.now() - t0).toFixed(1).padStart(8)} ms`);
  return out;
}

time('loadMnist train (60k, 47 MB IDX → Float32Array)', () => loadMnist({ split: 'train' }));
time('loadMnist test (10k)', () => loadMnist({ split: 'test' }));
const fashion = '/usr/share/datasets/fashion-mnist';
if (fs.existsSync(fashion)) {
  const { loadIdxImages } = await import('../src/data/load-idx-images');
  time('loadIdxImages Fashion-MNIST train (gzip)', () => loadIdxImages(fashion));
}
const { train } = time('loadImageSplits (55k/5k/10k)', () => loadImageSplits());
for (const rep of ['cold', 'warm']) {
  for (const binarize of ['none', 'dynamic', 'static'] as const) {
    time(`epoch of batches, bs 100, binarize ${binarize} (${rep})`, () => {
      for (const b of train.batches(new Rng(1), { batchSize: 100, binarize }))
        tf.dispose([b.x, b.labels]);
    });
  }
}
const brown = time('loadBrownCorpus (57,340 sentences)', () => loadBrownCorpus());
const text = time('TextDataset.fromSentences (maxLength 50, 20k vocab)', () =>
  TextDataset.fromSentences(brown, { maxLength: 50, vocabularyOptions: { maxSize: 20000 } }),
);
time('one text epoch, bs 32, word dropout 0.25', () => {
  for (const b of text.batches(new Rng(1), { batchSize: 32, wordDropout: 0.25 })) {
    tf.dispose([b.inputs, b.targets, b.lengths, b.mask]);
  }
});

const dir = fs.mkdtempSync(join(tmpdir(), 'vaekit-bench-'));
const weights = Object.fromEntries(
  Array.from({ length: 10 }, (_, i) => [
    `w${i}`,
    { shape: [1000, 1000], dtype: 'float32' as const, data: new Float32Array(1e6) },
  ]),
);
await timeAsync('writeCheckpoint 40 MB (first)', () =>
  writeCheckpoint(dir, { weights, step: 1, epoch: 0 }),
);
await timeAsync('writeCheckpoint 40 MB (verifies the previous)', () =>
  writeCheckpoint(dir, { weights, step: 2, epoch: 0 }),
);
await timeAsync('readCheckpoint 40 MB (verified)', () => readCheckpoint(dir));
fs.rmSync(dir, { recursive: true, force: true });

const imgs = Array.from({ length: 64 }, (_, i) => train.image(i));
time('imageGridPng 8x8 MNIST, scale 2', () => imageGridPng(imgs, { rows: 8, cols: 8 }));
const rows = Array.from({ length: 10000 }, (_, i) => ({
  step: i,
  loss: 100 + 1 / (i + 1),
  kl: 20,
  activeUnits: 10,
}));
const svg = time('trainingCurvesSvg 10k rows, 3 panels', () => trainingCurvesSvg(rows));
time('svgToPng 720x720', () => svgToPng(svg));
