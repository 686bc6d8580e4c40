import { describe, expect, it } from 'vitest';
import { checkXml } from './__fixtures__/check-xml';
import { trainingCurvesSvg } from './training-curves';

const rows = Array.from({ length: 200 }, (_, i) => ({
  step: i * 100,
  epoch: Math.floor(i / 20),
  loss: 200 * Math.exp(-i / 40) + 90,
  elbo: -(200 * Math.exp(-i / 40) + 90),
  kl: 5 + 20 * (1 - Math.exp(-i / 30)),
  activeUnits: Math.min(20, Math.floor(i / 8)),
}));

const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);

describe('trainingCurvesSvg', () => {
  it('is well-formed, with one panel per default metric, axis titles with units, ticks and a legend', () => {
    const svg = trainingCurvesSvg(rows);
    const names = checkXml(svg);
    expect(names[0]).toBe('svg');
    expect(svg.match(/class="panel"/g)).toHaveLength(3);
    const t = texts(svg);
    expect(t.filter((s) => s === 'step')).toHaveLength(3);
    expect(t.filter((s) => s === 'nats')).toHaveLength(2); // loss and KL
    expect(t).toContain('units'); // active units
    expect(t).toContain('active units');
    expect(t).toContain('KL');
    expect(t).toContain('10k'); // x ticks up to 19,900 steps
    expect(svg.match(/class="series"/g)).toHaveLength(3);
    expect(svg).toMatch(/<svg [^>]*width="720" height="720"/);
  });

  it('draws a line through the data: first and last points at the plot corners', () => {
    const svg = trainingCurvesSvg(
      [
        { step: 0, loss: 10 },
        { step: 50, loss: 5 },
        { step: 100, loss: 0 },
      ],
      {
        series: ['loss'],
        width: 400,
        height: 300,
      },
    );
    const d = /data-metric="loss" d="([^"]+)"/.exec(svg)![1]!;
    const pts = [...d.matchAll(/[ML]([\d.]+) ([\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(pts).toHaveLength(3);
    // x spans the plot width (left margin 72, right margin 16); y is padded by 5% of the range.
    expect(pts[0]![0]).toBe(72);
    expect(pts[2]![0]).toBe(384);
    const plotTop = 30;
    const plotH = 300 - 30 - 44;
    expect(pts[0]![1]).toBeCloseTo(plotTop + (0.5 / 11) * plotH, 1);
    expect(pts[1]![1]).toBeCloseTo(plotTop + plotH / 2, 1);
  });

  it('breaks lines at non-finite values, escapes text, honours custom panels and units', () => {
    const svg = trainingCurvesSvg(
      [
        { step: 0, 'a<b': 1 },
        { step: 1, 'a<b': Number.NaN },
        { step: 2, 'a<b': 2 },
        { step: 3, 'a<b': 3 },
      ],
      { series: [{ metrics: ['a<b'], title: 'R&D', unit: 'bits' }] },
    );
    checkXml(svg);
    expect(texts(svg)).toEqual(expect.arrayContaining(['R&amp;D', 'bits', 'a&lt;b']));
    const d = /class="series"[^>]* d="([^"]+)"/.exec(svg)![1]!;
    expect(d.match(/M/g)).toHaveLength(2); // two segments
    expect(svg).toMatch(/<circle /); // the single-point segment
  });

  it('downsamples long runs, keeping extremes', () => {
    const long = Array.from({ length: 100_000 }, (_, i) => ({
      step: i,
      loss: i === 54_321 ? 1000 : Math.sin(i),
    }));
    const svg = trainingCurvesSvg(long, { series: ['loss'], maxPoints: 500 });
    const d = /class="series"[^>]* d="([^"]+)"/.exec(svg)![1]!;
    const n = d.match(/[ML]/g)!.length;
    expect(n).toBeLessThanOrEqual(500);
    expect(n).toBeGreaterThan(250);
    expect(svg.length).toBeLessThan(60_000);
    // The spike survives: some point is at the top of the padded range.
    const ys = [...d.matchAll(/[ML][\d.]+ ([\d.]+)/g)].map((m) => Number(m[1]));
    expect(Math.min(...ys)).toBeLessThan(30 + 0.06 * (240 - 74));
  });

  it('names bad input', () => {
    expect(() => trainingCurvesSvg([])).toThrow(/rows must be a non-empty array/);
    expect(() => trainingCurvesSvg([{ step: 1, foo: 2 }])).toThrow(
      /none of the default metrics.*pass series/,
    );
    expect(() => trainingCurvesSvg(rows, { width: 10 })).toThrow(/width must be a number >= 200/);
    expect(() => trainingCurvesSvg(rows, { series: [{ metrics: [] }] })).toThrow(
      /series\[0\]\.metrics must be/,
    );
  });
});

it('labels ticks with the decimals their step needs (2.5, not 3)', () => {
  const ticks = (max: number) =>
    [
      ...trainingCurvesSvg([
        { step: 0, loss: 0 },
        { step: 10, loss: max },
      ]).matchAll(/>([0-9.]+)<\/text>/g),
    ].map((m) => m[1]);
  expect(ticks(7.5)).toEqual(expect.arrayContaining(['2.5', '5.0', '7.5']));
  expect(ticks(0.75)).toEqual(expect.arrayContaining(['0.25', '0.50', '0.75']));
  expect(ticks(30)).toEqual(expect.arrayContaining(['10', '20', '30']));
});
