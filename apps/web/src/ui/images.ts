import type { Decoded } from '../shared/types';

/**
 * Draw images (pixel values in [0, 1], row-major) as a grid on a canvas, one canvas pixel per
 * image pixel with 1-pixel gaps; CSS scales it up (image-rendering: pixelated).
 */
export function drawImageGrid(
  canvas: HTMLCanvasElement,
  images: { data: Float32Array; n: number; height: number; width: number },
  cols: number,
): void {
  const { data, n, height, width } = images;
  const rows = Math.max(1, Math.ceil(n / cols));
  const gap = 1;
  canvas.width = cols * (width + gap) + gap;
  canvas.height = rows * (height + gap) + gap;
  // Drawn pixel by pixel on the CPU, and read back by tests: keep it in CPU memory.
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  const img = ctx.createImageData(canvas.width, canvas.height);
  img.data.fill(255);
  const size = height * width;
  for (let k = 0; k < n; k++) {
    const ox = gap + (k % cols) * (width + gap);
    const oy = gap + Math.floor(k / cols) * (height + gap);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const v = Math.round(255 * (1 - Math.min(1, Math.max(0, data[k * size + y * width + x]!))));
        const o = ((oy + y) * canvas.width + ox + x) * 4;
        img.data[o] = v;
        img.data[o + 1] = v;
        img.data[o + 2] = v;
      }
    }
  }
  ctx.putImageData(img, 0, 0);
  canvas.dataset['n'] = String(n);
}

/** Fraction of grid pixels that are not white (a blank grid gives 0). For tests and checks. */
export function inkFraction(images: { data: Float32Array }): number {
  let ink = 0;
  for (const v of images.data) if (v > 0.2) ink++;
  return ink / Math.max(1, images.data.length);
}

/** An image canvas with an accessible name. */
export function imageCanvas(label: string, className = 'grid'): HTMLCanvasElement {
  const c = document.createElement('canvas');
  c.className = className;
  c.setAttribute('role', 'img');
  c.setAttribute('aria-label', label);
  c.width = 1;
  c.height = 1;
  return c;
}

/** Draw a decoded item: images to a canvas; sentences to a list. */
export function showDecoded(
  decoded: Decoded,
  canvas: HTMLCanvasElement,
  list: HTMLOListElement | HTMLUListElement,
  cols: number,
): void {
  if (decoded.kind === 'image') {
    canvas.hidden = false;
    list.hidden = true;
    drawImageGrid(canvas, decoded, cols);
  } else {
    canvas.hidden = true;
    list.hidden = false;
    list.replaceChildren(
      ...decoded.sentences.map((s) =>
        Object.assign(document.createElement('li'), { textContent: s || '(empty)' }),
      ),
    );
  }
}
