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
  /**
   * A zlib (RFC 1950) compressor for the image data, e.g. Node's
   * `(raw) => zlib.deflateSync(raw, { level: 9 })`. Default: {@link zlibStored}, which stores
   * the data uncompressed (valid everywhere, no dependency, larger files).
   */
  compress?: (raw: Uint8Array) => Uint8Array;
}

/**
 * Adler-32 (RFC 1950, section 8.2): the checksum that ends a zlib stream.
 *
 * @example
 * ```ts
 * adler32(new TextEncoder().encode('Wikipedia')).toString(16); // '11e60398'
 * ```
 */
export function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  // 5552 is the longest run before b can overflow 2^32 (zlib's NMAX).
  for (let i = 0; i < bytes.length; ) {
    const end = Math.min(i + 5552, bytes.length);
    for (; i < end; i++) {
      a += bytes[i]!;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/**
 * A zlib stream (RFC 1950) holding `raw` in stored, uncompressed deflate blocks (RFC 1951,
 * section 3.2.4: `BTYPE = 00`, at most 65,535 bytes each). Any zlib decoder reads it; it needs
 * no compressor, so it works in every JavaScript runtime.
 *
 * @example
 * ```ts
 * zlibStored(new Uint8Array([1, 2, 3])); // 78 01 01 03 00 fc ff 01 02 03 00 0d 00 07
 * ```
 */
export function zlibStored(raw: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(raw.length / 65535));
  const out = new Uint8Array(2 + blocks * 5 + raw.length + 4);
  out[0] = 0x78; // CM = 8 (deflate), CINFO = 7 (32 KiB window)
  out[1] = 0x01; // FLEVEL = 0, FCHECK makes 0x7801 a multiple of 31
  let o = 2;
  for (let b = 0; b < blocks; b++) {
    const start = b * 65535;
    const len = Math.min(65535, raw.length - start);
    out[o] = b === blocks - 1 ? 1 : 0; // BFINAL, BTYPE = 00
    out[o + 1] = len & 0xff;
    out[o + 2] = len >>> 8;
    out[o + 3] = ~len & 0xff;
    out[o + 4] = (~len >>> 8) & 0xff;
    out.set(raw.subarray(start, start + len), o + 5);
    o += 5 + len;
  }
  new DataView(out.buffer).setUint32(o, adler32(raw));
  return out;
}

/**
 * Encodes 8-bit pixels as a PNG (W3C PNG specification, 2nd ed.): signature, `IHDR`, one
 * zlib `IDAT` (filter type 0 on every row), `IEND`, each chunk with its CRC-32.
 * Dependency-free and browser-safe: the data is stored uncompressed unless `options.compress`
 * is given (the Node trainer passes `zlib.deflateSync`).
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
    chunk('IDAT', (options.compress ?? zlibStored)(raw)),
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
