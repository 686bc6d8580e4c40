import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeIdx, readIdx } from './read-idx';

const dir = mkdtempSync(join(tmpdir(), 'vaekit-idx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A hand-written IDX file: magic 00 00 08 03, dims 2, 2, 3 big-endian, then 12 bytes. */
const HAND = Uint8Array.from([
  0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3, 0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255,
]);

describe('readIdx', () => {
  it('parses a hand-written ubyte file', () => {
    const a = readIdx(HAND);
    expect(a.type).toBe('ubyte');
    expect(a.dims).toEqual([2, 2, 3]);
    expect(Array.from(a.data)).toEqual([0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]);
  });

  it('reads plain and gzip files from disk identically', () => {
    writeFileSync(join(dir, 'plain-idx3-ubyte'), HAND);
    writeFileSync(join(dir, 'zipped-idx3-ubyte.gz'), gzipSync(HAND));
    const plain = readIdx(join(dir, 'plain-idx3-ubyte'));
    const zipped = readIdx(join(dir, 'zipped-idx3-ubyte.gz'));
    expect(zipped.dims).toEqual(plain.dims);
    expect(Array.from(zipped.data)).toEqual(Array.from(plain.data));
  });

  it('decodes big-endian multi-byte types (hand-written bytes)', () => {
    // int: dims [2]: 0x00000102 = 258, 0xfffffffe = -2
    const ints = readIdx(
      Uint8Array.from([0, 0, 0x0c, 1, 0, 0, 0, 2, 0, 0, 1, 2, 255, 255, 255, 254]),
    );
    expect(ints.type).toBe('int');
    expect(Array.from(ints.data)).toEqual([258, -2]);
    // float: 0x3fc00000 = 1.5; short: 0xff00 = -256
    expect(
      Array.from(readIdx(Uint8Array.from([0, 0, 0x0d, 1, 0, 0, 0, 1, 0x3f, 0xc0, 0, 0])).data),
    ).toEqual([1.5]);
    expect(Array.from(readIdx(Uint8Array.from([0, 0, 0x0b, 1, 0, 0, 0, 1, 0xff, 0])).data)).toEqual(
      [-256],
    );
  });

  it('encodeIdx round-trips every type', () => {
    const cases = [
      { type: 'ubyte', data: Uint8Array.from([0, 7, 255]) },
      { type: 'byte', data: Int8Array.from([-128, 0, 127]) },
      { type: 'short', data: Int16Array.from([-30000, 1, 30000]) },
      { type: 'int', data: Int32Array.from([-(2 ** 31), 5, 2 ** 31 - 1]) },
      { type: 'float', data: Float32Array.from([-1.25, 0, 3.5e10]) },
      { type: 'double', data: Float64Array.from([Math.PI, -0, 1e-300]) },
    ] as const;
    for (const c of cases) {
      const back = readIdx(encodeIdx({ type: c.type, dims: [3], data: c.data }));
      expect(back.type).toBe(c.type);
      expect(Array.from(back.data)).toEqual(Array.from(c.data));
    }
  });

  it('rejects a gzip-in-gzip (wrong magic), naming the file and the expected magic', () => {
    writeFileSync(join(dir, 't10k-images-idx3-ubyte'), gzipSync(gzipSync(HAND)));
    expect(() =>
      readIdx(join(dir, 't10k-images-idx3-ubyte'), {
        expect: { type: 'ubyte', rank: 3, what: 'images' },
      }),
    ).toThrow(
      /^t10k-images-idx3-ubyte: not an IDX file \(magic 0x1f8b08.., expected 0x00000803 for images\)$/,
    );
  });

  it('rejects labels given where images are expected', () => {
    const labels = encodeIdx({ type: 'ubyte', dims: [3], data: new Uint8Array(3) });
    expect(() =>
      readIdx(labels, { name: 'x', expect: { type: 'ubyte', rank: 3, what: 'images' } }),
    ).toThrow(
      /x: unexpected IDX header \(magic 0x00000801: ubyte, rank 1; expected 0x00000803 for images\)/,
    );
  });

  it('rejects truncated data, trailing bytes, a truncated header and bad gzip', () => {
    expect(() => readIdx(HAND.subarray(0, HAND.length - 1), { name: 'a' })).toThrow(
      'a: dims 2x2x3 need 12 bytes of ubyte data, file has 11 (truncated)',
    );
    expect(() => readIdx(Uint8Array.from([...HAND, 0]), { name: 'b' })).toThrow(
      /file has 13 \(trailing bytes\)/,
    );
    expect(() => readIdx(HAND.subarray(0, 10), { name: 'c' })).toThrow(/c: truncated IDX header/);
    expect(() => readIdx(gzipSync(HAND).subarray(0, 20), { name: 'd' })).toThrow(
      /d: corrupt gzip data/,
    );
    expect(() => readIdx(Uint8Array.from([0, 0, 0x42, 1]), { name: 'e' })).toThrow(
      /e: not an IDX file \(magic 0x00004201/,
    );
    expect(() => readIdx(join(dir, 'missing'))).toThrow(/missing: cannot read IDX file/);
  });
});
