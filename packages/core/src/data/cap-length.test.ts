import { describe, expect, it } from 'vitest';
import { capLength } from './cap-length';

describe('capLength', () => {
  const s = [['a', 'b', 'c'], ['d'], [], ['e', 'f']];
  it('drops longer (and empty) sentences by default', () => {
    expect(capLength(s, 2)).toEqual({ sentences: [['d'], ['e', 'f']], dropped: 2, truncated: 0 });
  });
  it('truncates when asked', () => {
    expect(capLength(s, 2, 'truncate')).toEqual({
      sentences: [['a', 'b'], ['d'], ['e', 'f']],
      dropped: 1,
      truncated: 1,
    });
  });
  it('names bad parameters', () => {
    expect(() => capLength(s, 0)).toThrow(/maxLength must be a positive integer/);
    expect(() => capLength(s, 2, 'cut' as 'drop')).toThrow(/overflow must be 'drop' or 'truncate'/);
  });
});
