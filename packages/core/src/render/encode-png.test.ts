import { deflateSync, crc32 as nodeCrc32, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodePng } from './__fixtures__/decode-png';
import { adler32, crc32, encodePng, zlibStored } from './encode-png';

describe('encodePng', () => {
  it('crc32 matches the check value and node:zlib', () => {
    const bytes = new TextEncoder().encode('123456789');
    expect(crc32(bytes)).toBe(0xcbf43926);
    const random = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7919) & 0xff);
    expect(crc32(random)).toBe(nodeCrc32(random));
  });

  it('writes a valid grayscale PNG (signature, IHDR, CRCs) that decodes to the pixels', () => {
    const pixels = Uint8Array.from({ length: 5 * 3 }, (_, i) => i * 17);
    const png = encodePng(pixels, 5, 3);
    const d = decodePng(png);
    expect([d.width, d.height, d.colorType]).toEqual([5, 3, 0]);
    expect(d.chunks).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect(Array.from(d.pixels)).toEqual(Array.from(pixels));
  });

  it('writes RGB and RGBA', () => {
    const rgba = Uint8Array.from([255, 0, 0, 255, 0, 255, 0, 128]);
    const d = decodePng(encodePng(rgba, 2, 1, { channels: 4 }));
    expect([d.colorType, d.channels]).toEqual([6, 4]);
    expect(Array.from(d.pixels)).toEqual(Array.from(rgba));
    expect(decodePng(encodePng(new Uint8Array(6), 1, 2, { channels: 3 })).colorType).toBe(2);
  });

  it('names bad arguments', () => {
    expect(() => encodePng(new Uint8Array(3), 2, 2)).toThrow(
      /pixels has 3 bytes, expected width\*height\*channels = 2\*2\*1/,
    );
    expect(() => encodePng(new Uint8Array(0), 0, 1)).toThrow(/width must be a positive integer/);
    expect(() => encodePng(new Uint8Array(2), 1, 1, { channels: 2 as 1 })).toThrow(
      /channels must be 1, 3 or 4/,
    );
  });

  it('stores uncompressed zlib streams that zlib inflates, with the Adler-32 check value', () => {
    expect(adler32(new TextEncoder().encode('Wikipedia'))).toBe(0x11e60398);
    for (const n of [0, 1, 65535, 65536, 200_000]) {
      const raw = Uint8Array.from({ length: n }, (_, i) => (i * 31 + (i >> 9)) & 0xff);
      expect(Buffer.compare(inflateSync(zlibStored(raw)), Buffer.from(raw))).toBe(0);
    }
  });

  it('uses a given compressor and decodes to the same pixels', () => {
    const pixels = Uint8Array.from({ length: 64 * 64 }, (_, i) => (i % 64 < 32 ? 0 : 255));
    const stored = encodePng(pixels, 64, 64);
    const deflated = encodePng(pixels, 64, 64, { compress: (r) => deflateSync(r, { level: 9 }) });
    expect(deflated.length).toBeLessThan(stored.length / 10);
    expect(Array.from(decodePng(deflated).pixels)).toEqual(Array.from(decodePng(stored).pixels));
  });
});
