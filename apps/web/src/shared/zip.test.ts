import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 as nodeCrc32, deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, readZip, writeZip } from './zip';

const bytes = (s: string) => new TextEncoder().encode(s);
const hasUnzip = spawnSync('sh', ['-c', 'command -v unzip']).status === 0;

describe('writeZip / readZip', () => {
  it('computes the CRC-32 zlib computes', () => {
    const data = new Uint8Array(1000).map((_, i) => (i * 7919) & 0xff);
    expect(crc32(data)).toBe(nodeCrc32(data));
    expect(crc32(bytes('123456789'))).toBe(0xcbf43926);
  });

  it('round-trips files (names in UTF-8, binary data, folders)', async () => {
    const entries = [
      { path: 'run/config.json', data: bytes('{"latent":"bn"}\n') },
      { path: 'run/model/weights.bin', data: new Uint8Array(new Float32Array([1, 2, 3]).buffer) },
      { path: 'run/κ.txt', data: bytes('kappa') },
    ];
    const zip = writeZip(entries);
    const back = await readZip(zip);
    expect(back.map((e) => e.path)).toEqual(entries.map((e) => e.path));
    for (const [i, e] of back.entries())
      expect(Array.from(e.data)).toEqual(Array.from(entries[i]!.data));
  });

  it.runIf(hasUnzip)('writes archives that unzip extracts and verifies', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vaekit-zip-'));
    try {
      const data = new Uint8Array(70_000).map((_, i) => (i * 31) & 0xff);
      writeFileSync(
        join(dir, 'a.zip'),
        writeZip([
          { path: 'run/model/weights.bin', data },
          { path: 'run/vaekit-run.json', data: bytes('{}') },
        ]),
      );
      const test = spawnSync('unzip', ['-t', join(dir, 'a.zip')], { encoding: 'utf8' });
      expect(test.stdout).toContain('No errors detected');
      expect(spawnSync('unzip', ['-q', join(dir, 'a.zip'), '-d', dir]).status).toBe(0);
      expect(Array.from(readFileSync(join(dir, 'run/model/weights.bin')))).toEqual(
        Array.from(data),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads deflated entries written by other tools, and refuses damaged archives', async () => {
    const text = bytes('hello hello hello hello');
    const zip = writeZip([{ path: 'a.txt', data: text }]);
    // Re-pack the entry deflated (method 8), as zip(1) would.
    const deflated = new Uint8Array(deflateRawSync(text));
    const view = new DataView(zip.buffer);
    const nameLength = view.getUint16(26, true);
    const local = zip.slice(0, 30 + nameLength);
    new DataView(local.buffer).setUint16(8, 8, true);
    new DataView(local.buffer).setUint32(18, deflated.length, true);
    const centralStart = 30 + nameLength + text.length;
    const central = zip.slice(centralStart, zip.length - 22);
    new DataView(central.buffer).setUint16(10, 8, true);
    new DataView(central.buffer).setUint32(20, deflated.length, true);
    const end = zip.slice(zip.length - 22);
    new DataView(end.buffer).setUint32(16, local.length + deflated.length, true);
    const repacked = new Uint8Array([...local, ...deflated, ...central, ...end]);
    const [entry] = await readZip(repacked);
    expect(new TextDecoder().decode(entry!.data)).toBe('hello hello hello hello');

    await expect(readZip(bytes('not a zip at all, just text'), 'x.zip')).rejects.toThrow(
      /x\.zip is not a ZIP archive/,
    );
    const damaged = zip.slice();
    damaged[30 + nameLength] ^= 0xff; // the first byte of the data
    await expect(readZip(damaged, 'run.zip')).rejects.toThrow(/a\.txt does not match its CRC-32/);
  });
});
