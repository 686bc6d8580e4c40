import { describe, expect, it } from 'vitest';
import { Vocabulary, tokenize } from './vocabulary';

describe('tokenize', () => {
  it('splits words and punctuation and keeps Brown quotes and special tokens whole', () => {
    expect(tokenize("`` Don't go, <unk> said the well-known man ''")).toEqual([
      '``',
      "don't",
      'go',
      ',',
      '<unk>',
      'said',
      'the',
      'well-known',
      'man',
      "''",
    ]);
  });
});

describe('Vocabulary', () => {
  const vocab = Vocabulary.fromJSON({
    format: 'vaekit-vocabulary',
    version: 1,
    tokens: ['<pad>', '<unk>', '<bos>', '<eos>', 'the', 'cat'],
  });
  it('encodes unknown words to <unk> and decodes up to <eos>', () => {
    expect(vocab.encode(['the', 'dog'])).toEqual([4, 1]);
    expect(vocab.decode([2, 4, 5, 3, 4, 0])).toEqual(['the', 'cat']);
  });
  it('refuses a JSON that is not a vaekit vocabulary', () => {
    expect(() => Vocabulary.fromJSON({ format: 'x', tokens: [] } as never)).toThrow(
      /not a vaekit vocabulary/,
    );
  });
});
