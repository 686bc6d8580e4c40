import { describe, expect, it } from 'vitest';
import { heldOutSentences } from './check-splits';
import { ImageDataset } from './image-dataset';
import type { ImageSet } from './image-set';
import { splitSentences } from './split-sentences';
import { imageTrainingData, textTrainingData } from './training-data';
import { Vocabulary } from './vocabulary';

const TEXT = { maxLength: 30, vocabSize: 1000, minCount: 1, name: 'corpus' };
const sentences = (n: number) => Array.from({ length: n }, (_, i) => `a cat number ${i}`);

function images(count: number, height: number, width: number): ImageDataset {
  const set: ImageSet = {
    images: new Float32Array(count * height * width).fill(0.5),
    labels: new Uint8Array(count),
    count,
    height,
    width,
    source: 'memory',
  };
  return new ImageDataset(set);
}

describe('textTrainingData on degenerate corpora', () => {
  it('splits 5% / 5% as before for 10 sentences or more, at least 1 each below', () => {
    for (let n = 10; n <= 3000; n++) expect(heldOutSentences(n)).toBe(Math.round(0.05 * n));
    const s = sentences(137);
    const held = heldOutSentences(s.length);
    expect(splitSentences(s, { validation: held, test: held, seed: 0 })).toEqual(
      splitSentences(s, { validation: 0.05, test: 0.05, seed: 0 }),
    );
    const data = textTrainingData(sentences(5), TEXT);
    expect([data.train.size, data.validation.size, data.test.size]).toEqual([3, 1, 1]);
  });

  it('names too small a corpus', () => {
    expect(() => textTrainingData(sentences(3), TEXT)).toThrow(
      'corpus: 3 sentences, too few to train on: the fixed 90/5/5 split needs at least 4 (2 to train on, 1 for validation, 1 for test)',
    );
    expect(() => textTrainingData([], TEXT)).toThrow('corpus: 0 sentences, too few');
  });

  it('names a maxLength that drops every sentence, or empties a split', () => {
    expect(() => textTrainingData(sentences(20), { ...TEXT, maxLength: 2 })).toThrow(
      'corpus: every sentence is longer than maxLength = 2 words (the 20 sentences have 4 words each) and longer sentences are dropped, so none is left to train on: raise --max-length (maxLength) to 4, which keeps them all',
    );
    // Sentences of 1 to 20 words: a cap of 1 word keeps one.
    const growing = Array.from({ length: 20 }, (_, i) => 'w '.repeat(i + 1).trim());
    expect(() => textTrainingData(growing, { ...TEXT, maxLength: 1 })).toThrow(
      /^corpus: after dropping the 19 of 20 sentences longer than maxLength = 1 words, [01] (is|are) left to train on, [01] for validation and [01] for test; training needs at least 2, 1 and 1: raise --max-length \(maxLength\) to 18, which keeps 90% of them \(the longest has 20 words\), or add sentences$/,
    );
  });

  it('names a minCount that leaves no word, unless the vocabulary is given', () => {
    expect(() => textTrainingData(sentences(20), { ...TEXT, minCount: 100 })).toThrow(
      'corpus: no word occurs at least minCount = 100 times in the 18 training sentences, so the vocabulary holds only the special tokens: lower --min-count (minCount)',
    );
    const vocabulary = Vocabulary.build([['a', 'cat']]);
    const data = textTrainingData(sentences(20), { ...TEXT, minCount: 100, vocabulary });
    expect(data.vocabulary).toBe(vocabulary);
  });
});

describe('imageTrainingData on degenerate splits', () => {
  const build = (train: ImageDataset, validation: ImageDataset, test: ImageDataset) =>
    imageTrainingData({ train, validation, test }, { likelihood: 'bernoulli', name: 'digits' });

  it('accepts 2 / 1 / 1 images', () => {
    const data = build(images(2, 3, 4), images(1, 3, 4), images(1, 3, 4));
    expect(data.summary).toBe(
      'digits: 2 train / 1 validation / 1 test images 3x4, dynamically binarised',
    );
  });

  it('names 0x0 images, splits of different sizes and empty splits', () => {
    expect(() => build(images(5, 0, 0), images(1, 0, 0), images(1, 0, 0))).toThrow(
      'digits: the images are 0x0 pixels; images need at least 1x1 pixel',
    );
    expect(() => build(images(5, 3, 4), images(1, 3, 4), images(1, 4, 3))).toThrow(
      'digits: the test images are 4x3 pixels but the training images 3x4; every split needs images of one size',
    );
    expect(() => build(images(5, 3, 4), images(1, 3, 4), images(0, 3, 4))).toThrow(
      'digits: 5 training, 1 validation and 0 test images; training needs at least 2, 1 and 1: add images',
    );
    expect(() => build(images(1, 3, 4), images(1, 3, 4), images(1, 3, 4))).toThrow(
      /digits: 1 training, 1 validation and 1 test images/,
    );
  });
});
