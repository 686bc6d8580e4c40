import { type EncodePngOptions, encodePng } from './encode-png';

/** Options of {@link imageGrid}, {@link imageGridPng} and {@link imageGridSvg}. */
export interface ImageGridOptions {
  /** Grid rows (default `ceil(n / cols)`). */
  rows?: number;
  /** Grid columns (default `ceil(sqrt(n))`, or `ceil(n / rows)` when `rows` is given). */
  cols?: number;
  /** Width of each image in pixels (default: `sqrt(image length)`, for square images). */
  width?: number;
  /** Height of each image in pixels (default: `image length / width`). */
  height?: number;
  /** Integer nearest-neighbour upscaling of each image pixel (default `2`). */
  scale?: number;
  /** Output pixels between tiles and around the grid (default `2`). */
  padding?: number;
  /** Intensity in `[0, 1]` of the padding and empty cells (default `1`, white). */
  background?: number;
  /** Draw `1 - x` (dark strokes on white, for print; default `false`). */
  invert?: boolean;
}

/** A grayscale raster: `height * width` bytes, row-major. */
export interface GrayImage {
  pixels: Uint8Array;
  width: number;
  height: number;
}

function checkInt(v: number, name: string, min: number): void {
  if (!Number.isInteger(v) || v < min)
    throw new Error(`${name} must be an integer >= ${min}, got ${v}`);
}

/**
 * Lays out grayscale images (intensities in `[0, 1]`; values outside are clamped, NaN shows as
 * 0) in a `rows × cols` grid, row by row, upscaled by `scale`, with `padding` between tiles.
 * Output size: `cols * width * scale + (cols + 1) * padding` by
 * `rows * height * scale + (rows + 1) * padding`.
 *
 * @param images one `Float32Array` of `height * width` values per image, or all images in one
 *   flat `Float32Array`.
 *
 * @example
 * ```ts
 * const { pixels, width, height } = imageGrid(samples, { rows: 8, cols: 8, width: 28, height: 28 });
 * ```
 */
export function imageGrid(
  images: readonly Float32Array[] | Float32Array,
  options: ImageGridOptions = {},
): GrayImage {
  const { scale = 2, padding = 2, background = 1, invert = false } = options;
  let w = options.width;
  let h = options.height;
  let list: Float32Array[];
  if (images instanceof Float32Array) {
    const size = (w ?? 0) * (h ?? 0);
    if (!size)
      throw new Error('width and height are required when images is one flat Float32Array');
    if (images.length % size !== 0) {
      throw new Error(
        `images has ${images.length} values, not a multiple of width*height = ${size}`,
      );
    }
    list = Array.from({ length: images.length / size }, (_, i) =>
      images.subarray(i * size, (i + 1) * size),
    );
  } else {
    list = [...images];
  }
  const n = list.length;
  if (n === 0) throw new Error('images must not be empty');
  const len = list[0]!.length;
  if (w === undefined && h === undefined) {
    w = Math.round(Math.sqrt(len));
    if (w * w !== len)
      throw new Error(`images have ${len} values, not square: give width and height`);
    h = w;
  } else if (w === undefined) w = len / h!;
  else if (h === undefined) h = len / w;
  checkInt(w, 'width', 1);
  checkInt(h!, 'height', 1);
  const imgH = h!;
  list.forEach((img, i) => {
    if (img.length !== w! * imgH) {
      throw new Error(
        `images[${i}] has ${img.length} values, expected width*height = ${w}*${imgH}`,
      );
    }
  });
  checkInt(scale, 'scale', 1);
  checkInt(padding, 'padding', 0);
  if (!(background >= 0 && background <= 1))
    throw new Error(`background must be in [0, 1], got ${background}`);
  let cols = options.cols;
  let rows = options.rows;
  if (cols === undefined) cols = rows === undefined ? Math.ceil(Math.sqrt(n)) : Math.ceil(n / rows);
  if (rows === undefined) rows = Math.ceil(n / cols);
  checkInt(rows, 'rows', 1);
  checkInt(cols, 'cols', 1);
  if (n > rows * cols) throw new Error(`${n} images do not fit in rows*cols = ${rows}*${cols}`);

  const tileW = w * scale;
  const tileH = imgH * scale;
  const width = cols * tileW + (cols + 1) * padding;
  const height = rows * tileH + (rows + 1) * padding;
  const pixels = new Uint8Array(width * height).fill(Math.round(background * 255));
  const toByte = (v: number) => {
    const x = Number.isNaN(v) ? 0 : Math.min(1, Math.max(0, v));
    return Math.round((invert ? 1 - x : x) * 255);
  };
  list.forEach((img, i) => {
    const x0 = padding + (i % cols) * (tileW + padding);
    const y0 = padding + Math.floor(i / cols) * (tileH + padding);
    for (let y = 0; y < imgH; y++) {
      for (let x = 0; x < w!; x++) {
        const v = toByte(img[y * w! + x]!);
        for (let dy = 0; dy < scale; dy++) {
          const row = (y0 + y * scale + dy) * width + x0 + x * scale;
          pixels.fill(v, row, row + scale);
        }
      }
    }
  });
  return { pixels, width, height };
}

/**
 * {@link imageGrid} encoded as a grayscale PNG (dependency-free, via {@link encodePng}).
 *
 * @example
 * ```ts
 * fs.writeFileSync('samples.png', imageGridPng(samples, { rows: 8, cols: 8, scale: 3 }));
 * ```
 */
export function imageGridPng(
  images: readonly Float32Array[] | Float32Array,
  options: ImageGridOptions & Pick<EncodePngOptions, 'compress'> = {},
): Uint8Array {
  const g = imageGrid(images, options);
  return encodePng(g.pixels, g.width, g.height, {
    ...(options.compress ? { compress: options.compress } : {}),
  });
}

/**
 * {@link imageGrid} as a standalone SVG document: the grid PNG embedded as a data URI in an
 * `<image>` with pixelated rendering (crisp when zoomed), sized to the grid.
 *
 * @example
 * ```ts
 * fs.writeFileSync('reconstructions.svg', imageGridSvg(images, { rows: 2, cols: 10 }));
 * ```
 */
export function imageGridSvg(
  images: readonly Float32Array[] | Float32Array,
  options: ImageGridOptions = {},
): string {
  const g = imageGrid(images, options);
  const data = base64(encodePng(g.pixels, g.width, g.height));
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${g.width}" height="${g.height}" ` +
    `viewBox="0 0 ${g.width} ${g.height}">\n` +
    `<image width="${g.width}" height="${g.height}" image-rendering="pixelated" ` +
    `style="image-rendering:pixelated" href="data:image/png;base64,${data}"/>\n</svg>\n`
  );
}

/** Base64 of bytes with the runtime's `btoa` (browsers, Node >= 16). */
function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
