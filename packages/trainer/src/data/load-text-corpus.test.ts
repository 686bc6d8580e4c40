import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTextCorpus } from './load-text-corpus';

const dir = mkdtempSync(join(tmpdir(), 'vaekit-text-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadTextCorpus', () => {
  it('reads one trimmed sentence per line, skipping blank lines (LF and CRLF)', () => {
    const p = join(dir, 'corpus.txt');
    writeFileSync(p, '\uFEFFthe cat sat\r\n\r\n  a dog ran  \nend\n');
    expect(loadTextCorpus(p)).toEqual(['the cat sat', 'a dog ran', 'end']);
  });

  it('rejects an empty corpus and a missing file, naming the file', () => {
    const p = join(dir, 'empty.txt');
    writeFileSync(p, '\n  \n');
    expect(() => loadTextCorpus(p)).toThrow(`loadTextCorpus: ${p} holds no sentences`);
    expect(() => loadTextCorpus(join(dir, 'nope.txt'))).toThrow(/cannot read .*nope\.txt/);
  });
});
