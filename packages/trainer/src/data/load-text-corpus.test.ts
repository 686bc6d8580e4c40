import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTextCorpus } from './load-text-corpus';

const dir = mkdtempSync(join(tmpdir(), 'vaekit-text-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

describe('loadTextCorpus', () => {
  it('reads one trimmed sentence per line, skipping blank lines (LF and CRLF)', () => {
    const p = file('corpus.txt', '\uFEFFthe cat sat\r\n\r\n  a dog ran  \nend\n');
    expect(loadTextCorpus(p)).toEqual(['the cat sat', 'a dog ran', 'end']);
  });

  it('accepts CR-only (old Mac) and mixed line endings', () => {
    expect(loadTextCorpus(file('cr.txt', 'one\rtwo\r\rthree\r'))).toEqual(['one', 'two', 'three']);
    expect(loadTextCorpus(file('mixed.txt', 'a\r\nb\rc\nd'))).toEqual(['a', 'b', 'c', 'd']);
  });

  it('reads UTF-8 beyond ASCII', () => {
    const p = file('utf8.txt', 'café naïve\n日本語の文\nemoji 😀 here\n');
    expect(loadTextCorpus(p)).toEqual(['café naïve', '日本語の文', 'emoji 😀 here']);
  });

  it('rejects an empty corpus and a missing file, naming the file', () => {
    const p = file('empty.txt', '\n  \n');
    expect(() => loadTextCorpus(p)).toThrow(`loadTextCorpus: ${p} holds no sentences`);
    expect(() => loadTextCorpus(join(dir, 'nope.txt'))).toThrow(/cannot read .*nope\.txt/);
  });

  it('names UTF-16 text (with or without a byte-order mark) and gives the iconv command', () => {
    const text = 'the cat sat\nthe dog ran\n';
    const le = file(
      'le.txt',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
    );
    expect(() => loadTextCorpus(le)).toThrow(
      `loadTextCorpus: ${le} is UTF-16 text (it starts with a UTF-16 byte-order mark); vaekit reads UTF-8: convert it with \`iconv -f UTF-16 -t UTF-8 ${le} > out.txt\``,
    );
    const be = Buffer.from(text, 'utf16le').swap16();
    const bePath = file('be.txt', Buffer.concat([Buffer.from([0xfe, 0xff]), be]));
    expect(() => loadTextCorpus(bePath)).toThrow(/is UTF-16 text .*iconv -f UTF-16 -t UTF-8/);
    const bare = file('bare.txt', Buffer.from(text, 'utf16le'));
    expect(() => loadTextCorpus(bare)).toThrow(
      new RegExp(
        `${bare.replace(/[.\\/]/g, '\\$&')} is UTF-16 \\(little-endian\\) text.*iconv -f UTF-16LE -t UTF-8`,
      ),
    );
    expect(() => loadTextCorpus(file('bare-be.txt', be))).toThrow(/iconv -f UTF-16BE -t UTF-8/);
  });

  it('names a binary file and a gzip-compressed one', () => {
    const png = Uint8Array.from([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49,
    ]);
    const p = file('image.png', png);
    expect(() => loadTextCorpus(p)).toThrow(
      `loadTextCorpus: ${p} is not UTF-8 text: it holds NUL bytes (the first at byte 8), so it is a binary file`,
    );
    const gz = file('corpus.txt.gz', gzipSync('the cat sat\n'));
    expect(() => loadTextCorpus(gz)).toThrow(`${gz} is gzip-compressed`);
  });

  it('names the byte and line of invalid UTF-8 (Latin-1 text) and the iconv command', () => {
    const p = file('latin1.txt', Buffer.from('the cat\nle café\n', 'latin1'));
    expect(() => loadTextCorpus(p)).toThrow(
      `loadTextCorpus: ${p} is not valid UTF-8 at byte 14 (line 2, byte 0xe9); it is probably Latin-1 or Windows-1252 text: convert it with \`iconv -f LATIN1 -t UTF-8 ${p} > out.txt\``,
    );
  });

  it('finds invalid UTF-8 exactly where a fatal TextDecoder does (random bytes)', () => {
    // Valid and invalid pieces: ASCII, 2/3/4-byte sequences, truncated ones, overlong forms
    // (c0 80, e0 80 80), surrogates (ed a0 80), above U+10FFFF (f4 90 80 80), stray bytes.
    const pieces = [
      [0x61],
      [0x61],
      [0x0a],
      [0xc3, 0xa9],
      [0xe2, 0x82, 0xac],
      [0xf0, 0x9f, 0x98, 0x80],
      [0xc3],
      [0xe2, 0x82],
      [0xc0, 0x80],
      [0xe0, 0x80, 0x80],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0x80],
      [0xff],
    ];
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed >>> 8;
    };
    const fatal = new TextDecoder('utf-8', { fatal: true });
    const valid = (b: Uint8Array) => {
      try {
        fatal.decode(b);
        return true;
      } catch {
        return false;
      }
    };
    let invalid = 0;
    for (let trial = 0; trial < 200; trial++) {
      const bytes = Uint8Array.from([
        0x61,
        ...Array.from(
          { length: 6 },
          () => pieces[next() % (trial % 2 ? 6 : pieces.length)]!,
        ).flat(),
      ]);
      const p = file(`random-${trial}.txt`, bytes);
      let at = -1;
      try {
        loadTextCorpus(p);
      } catch (error) {
        const m = /not valid UTF-8 at byte (\d+)/.exec((error as Error).message);
        expect(m, (error as Error).message).not.toBeNull();
        at = Number(m![1]);
      }
      expect(at === -1).toBe(valid(bytes));
      if (at >= 0) {
        invalid++;
        expect(valid(bytes.subarray(0, at))).toBe(true);
        expect(valid(bytes.subarray(0, at + 4))).toBe(false);
      }
    }
    expect(invalid).toBeGreaterThan(50);
  });
});
