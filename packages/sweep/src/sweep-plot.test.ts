import { describe, expect, it } from 'vitest';
import { sweepPlotSvg } from './sweep-plot';

const count = (svg: string, re: RegExp) => svg.match(re)?.length ?? 0;

describe('sweepPlotSvg', () => {
  it('draws one line per group, error bars where n > 1, and a legend', () => {
    const svg = sweepPlotSvg(
      [
        {
          label: 'objective=elbo',
          points: [
            { x: 1, mean: 100, sd: 0.5, n: 3 },
            { x: 5, mean: 99, sd: 0.4, n: 3 },
          ],
        },
        { label: 'objective=iwae & <k>', points: [{ x: 5, mean: 97, sd: 0, n: 1 }] },
      ],
      { xLabel: 'k', yLabel: 'nll', title: 'NLL against k' },
    );
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    // An accessible name for screen readers (and biome's a11y lint on committed plots).
    expect(svg).toMatch(/^<svg [^>]*role="img">\n?<title>NLL against k<\/title>/);
    expect(sweepPlotSvg([], { xLabel: 'k', yLabel: 'nll' })).toContain(
      '<title>nll against k</title>',
    );
    expect(count(svg, /class="series"/g)).toBe(2);
    expect(count(svg, /class="error-bar"/g)).toBe(2);
    expect(count(svg, /<circle /g)).toBe(3);
    // A single point has no line; labels are escaped.
    expect(count(svg, /<path d=/g)).toBe(1);
    expect(svg).toContain('objective=iwae &amp; &lt;k&gt;');
    expect(svg).toContain('NLL (nats)');
    // Two x values, linear: ticks at the values.
    expect(svg).not.toContain('log scale');
    expect(svg).toMatch(/>1<\/text>/);
    expect(svg).toMatch(/>5<\/text>/);
  });

  it('puts strings on x as categories, and numbers spanning 100x on a log scale', () => {
    const cat = sweepPlotSvg(
      [
        {
          label: 'nll',
          points: ['gaussian', 'bn', 'vmf'].map((x, i) => ({ x, mean: i, sd: 0, n: 1 })),
        },
      ],
      { xLabel: 'latent', yLabel: 'nll' },
    );
    for (const x of ['gaussian', 'bn', 'vmf']) expect(cat).toContain(`>${x}</text>`);
    const log = sweepPlotSvg(
      [{ label: 'iwae', points: [1, 10, 1000].map((x) => ({ x, mean: x, sd: 0, n: 1 })) }],
      { xLabel: 'k', yLabel: 'nll' },
    );
    expect(log).toContain('k (log scale)');
    // Evenly spaced on the log scale: 1 -> 10 is half of 10 -> 1000.
    const cx = [...log.matchAll(/<circle cx="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect((cx[2]! - cx[1]!) / (cx[1]! - cx[0]!)).toBeCloseTo(2, 2);
    const linear = sweepPlotSvg(
      [{ label: 'iwae', points: [1, 10, 1000].map((x) => ({ x, mean: x, sd: 0, n: 1 })) }],
      { xLabel: 'k', yLabel: 'nll', scale: 'linear' },
    );
    expect(linear).not.toContain('log scale');
  });

  it('says when there is nothing to draw, and refuses bad options', () => {
    expect(sweepPlotSvg([], { xLabel: 'k', yLabel: 'nll' })).toContain('no finished runs');
    expect(() =>
      sweepPlotSvg([{ label: 'a', points: [{ x: 0, mean: 1, sd: 0, n: 1 }] }], {
        xLabel: 'k',
        yLabel: 'nll',
        scale: 'log',
      }),
    ).toThrow('scale log needs positive numbers on the x axis');
    expect(() => sweepPlotSvg([], { xLabel: 'k', yLabel: 'nll', width: 10 })).toThrow(
      'width must be a number >= 200, got 10',
    );
  });

  it('draws a log y axis: a power law is a straight line, ticks at powers of ten', () => {
    // SNR = K^-1/2 on log-log axes: equal steps in log K give equal steps down.
    const svg = sweepPlotSvg(
      [
        {
          label: 'iwae',
          points: [1, 100, 10000].map((x) => ({ x, mean: x ** -0.5, sd: 0, n: 1 })),
        },
      ],
      { xLabel: 'k', yLabel: 'snr', yScale: 'log' },
    );
    expect(svg).toContain('snr (log scale)');
    const cy = [...svg.matchAll(/<circle cx="[\d.]+" cy="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(cy[1]! - cy[0]!).toBeCloseTo(cy[2]! - cy[1]!, 1);
    expect(cy[1]! > cy[0]!).toBe(true);
    for (const t of ['0.01', '0.1', '1']) expect(svg).toMatch(new RegExp(`>${t}</text>`));
    // Over less than three decades the ticks are 1, 2 and 5 times powers of ten.
    const narrow = sweepPlotSvg(
      [{ label: 'a', points: [1, 5].map((x) => ({ x, mean: x * 3, sd: 0, n: 1 })) }],
      { xLabel: 'k', yLabel: 'snr', yScale: 'log' },
    );
    for (const t of ['5', '10']) expect(narrow).toMatch(new RegExp(`>${t}</text>`));
    // An error bar reaching below zero is cut at a tenth of the mean, not drawn to -infinity.
    const bar = sweepPlotSvg([{ label: 'a', points: [{ x: 1, mean: 2, sd: 3, n: 3 }] }], {
      xLabel: 'k',
      yLabel: 'snr',
      yScale: 'log',
    });
    expect(bar).not.toMatch(/NaN|Infinity/);
    expect(() =>
      sweepPlotSvg([{ label: 'a', points: [{ x: 1, mean: 0, sd: 0, n: 1 }] }], {
        xLabel: 'k',
        yLabel: 'snr',
        yScale: 'log',
      }),
    ).toThrow('yScale log needs positive means on the y axis');
  });

  it('lets lines share a colour and tells them apart by dash, in the legend too', () => {
    const pts = [1, 2].map((x) => ({ x, mean: x, sd: 0, n: 1 }));
    const svg = sweepPlotSvg(
      [
        { label: 'iwae, step 100', points: pts, colour: 0, dash: 'dotted' },
        { label: 'iwae, step 1000', points: pts, colour: 0 },
        { label: 'dreg, step 100', points: pts, colour: 1, dash: 'dashed' },
      ],
      { xLabel: 'k', yLabel: 'snr' },
    );
    expect(count(svg, /stroke="#0072B2" stroke-dasharray="2 3"/g)).toBe(2); // path + legend
    expect(count(svg, /stroke="#D55E00" stroke-dasharray="7 4"/g)).toBe(2);
    expect(count(svg, /stroke="#0072B2" stroke-width/g)).toBe(2); // solid: no dasharray
  });
});
