import { describe, expect, it } from 'vitest';
import { perplexity } from './perplexity';

describe('perplexity', () => {
  it('is exp(total NLL / total tokens)', () => {
    expect(perplexity(2 * Math.log(100), 2)).toBeCloseTo(100, 10);
    // Two sentences of 3 and 4 words: 3 + 1 + 4 + 1 = 9 predicted tokens with their end tokens.
    expect(perplexity(9 * Math.log(50), 9)).toBeCloseTo(50, 10);
    expect(perplexity(0, 5)).toBe(1);
  });

  it('rejects bad arguments, naming them', () => {
    expect(() => perplexity(Number.NaN, 3)).toThrow(/^totalNLL must be a finite number/);
    expect(() => perplexity(3, 0)).toThrow(/^totalTokens must be a positive number/);
  });
});
