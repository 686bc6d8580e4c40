import { describe, expect, it } from 'vitest';
import { tokenize } from './tokenize';

describe('tokenize', () => {
  it('lower-cases and splits punctuation off words', () => {
    expect(tokenize("The cat's hat, well-known!")).toEqual([
      'the',
      "cat's",
      'hat',
      ',',
      'well-known',
      '!',
    ]);
    expect(tokenize('"Hello," she said... (2.5 km)')).toEqual([
      '"',
      'hello',
      ',',
      '"',
      'she',
      'said',
      '.',
      '.',
      '.',
      '(',
      '2.5',
      'km',
      ')',
    ]);
    expect(tokenize('Ça coûte 10€')).toEqual(['ça', 'coûte', '10', '€']);
  });

  it('keeps case and splits on whitespace when asked', () => {
    expect(tokenize(' A  b,\tc ', { lowercase: false, split: 'whitespace' })).toEqual([
      'A',
      'b,',
      'c',
    ]);
    expect(tokenize('   ')).toEqual([]);
    expect(() => tokenize('a', { split: 'chars' as 'whitespace' })).toThrow(/split must be/);
  });

  it('keeps the Brown corpus quotes and dash and special tokens whole', () => {
    // The sentence that tokenized differently in the CLI and the web app before they shared this.
    const line = "`` The jury -- said <unk> '' ok";
    expect(tokenize(line)).toEqual(['``', 'the', 'jury', '--', 'said', '<unk>', "''", 'ok']);
    // Only whole whitespace-separated parts are kept: inside a word they split as before.
    expect(tokenize('a--b <x>y')).toEqual(['a', '-', '-', 'b', '<', 'x', '>', 'y']);
  });
});
