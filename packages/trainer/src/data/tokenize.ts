/** Options of {@link tokenize}. */
export interface TokenizeOptions {
  /** Lower-case the text first (default `true`). */
  lowercase?: boolean;
  /**
   * `'punctuation'` (default): words (letters and digits, with inner apostrophes, hyphens and
   * periods kept: `don't`, `well-known`, `u.s`) and every other non-space character as its own
   * token. `'whitespace'`: split on whitespace only.
   */
  split?: 'punctuation' | 'whitespace';
}

const WORDS = /[\p{L}\p{N}\p{M}]+(?:['’.-][\p{L}\p{N}\p{M}]+)*|[^\s\p{L}\p{N}\p{M}]/gu;

/**
 * Splits a sentence into tokens: lower-cases (by default), then splits into words and single
 * punctuation characters (or on whitespace only).
 *
 * @example
 * ```ts
 * tokenize("The cat's hat, well-known!"); // ['the', "cat's", 'hat', ',', 'well-known', '!']
 * tokenize('A  b', { lowercase: false, split: 'whitespace' }); // ['A', 'b']
 * ```
 */
export function tokenize(text: string, options: TokenizeOptions = {}): string[] {
  const { lowercase = true, split = 'punctuation' } = options;
  const s = lowercase ? text.toLowerCase() : text;
  if (split === 'whitespace') return s.split(/\s+/u).filter((t) => t.length > 0);
  if (split !== 'punctuation') {
    throw new Error(`split must be 'punctuation' or 'whitespace', got ${JSON.stringify(split)}`);
  }
  return s.match(WORDS) ?? [];
}
