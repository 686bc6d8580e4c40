import type { VocabularyJSON } from './data';

/** Special token ids, as @vaekit/trainer's Vocabulary (and the CLI's text models) use. */
export const PAD = 0;
export const UNK = 1;
export const BOS = 2;
export const EOS = 3;
const SPECIALS = ['<pad>', '<unk>', '<bos>', '<eos>'];

const WORDS = /[\p{L}\p{N}\p{M}]+(?:['’.-][\p{L}\p{N}\p{M}]+)*|[^\s\p{L}\p{N}\p{M}]/gu;

/**
 * Splits a sentence into lower-cased words and single punctuation characters (as
 * @vaekit/trainer's `tokenize`). Brown-corpus quotes (`` and ''), `--` and special tokens such
 * as `<unk>` stay whole.
 */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const part of text.toLowerCase().split(/\s+/u)) {
    if (part === '``' || part === "''" || part === '--' || /^<[a-z]+>$/.test(part)) out.push(part);
    else out.push(...(part.match(WORDS) ?? []));
  }
  return out;
}

/** A word <-> id mapping read from the JSON of @vaekit/trainer's `Vocabulary.toJSON()`. */
export class Vocabulary {
  private readonly ids: Map<string, number>;

  constructor(readonly tokens: string[]) {
    this.ids = new Map(tokens.map((t, i) => [t, i]));
  }

  static fromJSON(json: VocabularyJSON): Vocabulary {
    if (
      json === null ||
      typeof json !== 'object' ||
      json.format !== 'vaekit-vocabulary' ||
      !Array.isArray(json.tokens) ||
      !SPECIALS.every((s, i) => json.tokens[i] === s)
    ) {
      throw new Error(
        "the vocabulary is not a vaekit vocabulary ({ format: 'vaekit-vocabulary', tokens: ['<pad>', '<unk>', '<bos>', '<eos>', ...] })",
      );
    }
    return new Vocabulary(json.tokens);
  }

  get size(): number {
    return this.tokens.length;
  }

  encode(words: readonly string[]): number[] {
    return words.map((w) => this.ids.get(w) ?? UNK);
  }

  /** Words of ids: stops at `<eos>`, drops `<pad>` and `<bos>`. */
  decode(ids: ArrayLike<number>): string[] {
    const out: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (id === EOS) break;
      if (id === PAD || id === BOS) continue;
      out.push(this.tokens[id] ?? '<unk>');
    }
    return out;
  }
}
