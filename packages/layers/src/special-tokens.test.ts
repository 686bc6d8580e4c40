import { describe, expect, it } from 'vitest';
import { SPECIAL_TOKENS, SPECIAL_TOKEN_NAMES } from './special-tokens';

describe('SPECIAL_TOKENS', () => {
  it("is the trainer's convention: <pad> 0, <unk> 1, <bos> 2, <eos> 3", () => {
    expect({ ...SPECIAL_TOKENS }).toEqual({ pad: 0, unk: 1, bos: 2, eos: 3 });
    expect([...SPECIAL_TOKEN_NAMES]).toEqual(['<pad>', '<unk>', '<bos>', '<eos>']);
  });

  it('names each id by its string', () => {
    for (const [key, id] of Object.entries(SPECIAL_TOKENS)) {
      expect(SPECIAL_TOKEN_NAMES[id]).toBe(`<${key}>`);
    }
  });

  it('cannot be changed at run time', () => {
    expect(Object.isFrozen(SPECIAL_TOKENS)).toBe(true);
    expect(Object.isFrozen(SPECIAL_TOKEN_NAMES)).toBe(true);
  });
});
