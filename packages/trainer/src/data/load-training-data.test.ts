import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATA_SOURCES, type TrainConfig, resolveConfig } from '@vaekit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { DATA_LOADERS, loadTrainingData } from './load-training-data';
import { encodeIdx } from './read-idx';

const root = mkdtempSync(join(tmpdir(), 'vaekit-data-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const load = (data: string, settings: Partial<TrainConfig> = {}) =>
  loadTrainingData(resolveConfig({ data, ...settings }));

/** A text corpus file in the temp dir. */
function corpus(name: string, content: string | Uint8Array): string {
  const p = join(root, name);
  writeFileSync(p, content);
  return p;
}

/** `n` distinct short sentences (4 words each). */
const sentences = (n: number) => Array.from({ length: n }, (_, i) => `the cat number ${i}`);

/** An IDX image set in the temp dir: `[count, height, width]` of the train and t10k images. */
function idxSet(
  name: string,
  train: [number, number, number],
  test: [number, number, number],
  options: { trainLabels?: number } = {},
): string {
  const dir = join(root, name);
  mkdirSync(dir);
  for (const [prefix, dims] of [
    ['train', train],
    ['t10k', test],
  ] as const) {
    const size = dims[0] * dims[1] * dims[2];
    const data = Uint8Array.from({ length: size }, (_, i) => (i * 37) % 256);
    writeFileSync(
      join(dir, `${prefix}-images-idx3-ubyte`),
      encodeIdx({ type: 'ubyte', dims, data }),
    );
    const labels = prefix === 'train' ? (options.trainLabels ?? dims[0]) : dims[0];
    writeFileSync(
      join(dir, `${prefix}-labels-idx1-ubyte`),
      encodeIdx({ type: 'ubyte', dims: [labels], data: new Uint8Array(labels) }),
    );
  }
  return dir;
}

describe('loadTrainingData', () => {
  it('has a Node loader for every registered data source', () => {
    expect(Object.keys(DATA_LOADERS).sort()).toEqual(DATA_SOURCES.names().sort());
  });

  it('loads MNIST as the fixed 55,000 / 5,000 / 10,000 split', () => {
    const data = loadTrainingData(resolveConfig({ data: 'mnist' }));
    expect([data.kind, data.train.size, data.validation.size, data.test.size]).toEqual([
      'image',
      55_000,
      5_000,
      10_000,
    ]);
    expect(data.imageShape).toEqual([28, 28]);
    expect(data.summary).toBe(
      'mnist: 55000 train / 5000 validation / 10000 test images 28x28, dynamically binarised',
    );
  });

  it('names a missing text file', () => {
    expect(() => loadTrainingData(resolveConfig({ data: 'text:/no/such/file.txt' }))).toThrow(
      /no\/such\/file\.txt/,
    );
  });
});

describe('loadTrainingData on degenerate text', () => {
  it('names a corpus of 1 or 2 lines, and splits one of 4 as 2 / 1 / 1', () => {
    const one = corpus('one.txt', 'only one line\n');
    expect(() => load(`text:${one}`)).toThrow(
      `text:${one}: 1 sentence, too few to train on: the fixed 90/5/5 split needs at least 4 (2 to train on, 1 for validation, 1 for test); add sentences (a text file holds one per line)`,
    );
    const two = corpus('two.txt', 'first line\nsecond line\n');
    expect(() => load(`text:${two}`)).toThrow(`text:${two}: 2 sentences, too few to train on`);
    const four = corpus('four.txt', sentences(4).join('\n'));
    const data = load(`text:${four}`);
    expect([data.train.size, data.validation.size, data.test.size]).toEqual([2, 1, 1]);
  });

  it('keeps the 90/5/5 split of larger corpora', () => {
    const p = corpus('hundred.txt', sentences(101).join('\n'));
    const data = load(`text:${p}`);
    expect([data.train.size, data.validation.size, data.test.size]).toEqual([91, 5, 5]);
  });

  it('names a corpus whose every line is longer than --max-length, with a value that fits', () => {
    const long = Array.from({ length: 12 }, (_, i) => `${'word '.repeat(5 + (i % 5))}end`);
    const p = corpus('long.txt', long.join('\n'));
    expect(() => load(`text:${p}`, { maxLength: 3 })).toThrow(
      `text:${p}: every sentence is longer than maxLength = 3 words (the 12 sentences have 6 to 10 words) and longer sentences are dropped, so none is left to train on: raise --max-length (maxLength) to 10, which keeps them all; and check that the text holds one sentence per line`,
    );
    // Most lines too long: the held-out splits come out empty.
    const mostly = corpus('mostly-long.txt', [...long, ...long, 'a b', 'c d'].join('\n'));
    expect(() => load(`text:${mostly}`, { maxLength: 3 })).toThrow(
      new RegExp(
        `^text:${mostly.replace(/[.\\/]/g, '\\$&')}: after dropping the 24 of 26 sentences longer than maxLength = 3 words, \\d+ (is|are) left to train on, \\d+ for validation and \\d+ for test; training needs at least 2, 1 and 1: raise --max-length`,
      ),
    );
  });

  it('reads CR-only line endings as lines', () => {
    const p = corpus('cr.txt', sentences(40).join('\r'));
    const data = load(`text:${p}`);
    expect([data.train.size, data.validation.size, data.test.size]).toEqual([36, 2, 2]);
  });

  it('names UTF-16, Latin-1 and binary files', () => {
    const text = `${sentences(40).join('\n')}\n`;
    const u16 = corpus(
      'u16.txt',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
    );
    expect(() => load(`text:${u16}`)).toThrow(`${u16} is UTF-16 text`);
    const latin1 = corpus('latin1.txt', Buffer.from(`${text}café\n`, 'latin1'));
    expect(() => load(`text:${latin1}`)).toThrow(
      new RegExp(
        `${latin1.replace(/[.\\/]/g, '\\$&')} is not valid UTF-8 at byte \\d+ \\(line 41, byte 0xe9\\)`,
      ),
    );
    const binary = corpus(
      'bin.txt',
      Uint8Array.from({ length: 4000 }, (_, i) => (i * 7919) % 256),
    );
    expect(() => load(`text:${binary}`)).toThrow(`${binary} is not UTF-8 text: it holds NUL bytes`);
  });

  it('names a --min-count that leaves no word', () => {
    const p = corpus('rare.txt', sentences(40).join('\n'));
    expect(() => load(`text:${p}`, { minCount: 1000 })).toThrow(
      `text:${p}: no word occurs at least minCount = 1000 times in the 36 training sentences, so the vocabulary holds only the special tokens: lower --min-count (minCount)`,
    );
  });
});

describe('loadTrainingData on degenerate image sets', () => {
  it('carves 10% (not 5,000) out of a training file of at most 50,000 images', () => {
    const dir = idxSet('n5000', [5000, 2, 2], [10, 2, 2]);
    const data = load(`idx:${dir}`);
    expect([data.train.size, data.validation.size, data.test.size]).toEqual([4500, 500, 10]);
    const small = load(`idx:${idxSet('n3', [3, 2, 2], [1, 2, 2])}`);
    expect([small.train.size, small.validation.size, small.test.size]).toEqual([2, 1, 1]);
  });

  it('names a training file of fewer than 3 images', () => {
    for (const n of [0, 2]) {
      const dir = idxSet(`n${n}-train`, [n, 2, 2], [10, 2, 2]);
      expect(() => load(`idx:${dir}`)).toThrow(
        `${join(dir, 'train-images-idx3-ubyte')}: ${n} images, too few: vaekit carves a validation set out of the training images (10%, at least 1) and needs at least 2 more to train on, so at least 3; add images`,
      );
    }
  });

  it('names 0x0 images', () => {
    const dir = idxSet('zero-pixels', [6000, 0, 0], [10, 0, 0]);
    expect(() => load(`idx:${dir}`)).toThrow(
      `loadIdxImages: ${join(dir, 'train-images-idx3-ubyte')} declares 6000 images of 0x0 pixels`,
    );
  });

  it('names a test file without images', () => {
    const dir = idxSet('no-test', [100, 2, 2], [0, 2, 2]);
    expect(() => load(`idx:${dir}`)).toThrow(
      `loadImageSplits: ${join(dir, 't10k-images-idx3-ubyte')} holds no images (its header says 0); vaekit evaluates the trained model on the test images, so it needs at least 1: write the held-out images into it`,
    );
  });

  it('names test images of another size than the training images', () => {
    const dir = idxSet('other-size', [100, 2, 2], [10, 3, 3]);
    expect(() => load(`idx:${dir}`)).toThrow(
      `loadImageSplits: ${join(dir, 't10k-images-idx3-ubyte')} holds 3x3 images but ${join(dir, 'train-images-idx3-ubyte')} holds 2x2; the test images must have the training images' size`,
    );
  });

  it('names a label file of another count than its image file', () => {
    const dir = idxSet('labels', [100, 2, 2], [10, 2, 2], { trainLabels: 99 });
    expect(() => load(`idx:${dir}`)).toThrow(
      `loadIdxImages: ${join(dir, 'train-images-idx3-ubyte')} has 100 images but ${join(dir, 'train-labels-idx1-ubyte')} has 99 labels; the two files must describe the same images`,
    );
  });
});
