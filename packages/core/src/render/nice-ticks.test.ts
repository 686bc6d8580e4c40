import { describe, expect, it } from 'vitest';
import { formatTick, niceTicks } from './nice-ticks';

describe('niceTicks / formatTick', () => {
  it('spaces ticks 1, 2, 2.5 or 5 x 10^k apart and covers the range', () => {
    expect(niceTicks(0, 10, 4)).toEqual({ ticks: [0, 2.5, 5, 7.5, 10], step: 2.5 });
    expect(niceTicks(0, 10, 4, true)).toEqual({ ticks: [0, 2, 4, 6, 8, 10], step: 2 });
    expect(niceTicks(0.5, 3, 1, true).step).toBe(2);
    expect(niceTicks(0, 0.3, 3, true).step).toBe(1);
    const { ticks } = niceTicks(-0.3, 0.7, 5);
    expect(ticks[0]).toBeCloseTo(-0.2, 12);
    expect(ticks).toContain(0);
  });

  it('labels keep the decimals their step needs (2.5 is not shown as 3)', () => {
    expect(formatTick(2.5, 2.5)).toBe('2.5');
    expect(formatTick(5, 5)).toBe('5');
    expect(formatTick(0.25, 0.05)).toBe('0.25');
    expect(formatTick(20000, 5000)).toBe('20k');
    expect(formatTick(1.5e6, 5e5)).toBe('1.5M');
    expect(formatTick(0, 1)).toBe('0');
  });
});
