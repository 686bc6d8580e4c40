import { readFileSync } from 'node:fs';
import { isGzip } from './read-idx';

/**
 * The offset of the first byte that is not part of a well-formed UTF-8 sequence (the Unicode
 * Standard, table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF), or `-1`.
 */
function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) return i;
    }
    i += need + 1;
  }
  return -1;
}

const hex = (b: number) => `0x${b.toString(16).padStart(2, '0')}`;

function lineOf(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

/**
 * Decodes a corpus file's bytes as UTF-8, or throws naming the file, what it looks like instead
 * (UTF-16, binary, gzip, Latin-1) and the command that converts it.
 */
function decodeUtf8(bytes: Uint8Array, path: string): string {
  const convert = (from: string, or = '') =>
    `convert it with \`iconv -f ${from} -t UTF-8 ${path} > out.txt\`${or} and pass out.txt`;
  if (
    bytes.length >= 2 &&
    ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
  ) {
    throw new Error(
      `loadTextCorpus: ${path} is UTF-16 text (it starts with a UTF-16 byte-order mark); vaekit reads UTF-8: ${convert('UTF-16')}`,
    );
  }
  if (isGzip(bytes)) {
    throw new Error(
      `loadTextCorpus: ${path} is gzip-compressed; vaekit reads plain UTF-8 text: decompress it with \`gunzip -k ${path}\` and pass the decompressed file`,
    );
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    // UTF-16 without a byte-order mark: ASCII text has a NUL in every other byte.
    const sample = bytes.subarray(0, 4096);
    let even = 0;
    let odd = 0;
    for (let i = 0; i < sample.length; i++) if (sample[i] === 0) i % 2 === 0 ? even++ : odd++;
    const half = sample.length / 2;
    if (odd > 0.3 * half && even < 0.05 * half) {
      throw new Error(
        `loadTextCorpus: ${path} is UTF-16 (little-endian) text (a NUL in every other byte); vaekit reads UTF-8: ${convert('UTF-16LE')}`,
      );
    }
    if (even > 0.3 * half && odd < 0.05 * half) {
      throw new Error(
        `loadTextCorpus: ${path} is UTF-16 (big-endian) text (a NUL in every other byte); vaekit reads UTF-8: ${convert('UTF-16BE')}`,
      );
    }
    throw new Error(
      `loadTextCorpus: ${path} is not UTF-8 text: it holds NUL bytes (the first at byte ${nul}), so it is a binary file, or text in UTF-16 or UTF-32; pass a UTF-8 text file with one sentence per line (convert text with \`iconv -f <its encoding> -t UTF-8 ${path} > out.txt\`)`,
    );
  }
  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0) {
    throw new Error(
      `loadTextCorpus: ${path} is not valid UTF-8 at byte ${bad} (line ${lineOf(bytes, bad)}, byte ${hex(bytes[bad]!)}); it is probably Latin-1 or Windows-1252 text: ${convert('LATIN1', ' (or -f CP1252)')}`,
    );
  }
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

/**
 * Reads a plain-text corpus with one sentence per line: UTF-8 (a leading byte-order mark is
 * skipped), lines ended by `\n`, `\r\n` or `\r` (old Mac files). Lines are trimmed and blank
 * lines skipped.
 *
 * @throws Error naming the file when it cannot be read, holds no sentence, or is not UTF-8 text:
 *   UTF-16 (with or without a byte-order mark), binary, gzip-compressed, or invalid UTF-8 such
 *   as Latin-1 (naming the byte and line); each message gives the command that converts it.
 *
 * @example
 * ```ts
 * const sentences = loadTextCorpus('data/ptb.train.txt');
 * ```
 */
export function loadTextCorpus(path: string): string[] {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`loadTextCorpus: cannot read ${path} (${(e as Error).message})`);
  }
  const sentences = decodeUtf8(bytes, path)
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\r|\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  if (sentences.length === 0) {
    throw new Error(
      `loadTextCorpus: ${path} holds no sentences (it is empty or only blank lines); pass a text file with one sentence per line`,
    );
  }
  return sentences;
}
