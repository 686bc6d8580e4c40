import { describe, expect, it } from 'vitest';
import { decodePng } from '../../../core/src/render/__fixtures__/decode-png';
import { imageGridSvg, trainingCurvesSvg } from '@vaekit/core';
import { svgToPng } from './svg-to-png';

describe('svgToPng (resvg)', () => {
  it('rasterises a training-curves chart at the requested scale', () => {
    const rows = Array.from({ length: 50 }, (_, i) => ({
      step: i,
      loss: 100 / (i + 1),
      kl: Math.log(i + 1),
    }));
    const png = svgToPng(trainingCurvesSvg(rows, { width: 400, height: 400 }), { scale: 2 });
    const d = decodePng(png); // checks the signature and every chunk CRC
    expect([d.width, d.height]).toEqual([800, 800]);
    // Some pixels carry the first series colour (#0072B2) and the chart is mostly white.
    let blue = 0;
    let white = 0;
    for (let i = 0; i < d.pixels.length; i += d.channels) {
      const [r, g, b] = [d.pixels[i]!, d.pixels[i + 1]!, d.pixels[i + 2]!];
      if (Math.abs(r - 0x00) < 30 && Math.abs(g - 0x72) < 30 && Math.abs(b - 0xb2) < 30) blue++;
      if (r > 250 && g > 250 && b > 250) white++;
    }
    expect(blue).toBeGreaterThan(500);
    expect(white / (d.width * d.height)).toBeGreaterThan(0.7);
  });

  it('renders an embedded image grid pixel-exactly at scale 1', () => {
    const imgs = [new Float32Array([0, 1, 1, 0]), new Float32Array([1, 0, 0, 1])];
    const d = decodePng(svgToPng(imageGridSvg(imgs, { scale: 3, padding: 1, background: 0.5 })));
    expect([d.width, d.height]).toEqual([2 * 6 + 3, 6 + 2]);
    const grey = (x: number, y: number) => d.pixels[(y * d.width + x) * d.channels]!;
    expect([grey(1, 1), grey(4, 1), grey(0, 0), grey(7, 1), grey(8, 1)]).toEqual([
      0, 255, 128, 128, 255,
    ]);
  });

  it('rejects a malformed SVG', () => {
    expect(() => svgToPng('<svg xmlns="http://www.w3.org/2000/svg"><g></svg>')).toThrow(
      /svgToPng: cannot render the SVG/,
    );
  });
});
