import { describe, expect, it } from 'vitest';
import { SPECIAL_TOKENS, SPECIAL_TOKEN_NAMES } from '@vaekit/layers';
import { Vocabulary } from './vocabulary';

const sentences = [
  ['the', 'cat', 'sat'],
  ['the', 'dog', 'sat'],
  ['the', 'cat', 'ran'],
  ['a', 'bird'],
];

describe('Vocabulary', () => {
  it('puts the specials first and words by decreasing count, ties in code-unit order', () => {
    const v = Vocabulary.build(sentences);
    expect(v.decode([0, 1, 2, 3], { raw: true })).toEqual(['<pad>', '<unk>', '<bos>', '<eos>']);
    expect(v.tokenOf(SPECIAL_TOKENS.pad)).toBe(SPECIAL_TOKEN_NAMES[0]);
    expect([Vocabulary.PAD, Vocabulary.UNK, Vocabulary.BOS, Vocabulary.EOS]).toEqual([0, 1, 2, 3]);
    expect(v.tokenOf(4)).toBe('the');
    expect([v.tokenOf(5), v.tokenOf(6)]).toEqual(['cat', 'sat']); // both twice
    expect([v.tokenOf(7), v.tokenOf(8), v.tokenOf(9), v.tokenOf(10)]).toEqual([
      'a',
      'bird',
      'dog',
      'ran',
    ]);
    expect(v.size).toBe(11);
    expect(v.count('the')).toBe(3);
  });

  it('applies minCount and maxSize; unknown words encode to <unk>', () => {
    const v = Vocabulary.build(sentences, { minCount: 2 });
    expect(v.size).toBe(7);
    expect(v.encode(['the', 'dog', 'cat'])).toEqual([4, Vocabulary.UNK, 5]);
    const capped = Vocabulary.build(sentences, { maxSize: 5 });
    expect(capped.size).toBe(5);
    expect(capped.has('cat')).toBe(false);
  });

  it('decode stops at <eos> and drops <pad>/<bos>', () => {
    const v = Vocabulary.build(sentences);
    expect(v.decode([2, 4, 5, 3, 6, 0])).toEqual(['the', 'cat']);
    expect(() => v.decode([99])).toThrow(/id must be an integer in \[0, 11\)/);
  });

  it('round-trips through JSON', () => {
    const v = Vocabulary.build(sentences);
    const w = Vocabulary.fromJSON(JSON.parse(JSON.stringify(v)));
    expect(w.toJSON()).toEqual(v.toJSON());
    expect(w.encode(['bird', 'zebra'])).toEqual(v.encode(['bird', 'zebra']));
  });

  it('rejects bad options and malformed JSON', () => {
    expect(() => Vocabulary.build(sentences, { maxSize: 3 })).toThrow(
      /maxSize must be an integer >= 4/,
    );
    expect(() => Vocabulary.build(sentences, { minCount: 0 })).toThrow(
      /minCount must be a positive integer/,
    );
    expect(() => Vocabulary.fromJSON({ tokens: ['a'] } as never)).toThrow(
      /Vocabulary.fromJSON: expected/,
    );
  });
});
