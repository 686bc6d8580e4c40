import { deflateSync } from 'node:zlib';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/**
 * CRC-32 (ISO 3309 / ITU-T V.42, polynomial `0xEDB88320`, as used by PNG and gzip).
 *
 * @example
 * ```ts
 * crc32(new TextEncoder().encode('123456789')).toString(16); // 'cbf43926'
 * ```
 */
export function crc32(bytes: Uint8Array, initial = 0): number {
  let c = (initial ^ 0xffffffff) >>> 0;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** Options of {@link encodePng}. */
export interface EncodePngOptions {
  /** 1 (grayscale, default), 3 (RGB) or 4 (RGBA) interleaved 8-bit channels. */
  channels?: 1 | 3 | 4;
}

/**
 * Encodes 8-bit pixels as a PNG (W3C PNG specification, 2nd ed.): signature, `IHDR`, one
 * zlib-deflated `IDAT` (filter type 0 on every row), `IEND`, each chunk with its CRC-32.
 * Dependency-free (uses `node:zlib`).
 *
 * @param pixels `height * width * channels` bytes, row-major, channels interleaved.
 *
 * @example
 * ```ts
 * const png = encodePng(new Uint8Array([0, 255, 255, 0]), 2, 2); // a 2x2 checkerboard
 * fs.writeFileSync('checker.png', png);
 * ```
 */
export function encodePng(
  pixels: Uint8Array,
  width: number,
  height: number,
  options: EncodePngOptions = {},
): Uint8Array {
  const channels = options.channels ?? 1;
  if (![1, 3, 4].includes(channels)) throw new Error(`channels must be 1, 3 or 4, got ${channels}`);
  for (const [name, v] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isInteger(v) || v < 1 || v > 0x7fffffff) {
      throw new Error(`${name} must be a positive integer, got ${v}`);
    }
  }
  const stride = width * channels;
  if (pixels.length !== stride * height) {
    throw new Error(
      `pixels has ${pixels.length} bytes, expected width*height*channels = ${width}*${height}*${channels}`,
    );
  }
  const raw = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++)
    raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = channels === 1 ? 0 : channels === 3 ? 2 : 6; // colour type
  const parts = [
    Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
