import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@vaekit/test-utils';
import { describe, expect, it } from 'vitest';
import { Rng } from '../random/rng';
import { splitSentences } from './split-sentences';
import { TextDataset } from './text-dataset';

const corpus = [
  'The cat sat.',
  'A dog ran away from the cat!',
  'The end',
  'one two three four five six seven eight nine ten eleven',
  'Birds fly.',
];

describe('TextDataset', () => {
  it('tokenises, caps, builds the vocabulary and encodes', () => {
    const ds = TextDataset.fromSentences(corpus, { maxLength: 8 });
    expect(ds.size).toBe(4);
    expect(ds.dropped).toBe(1);
    expect(ds.vocabulary.decode(ds.sentences[0]!)).toEqual(['the', 'cat', 'sat', '.']);
    const valid = TextDataset.fromSentences(['the zebra'], { vocabulary: ds.vocabulary });
    expect(valid.sentences[0]).toEqual([ds.vocabulary.idOf('the'), 1]);
  });

  it('batches cover the data once per epoch; resuming with startBatch reproduces the batches', async () => {
    const ds = TextDataset.fromSentences(corpus, { maxLength: 8, overflow: 'truncate' });
    const read = async (rng: Rng, startBatch = 0) => {
      const out: number[][] = [];
      for (const b of ds.batches(rng, { batchSize: 2, wordDropout: 0.5, startBatch })) {
        expect(b.inputs.shape[0]).toBe(b.indices.length);
        out.push([...b.indices], Array.from(await b.inputs.data()));
        tf.dispose([b.inputs, b.targets, b.lengths, b.mask]);
      }
      return out;
    };
    const rng = new Rng(4);
    const saved = rng.state();
    const full = await read(rng);
    const visited = full
      .filter((_, i) => i % 2 === 0)
      .flat()
      .sort();
    expect(visited).toEqual([0, 1, 2, 3, 4]);
    expect(await read(Rng.fromState(saved), 1)).toEqual(full.slice(2));
    await expectNoLeaks(() => [...ds.batches(new Rng(0), { batchSize: 3 })]);
  });

  it('rejects ids outside the vocabulary and bad options', () => {
    const ds = TextDataset.fromSentences(corpus);
    expect(() => new TextDataset([[999]], ds.vocabulary)).toThrow(/sentences\[0\] has id 999/);
    expect(() => [...ds.batches(new Rng(0), { batchSize: 0 })]).toThrow(
      /batchSize must be a positive integer/,
    );
  });
});

describe('splitSentences', () => {
  it('is a fixed, disjoint, exhaustive split that keeps corpus order', () => {
    const s = Array.from({ length: 100 }, (_, i) => `s${i}`);
    const a = splitSentences(s, { validation: 10, test: 0.2, seed: 1 });
    expect([a.train.length, a.validation.length, a.test.length]).toEqual([70, 10, 20]);
    expect(splitSentences(s, { validation: 10, test: 0.2, seed: 1 })).toEqual(a);
    expect([...a.train, ...a.validation, ...a.test].sort()).toEqual([...s].sort());
    const idx = a.train.map((x) => Number(x.slice(1)));
    expect(idx).toEqual([...idx].sort((p, q) => p - q));
    expect(() => splitSentences(s, { validation: 60, test: 50 })).toThrow(
      /exceed the 100 sentences/,
    );
  });
});
