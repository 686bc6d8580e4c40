import * as tf from '@tensorflow/tfjs-core';
import { type DataSplit, evaluate } from '@vaekit/core';
import { ImageVAE, TextVAE } from '@vaekit/layers';
import { describe, expect, it } from 'vitest';
import { evaluateParallel } from './parallel-evaluate';

/** A split over a fixed tensor: evaluation reads only `size` and `head`. */
function fixedSplit(x: tf.Tensor): DataSplit {
  return {
    size: x.shape[0]!,
    head: (n) => tf.slice(x, 0, Math.min(n, x.shape[0]!)),
    numBatches: () => 1,
    batches: () => [],
  };
}

describe('evaluateParallel', () => {
  it('gives the one-thread evaluation bit for bit, for 2 and 3 threads (images)', async () => {
    const model = new ImageVAE({
      inputDim: 12,
      hiddenUnits: [8],
      head: { family: 'vmf', latentDim: 3, kappa: 10 },
      seed: 3,
    });
    const x = tf.cast(tf.less(tf.randomUniform([230, 12], 0, 1, 'float32', 4), 0.4), 'float32');
    const split = fixedSplit(x);
    const options = { k: 30, examples: 230, seed: 7, batchSize: 40 };
    const one = evaluate(model, split, 'image', options);
    const progress: number[] = [];
    const two = await evaluateParallel(
      model,
      split,
      'image',
      { ...options, onProgress: (done) => progress.push(done) },
      2,
    );
    const three = await evaluateParallel(model, split, 'image', options, 3);
    expect(two).toEqual(one);
    expect(three).toEqual(one);
    expect(progress.at(-1)).toBe(230);
    expect(progress.every((d, i) => i === 0 || d >= progress[i - 1]!)).toBe(true);
    // Not vacuous: another seed gives another NLL.
    expect(
      (await evaluateParallel(model, split, 'image', { ...options, seed: 8 }, 2)).nll,
    ).not.toBe(one.nll);
    x.dispose();
    model.dispose();
  }, 120_000);

  it('text: the same metrics and perplexity as one thread', async () => {
    const model = new TextVAE({
      vocabSize: 30,
      embeddingDim: 8,
      hiddenUnits: 8,
      head: { family: 'gaussian', latentDim: 2 },
      seed: 2,
    });
    // Sentences of <bos> (1), words 3..29, <eos> (2), padding 0.
    const rows = Array.from({ length: 50 }, (_, i) => {
      const length = 2 + (i % 5);
      return [
        1,
        ...Array.from({ length }, (_, j) => 3 + ((i * 7 + j * 3) % 27)),
        2,
        ...Array(6 - length).fill(0),
      ];
    });
    const x = tf.tensor2d(rows, [50, 8], 'int32');
    const options = { k: 6, examples: 50, seed: 1, batchSize: 16, vocabSize: 30 };
    const one = evaluate(model, fixedSplit(x), 'text', options);
    const two = await evaluateParallel(model, fixedSplit(x), 'text', options, 2);
    expect(two).toEqual(one);
    expect(one.perplexity).toBeGreaterThan(1);
    x.dispose();
    model.dispose();
  }, 120_000);

  it('refuses a thread count that is not a positive integer', async () => {
    const model = new ImageVAE({
      inputDim: 4,
      hiddenUnits: [4],
      head: { family: 'gaussian', latentDim: 2 },
      seed: 1,
    });
    const x = tf.zeros([8, 4]);
    await expect(
      evaluateParallel(
        model,
        fixedSplit(x),
        'image',
        { k: 2, examples: 8, seed: 0, batchSize: 4 },
        0,
      ),
    ).rejects.toThrow('threads must be a positive integer, got 0');
    x.dispose();
    model.dispose();
  });
});
