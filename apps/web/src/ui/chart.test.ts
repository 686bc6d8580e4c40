import { describe, expect, it } from 'vitest';
import { formatTick, lineChart, niceTicks } from './chart';

describe('niceTicks and formatTick', () => {
  it('gives round ticks and labels a 2.5 step with its decimal', () => {
    const { ticks, step } = niceTicks(0, 10, 4);
    expect(step).toBe(2.5);
    expect(ticks.map((t) => formatTick(t, step))).toEqual(['0', '2.5', '5.0', '7.5', '10.0']);
    expect(niceTicks(0, 10, 4, true).step).toBe(2);
    expect(formatTick(12000, 5000)).toBe('12k');
  });
});

describe('lineChart', () => {
  it('draws axes titles with units, one path per series, dots for markers', () => {
    const svg = lineChart(
      [
        {
          label: 'a',
          color: '#000',
          points: [
            [0, 1],
            [10, 2],
          ],
        },
        { label: 'b', color: '#f00', points: [[5, 1.5]], markers: true },
      ],
      { title: 'KL', xLabel: 'step', yLabel: 'nats', yInclude: 0 },
    );
    expect(svg).toContain('>step</text>');
    expect(svg).toContain('>nats</text>');
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg.match(/<circle /g)).toHaveLength(1);
  });

  it('draws an empty frame without data', () => {
    expect(lineChart([], { title: 't', xLabel: 'x', yLabel: 'y' })).toContain('<svg');
  });
});
