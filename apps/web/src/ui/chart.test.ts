import { describe, expect, it } from 'vitest';
import { lineChart } from './chart';

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
