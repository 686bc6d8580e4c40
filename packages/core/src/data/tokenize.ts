/** Options of {@link tokenize}. */
export interface TokenizeOptions {
  /** Lower-case the text first (default `true`). */
  lowercase?: boolean;
  /**
   * `'punctuation'` (default): words (letters and digits, with inner apostrophes, hyphens and
   * periods kept: `don't`, `well-known`, `u.s`) and every other non-space character as its own
   * token, except the tokens that stand whole in the Brown corpus and in vaekit's vocabularies:
   * the quotes ``` `` ``` and `''`, the dash `--`, and special tokens such as `<unk>`.
   * `'whitespace'`: split on whitespace only.
   */
  split?: 'punctuation' | 'whitespace';
}

const WORDS = /[\p{L}\p{N}\p{M}]+(?:['’.-][\p{L}\p{N}\p{M}]+)*|[^\s\p{L}\p{N}\p{M}]/gu;
/** Whitespace-separated parts kept whole: Brown's quotes and dash, `<special>` tokens. */
const WHOLE = /^(?:``|''|--|<[a-z]+>)$/;

/**
 * Splits a sentence into tokens: lower-cases (by default), then splits into words and single
 * punctuation characters (or on whitespace only). The one tokenizer of vaekit: the CLI's
 * corpora, the vocabulary of a run and the web app's explorer all use it, so a sentence typed
 * into the explorer is tokenized as the model's training data was.
 *
 * @example
 * ```ts
 * tokenize("The cat's hat, well-known!"); // ['the', "cat's", 'hat', ',', 'well-known', '!']
 * tokenize("`` Yes -- <unk> ''");         // ['``', 'yes', '--', '<unk>', "''"]
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
  const out: string[] = [];
  for (const part of s.split(/\s+/u)) {
    if (WHOLE.test(part)) out.push(part);
    else for (const token of part.match(WORDS) ?? []) out.push(token);
  }
  return out;
}
