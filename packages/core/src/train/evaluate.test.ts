import * as tf from '@tensorflow/tfjs-core';
import { linearGaussianModel } from '@vaekit/objectives/testing';
import { describe, expect, it } from 'vitest';
import type { DataSplit } from '../data/training-data';
import { Vocabulary } from '../data/vocabulary';
import { textTrainingData } from '../data/training-data';
import { createModel } from '../model/create-model';
import type { TrainableModel } from '../model/trainable-model';
import { resolveConfig } from '../config/validate-config';
import {
  MAX_DECODED_FLOATS,
  combineEvaluation,
  evaluate,
  evaluatePart,
  nllChunkSize,
} from './evaluate';

/** A split over a fixed tensor: evaluate() reads only `size` and `head`. */
function fixedSplit(x: tf.Tensor): DataSplit {
  return {
    size: x.shape[0]!,
    head: (n) => tf.slice(x, 0, Math.min(n, x.shape[0]!)),
    numBatches: () => 1,
    batches: () => [],
  };
}

/** `evaluate` needs only the model's LatentVariableModel side. */
const asTrainable = (m: ReturnType<typeof linearGaussianModel>) => m as unknown as TrainableModel;

const options = { k: 2000, examples: 200, seed: 11, batchSize: 50 };

describe('evaluate', () => {
  it('d = 1 with the exact posterior as encoder: NLL = -log p(x) exactly, KL and MI in closed form', () => {
    // q(z|x) = p(z|x), so every importance weight is p(x): NLL is exact for any K.
    const model = linearGaussianModel({ W: [[1.5], [-0.5], [0.8]], b: [0.2, 0, -0.3], s: 0.6 });
    const x = model.sample(200, 4);
    const exact = -tf.mean(model.exactLogMarginal(x)).dataSync()[0]!;
    const r = evaluate(asTrainable(model), fixedSplit(x), 'image', options);
    expect(r.examples).toBe(200);
    expect(r.k).toBe(2000);
    expect(r.nll).toBeCloseTo(exact, 3);
    // The ELBO's reconstruction term uses one posterior draw per example: Monte Carlo noise.
    expect(Math.abs(-r.elbo - exact)).toBeLessThan(0.15);
    // KL(N(m, v) || N(0, 1)) = (v + m^2 - 1 - log v) / 2, averaged over x (float64 reference).
    const { mean, covariance } = model.exactPosterior(x);
    const v = covariance[0]![0]!;
    const kl = mean.reduce((s, [m]) => s + (v + m! * m! - 1 - Math.log(v)) / 2, 0) / mean.length;
    expect(r.kl).toBeCloseTo(kl, 3);
    // With q = the exact posterior the aggregate posterior is the prior, so I(x; z) = E KL;
    // He et al.'s estimator uses the batch as the aggregate: a few hundredths off.
    expect(Math.abs(r.mutualInformation - kl)).toBeLessThan(0.1);
    expect(r.activeUnits).toBe(1);
    expect(r.perplexity).toBeUndefined();
    x.dispose();
    model.dispose();
  });

  it('d = 2 with a mean-field encoder: ELBO <= -NLL <= log p(x), NLL within 0.05 nats at K = 2000', () => {
    const model = linearGaussianModel({
      W: [
        [1, 0.5],
        [0.3, -1],
        [0.7, 0.7],
        [-0.2, 0.4],
      ],
      b: [0, 0.5, -0.5, 0.1],
      s: 0.4,
    });
    const x = model.sample(200, 9);
    const exact = -tf.mean(model.exactLogMarginal(x)).dataSync()[0]!;
    const r = evaluate(asTrainable(model), fixedSplit(x), 'image', options);
    expect(r.nll).toBeGreaterThanOrEqual(exact - 0.01);
    expect(r.nll - exact).toBeLessThan(0.05);
    expect(-r.elbo).toBeGreaterThan(r.nll);
    expect(r.activeUnits).toBe(2);
    x.dispose();
    model.dispose();
  });

  it('in parts (as threads split it), gives the one-pass result bit for bit', () => {
    const model = linearGaussianModel({
      W: [
        [1, 0.5],
        [0.3, -1],
        [0.7, 0.7],
      ],
      b: [0, 0.5, -0.5],
      s: 0.4,
    });
    const x = model.sample(230, 5);
    const opts = { k: 40, examples: 230, seed: 3, batchSize: 50 };
    const whole = evaluate(asTrainable(model), fixedSplit(x), 'image', opts);
    // Batches [0, 100) on one thread, [100, 230) on another.
    const parts = [
      [0, 100],
      [100, 130],
    ].map(([first, n]) => {
      const part = tf.slice(x, first!, n!);
      const result = evaluatePart(model, part, 'image', { ...opts, first: first! });
      part.dispose();
      return result;
    });
    expect(parts.map((p) => p.batches.length)).toEqual([2, 3]);
    expect(combineEvaluation(parts, 'image', opts.k)).toEqual(whole);
    // Another split of the seeds would not agree: the part's first index sets its batches' draws.
    const tail = tf.slice(x, 100, 130);
    const shifted = evaluatePart(model, tail, 'image', { ...opts, first: 50 });
    tail.dispose();
    expect(shifted.batches[0]![0]).not.toBe(parts[1]!.batches[0]![0]);
    expect(() => evaluatePart(model, x, 'image', { ...opts, first: 30 })).toThrow(
      'evaluatePart: first (30) must be a multiple of batchSize (50)',
    );
    x.dispose();
    model.dispose();
  });

  it('evaluates the first `examples` rows only, and counts text tokens as words + <eos>', () => {
    const sentences = ['the cat sat', 'a dog ran far away', 'the end', 'cats and dogs', 'yes'];
    const data = textTrainingData([...sentences, ...sentences, ...sentences, ...sentences], {
      maxLength: 10,
      vocabSize: 100,
      minCount: 1,
      name: 'tiny',
    });
    const config = resolveConfig({
      data: 'text:tiny.txt',
      latent: 'gaussian',
      latentDim: 2,
      hidden: [8],
      embedding: 4,
    });
    const model = createModel(config, {
      kind: 'text',
      vocabulary: data.vocabulary as Vocabulary,
      maxLength: 10,
    });
    const split = data.train;
    const n = 6;
    const vocabSize = data.vocabulary!.size;
    const r = evaluate(model, split, 'text', {
      k: 5,
      examples: n,
      seed: 1,
      batchSize: 4,
      vocabSize,
    });
    expect(r.examples).toBe(n);
    const rows = split.head(n);
    const ids = rows.arraySync() as number[][];
    rows.dispose();
    // Tokens predicted per row: every id that is not <pad>, minus the leading <bos>.
    const tokens = ids.reduce(
      (s, row) => s + row.filter((id) => id !== Vocabulary.PAD).length - 1,
      0,
    );
    expect(r.perplexity).toBeCloseTo(Math.exp((r.nll * n) / tokens), 6);
    model.dispose();
  });

  it('decodes at most MAX_DECODED_FLOATS outputs at once: images unchanged, text bounded', () => {
    // Images: 50,000 rows a chunk (a [50000, 784] logits tensor is 39M floats).
    expect(nllChunkSize(100, 784)).toBe(500);
    expect(nllChunkSize(7, 784)).toBe(7142);
    // Text, V = 5,000 and T = 32: 26 samples of 32 sentences are 133M floats; one sample of 32
    // sentences is always allowed, however large.
    expect(nllChunkSize(32, 32 * 5000)).toBe(26);
    expect(32 * 26 * 32 * 5000).toBeLessThanOrEqual(MAX_DECODED_FLOATS);
    expect(32 * 27 * 32 * 5000).toBeGreaterThan(MAX_DECODED_FLOATS);
    expect(nllChunkSize(32, 32 * 1e7)).toBe(1);
  });

  it('needs the vocabulary size for text, and says so', () => {
    const x = tf.ones([2, 3], 'int32');
    const model = linearGaussianModel({ W: [[1]], b: [0], s: 1 });
    const opts = { k: 2, examples: 2, seed: 0, batchSize: 2 };
    expect(() => evaluate(asTrainable(model), fixedSplit(x), 'text', opts)).toThrow(
      "evaluate: vocabSize (a positive integer, the decoder's outputs per token) is required for text, got undefined",
    );
    x.dispose();
    model.dispose();
  });
});
