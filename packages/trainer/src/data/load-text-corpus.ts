import { readFileSync } from 'node:fs';

/**
 * Reads a plain-text corpus with one sentence per line (UTF-8; `\n` or `\r\n`). Lines are
 * trimmed and blank lines skipped.
 *
 * @throws Error naming the file when it cannot be read or holds no sentence.
 *
 * @example
 * ```ts
 * const sentences = loadTextCorpus('data/ptb.train.txt');
 * ```
 */
export function loadTextCorpus(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`loadTextCorpus: cannot read ${path} (${(e as Error).message})`);
  }
  const sentences = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  if (sentences.length === 0) {
    throw new Error(`loadTextCorpus: ${path} holds no sentences (it is empty or only blank lines)`);
  }
  return sentences;
}
