import { TextDataset, Vocabulary, tokenize } from '@vaekit/core';
import { loadBrownCorpus } from '@vaekit/trainer';
import { describe, expect, it } from 'vitest';
import { brownSubset } from './brown-subset';

const lines = loadBrownCorpus({ files: ['ca01', 'ca02', 'ca03'] });
const options = {
  train: 40,
  test: 10,
  minTokens: 4,
  maxTokens: 30,
  vocabularySize: 600,
  maxUnknown: 5,
  seed: 1,
};

describe('brownSubset (the browser data)', () => {
  it('tokenizes and encodes the Brown sentences exactly as the CLI does', () => {
    const subset = brownSubset(lines, options);
    expect(subset.vocabulary.toJSON()).toEqual(
      Vocabulary.build(
        lines.map((l) => tokenize(l)),
        { maxSize: 600 },
      ).toJSON(),
    );
    const cli = new Set(
      TextDataset.fromSentences(lines, { vocabulary: subset.vocabulary }).sentences.map((s) =>
        JSON.stringify(s),
      ),
    );
    expect([subset.train.length, subset.test.length]).toEqual([40, 10]);
    for (const s of [...subset.train, ...subset.test])
      expect(cli.has(JSON.stringify(s))).toBe(true);
    const tokens = [...subset.train, ...subset.test].flatMap((s) => subset.vocabulary.decode(s));
    for (const t of ['``', "''", ',']) expect(tokens).toContain(t);
  });

  it('keeps the lengths and unknown words asked, and picks the same sentences every time', () => {
    const subset = brownSubset(lines, options);
    for (const s of subset.train) {
      expect(s.length).toBeGreaterThanOrEqual(4);
      expect(s.length).toBeLessThanOrEqual(30);
      expect(s.filter((id) => id === Vocabulary.UNK).length).toBeLessThanOrEqual(5);
    }
    expect(brownSubset(lines, options).train).toEqual(subset.train);
    expect(brownSubset(lines, { ...options, seed: 2 }).train).not.toEqual(subset.train);
    expect(() => brownSubset(lines, { ...options, train: 5000 })).toThrow(
      /brownSubset: \d+ sentences have 4 to 30 tokens with at most 5 unknown; 5000 \+ 10 were asked for/,
    );
  });
});
