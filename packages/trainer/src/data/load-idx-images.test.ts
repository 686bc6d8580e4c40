import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { loadIdxImages } from './load-idx-images';
import { encodeIdx } from './read-idx';

const root = mkdtempSync(join(tmpdir(), 'vaekit-idximg-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Writes a tiny IDX image set (n images of 2x3 pixels, pixel value = 10*i + k) to a new dir. */
function fixture(name: string, opts: { gzip?: boolean; n?: number; labels?: number } = {}): string {
  const dir = join(root, name);
  mkdirSync(dir);
  const n = opts.n ?? 4;
  const pixels = Uint8Array.from({ length: n * 6 }, (_, j) => 10 * Math.floor(j / 6) + (j % 6));
  const labels = Uint8Array.from({ length: opts.labels ?? n }, (_, i) => i % 10);
  const write = (file: string, bytes: Uint8Array) =>
    writeFileSync(join(dir, opts.gzip ? `${file}.gz` : file), opts.gzip ? gzipSync(bytes) : bytes);
  for (const prefix of ['train', 't10k']) {
    write(
      `${prefix}-images-idx3-ubyte`,
      encodeIdx({ type: 'ubyte', dims: [n, 2, 3], data: pixels }),
    );
    write(
      `${prefix}-labels-idx1-ubyte`,
      encodeIdx({ type: 'ubyte', dims: [labels.length], data: labels }),
    );
  }
  return dir;
}

describe('loadIdxImages', () => {
  it('loads images scaled to [0, 1] with shape [N, H*W] and labels', () => {
    const set = loadIdxImages(fixture('plain'), { split: 'test' });
    expect([set.count, set.height, set.width]).toEqual([4, 2, 3]);
    expect(set.images).toBeInstanceOf(Float32Array);
    expect(set.images.length).toBe(24);
    expect(set.images[7]).toBeCloseTo(11 / 255, 7); // image 1, pixel 1
    expect(Array.from(set.labels)).toEqual([0, 1, 2, 3]);
    expect(set.source.endsWith('t10k-images-idx3-ubyte')).toBe(true);
  });

  it('reads gzip-compressed sets identically', () => {
    const a = loadIdxImages(fixture('a'));
    const b = loadIdxImages(fixture('b', { gzip: true }));
    expect(Array.from(b.images)).toEqual(Array.from(a.images));
    expect(b.source.endsWith('.gz')).toBe(true);
  });

  it('names the missing file and mismatched counts', () => {
    const empty = join(root, 'empty');
    mkdirSync(empty);
    expect(() => loadIdxImages(empty)).toThrow(/no train-images-idx3-ubyte\[\.gz\] in .*empty/);
    expect(() => loadIdxImages(fixture('bad', { labels: 3 }))).toThrow(
      /has 4 images but .* has 3 labels; the two files must describe the same images: re-download or re-export them together$/,
    );
    expect(() => loadIdxImages(root, { split: 'valid' as 'train' })).toThrow(
      /split must be 'train' or 'test'/,
    );
  });

  it('rejects images of 0x0 pixels, naming the file', () => {
    const dir = join(root, 'zero-pixels');
    mkdirSync(dir);
    const images = join(dir, 'train-images-idx3-ubyte');
    writeFileSync(images, encodeIdx({ type: 'ubyte', dims: [7, 0, 0], data: new Uint8Array(0) }));
    writeFileSync(
      join(dir, 'train-labels-idx1-ubyte'),
      encodeIdx({ type: 'ubyte', dims: [7], data: new Uint8Array(7) }),
    );
    expect(() => loadIdxImages(dir)).toThrow(
      `loadIdxImages: ${images} declares 7 images of 0x0 pixels (header dims 7x0x0); images need at least 1x1 pixel: the file is damaged or is not an image set (re-download or re-export it)`,
    );
  });

  const fashion = '/usr/share/datasets/fashion-mnist';
  it.skipIf(!existsSync(fashion))('loads Debian Fashion-MNIST (gzip) when installed', () => {
    const test = loadIdxImages(fashion, { split: 'test' });
    expect([test.count, test.height, test.width]).toEqual([10000, 28, 28]);
    const counts = new Array(10).fill(0);
    for (const l of test.labels) counts[l]++;
    expect(counts).toEqual(new Array(10).fill(1000)); // balanced classes
    expect(test.labels[0]).toBe(9); // ankle boot
  });
});
