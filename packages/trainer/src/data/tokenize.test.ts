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
});
