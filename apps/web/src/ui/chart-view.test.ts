import { describe, expect, it } from 'vitest';
import { formatValue, lineChart } from './chart';
import { dataRows, nearestPoint } from './chart-view';
import { latestOnly } from './dom';

describe('chart read-outs and data tables', () => {
  it('finds the point nearest to x', () => {
    const pts: [number, number][] = [
      [0, 1],
      [5, 2],
      [10, 3],
    ];
    expect(nearestPoint(pts, 2)).toEqual([0, 1]);
    expect(nearestPoint(pts, 3)).toEqual([5, 2]);
    expect(nearestPoint(pts, 99)).toEqual([10, 3]);
    expect(nearestPoint([], 1)).toBeUndefined();
  });

  it('lays series side by side by x for the data table', () => {
    const rows = dataRows([
      {
        label: 'a',
        color: '#000',
        points: [
          [5, 1],
          [10, 2],
        ],
      },
      {
        label: 'b',
        color: '#000',
        points: [
          [0, 7],
          [10, 8],
        ],
      },
    ]);
    expect(rows).toEqual([
      { x: 0, values: [undefined, 7] },
      { x: 5, values: [1, undefined] },
      { x: 10, values: [2, 8] },
    ]);
    expect(formatValue(1234.5)).toBe('1235');
    expect(formatValue(0.012345)).toBe('0.0123');
    expect(formatValue(60)).toBe('60');
  });

  it('draws a KL floor as a dotted rule at its value, inside the y range', () => {
    const svg = lineChart(
      [
        {
          label: 'kl',
          color: '#000',
          points: [
            [0, 0.1],
            [10, 0.2],
          ],
        },
      ],
      {
        title: 'KL',
        xLabel: 'step',
        yLabel: 'nats',
        yInclude: 0,
        rules: [{ y: 4, color: '#D55E00', label: 'KL floor, BN-VAE' }],
      },
    );
    expect(svg).toMatch(/<line data-role="kl-floor" data-y="4"[^>]*stroke-dasharray/);
    expect(svg).toContain('>KL floor, BN-VAE</text>');
    // The y axis reaches the floor: a tick at 4.
    expect(svg).toMatch(/>4<\/text>/);
  });
});

describe('latestOnly', () => {
  it('never drops the last request made while one runs, and skips the ones in between', async () => {
    const drawn: number[] = [];
    let release: (() => void) | undefined;
    const draw = latestOnly(async (v: number) => {
      drawn.push(v);
      if (v === 1) await new Promise<void>((r) => (release = r));
    });
    const first = draw(1);
    void draw(2);
    void draw(3);
    const last = draw(4);
    release!();
    await Promise.all([first, last]);
    expect(drawn).toEqual([1, 4]);
  });
});
