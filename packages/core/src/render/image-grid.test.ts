import { describe, expect, it } from 'vitest';
import { decodePng } from './__fixtures__/decode-png';
import { imageGrid, imageGridPng, imageGridSvg } from './image-grid';

describe('imageGrid', () => {
  it('places images row by row with scale and padding', () => {
    // Three 2x1 images: [0, 1], [0.5, 0.5], [1, 0] in a 2x2 grid, scale 2, padding 1, black background.
    const imgs = [new Float32Array([0, 1]), new Float32Array([0.5, 0.5]), new Float32Array([1, 0])];
    const g = imageGrid(imgs, {
      rows: 2,
      cols: 2,
      width: 2,
      height: 1,
      scale: 2,
      padding: 1,
      background: 0,
    });
    expect([g.width, g.height]).toEqual([2 * 4 + 3, 2 * 2 + 3]);
    const at = (x: number, y: number) => g.pixels[y * g.width + x];
    expect([at(1, 1), at(2, 2), at(3, 1), at(4, 2)]).toEqual([0, 0, 255, 255]); // image 0
    expect([at(6, 1), at(9, 2)]).toEqual([128, 128]); // image 1
    expect([at(1, 4), at(3, 5)]).toEqual([255, 0]); // image 2, second row
    expect([at(0, 0), at(6, 4)]).toEqual([0, 0]); // padding and the empty cell
  });

  it('infers a square image size and grid shape, clamps and inverts', () => {
    const imgs = Array.from({ length: 5 }, () => new Float32Array(9).fill(2));
    const g = imageGrid(imgs, { scale: 1, padding: 0, invert: true });
    expect([g.width, g.height]).toEqual([9, 6]); // 3 columns, 2 rows of 3x3
    expect(g.pixels[0]).toBe(0);
    expect(imageGrid(new Float32Array(8), { width: 2, height: 2 }).width).toBe(2 * 2 * 2 + 3 * 2);
  });

  it('names bad options', () => {
    const imgs = [new Float32Array(4), new Float32Array(4)];
    expect(() => imageGrid(imgs, { rows: 1, cols: 1 })).toThrow(
      '2 images do not fit in rows*cols = 1*1',
    );
    expect(() => imageGrid([new Float32Array(4), new Float32Array(5)])).toThrow(
      /images\[1\] has 5 values/,
    );
    expect(() => imageGrid([new Float32Array(6)])).toThrow(/not square/);
    expect(() => imageGrid(imgs, { scale: 0 })).toThrow(/scale must be an integer >= 1/);
    expect(() => imageGrid([])).toThrow(/must not be empty/);
  });

  it('PNG and SVG outputs decode to the grid', () => {
    const imgs = Array.from({ length: 4 }, (_, i) => new Float32Array(784).fill(i / 3));
    const opts = { rows: 2, cols: 2, scale: 1, padding: 1 };
    const g = imageGrid(imgs, opts);
    const d = decodePng(imageGridPng(imgs, opts));
    expect([d.width, d.height]).toEqual([59, 59]);
    expect(Array.from(d.pixels)).toEqual(Array.from(g.pixels));
    const svg = imageGridSvg(imgs, opts);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="59" height="59"/);
    const b64 = /href="data:image\/png;base64,([^"]+)"/.exec(svg)![1]!;
    expect(Array.from(decodePng(Buffer.from(b64, 'base64')).pixels)).toEqual(Array.from(g.pixels));
  });
});
