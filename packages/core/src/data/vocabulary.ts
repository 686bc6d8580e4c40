import { SPECIAL_TOKENS, SPECIAL_TOKEN_NAMES } from '@vaekit/layers';

const SPECIALS: readonly string[] = SPECIAL_TOKEN_NAMES;

/** Options of {@link Vocabulary.build}. */
export interface VocabularyOptions {
  /** Most tokens kept, the four special tokens included (default: no cap). */
  maxSize?: number;
  /** Fewest occurrences for a word to be kept (default `1`); rarer words map to `<unk>`. */
  minCount?: number;
}

/** The JSON form of a {@link Vocabulary}. */
export interface VocabularyJSON {
  format: 'vaekit-vocabulary';
  version: 1;
  /** All tokens, by id (the four specials first). */
  tokens: string[];
  /** Training-corpus counts of the tokens, by id (0 for the specials), when known. */
  counts?: number[];
}

/**
 * A word ↔ id mapping for sentence models. Ids `0..3` are `<pad>`, `<unk>`, `<bos>`,
 * `<eos>`; words follow in decreasing corpus frequency (ties broken by code-unit order, so a
 * corpus always gives the same vocabulary). Unknown words encode to `<unk>`.
 *
 * @example
 * ```ts
 * const vocab = Vocabulary.build([['the', 'cat'], ['the', 'dog']], { minCount: 1 });
 * vocab.encode(['the', 'cow']); // [4, 1]  (1 = <unk>)
 * vocab.decode([4, 5]);         // ['the', 'cat']
 * const copy = Vocabulary.fromJSON(JSON.parse(JSON.stringify(vocab)));
 * ```
 */
export class Vocabulary {
  /** Id of `<pad>` (always 0, so zero-filled arrays are padding): `SPECIAL_TOKENS.pad` of `@vaekit/layers`. */
  static readonly PAD = SPECIAL_TOKENS.pad;
  /** Id of `<unk>`: `SPECIAL_TOKENS.unk`. */
  static readonly UNK = SPECIAL_TOKENS.unk;
  /** Id of `<bos>`: `SPECIAL_TOKENS.bos`. */
  static readonly BOS = SPECIAL_TOKENS.bos;
  /** Id of `<eos>`: `SPECIAL_TOKENS.eos`. */
  static readonly EOS = SPECIAL_TOKENS.eos;

  private readonly tokens: string[];
  private readonly ids: Map<string, number>;
  private readonly counts: number[] | undefined;

  private constructor(tokens: string[], counts?: number[]) {
    this.tokens = tokens;
    this.counts = counts;
    this.ids = new Map(tokens.map((t, i) => [t, i]));
    if (this.ids.size !== tokens.length) throw new Error('Vocabulary: tokens must be unique');
  }

  /**
   * Builds a vocabulary from tokenised sentences.
   *
   * @example
   * ```ts
   * const vocab = Vocabulary.build(sentences.map((s) => tokenize(s)), { maxSize: 20000, minCount: 2 });
   * ```
   */
  static build(
    sentences: Iterable<readonly string[]>,
    options: VocabularyOptions = {},
  ): Vocabulary {
    const { maxSize = Infinity, minCount = 1 } = options;
    if (!(maxSize === Infinity || (Number.isInteger(maxSize) && maxSize >= SPECIALS.length))) {
      throw new Error(
        `maxSize must be an integer >= ${SPECIALS.length} (the special tokens), got ${maxSize}`,
      );
    }
    if (!Number.isInteger(minCount) || minCount < 1) {
      throw new Error(`minCount must be a positive integer, got ${minCount}`);
    }
    const counts = new Map<string, number>();
    for (const sentence of sentences) {
      for (const t of sentence) counts.set(t, (counts.get(t) ?? 0) + 1);
    }
    for (const s of SPECIALS) counts.delete(s);
    const words = [...counts.entries()]
      .filter(([, c]) => c >= minCount)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, maxSize - SPECIALS.length);
    return new Vocabulary(
      [...SPECIALS, ...words.map(([w]) => w)],
      [0, 0, 0, 0, ...words.map(([, c]) => c)],
    );
  }

  /**
   * Restores a vocabulary from {@link Vocabulary.toJSON}'s output.
   *
   * @example
   * ```ts
   * const vocab = Vocabulary.fromJSON(JSON.parse(fs.readFileSync('vocab.json', 'utf8')));
   * ```
   */
  static fromJSON(json: VocabularyJSON): Vocabulary {
    if (
      json === null ||
      typeof json !== 'object' ||
      json.format !== 'vaekit-vocabulary' ||
      !Array.isArray(json.tokens) ||
      !SPECIALS.every((s, i) => json.tokens[i] === s)
    ) {
      throw new Error(
        "Vocabulary.fromJSON: expected { format: 'vaekit-vocabulary', tokens: ['<pad>', '<unk>', '<bos>', '<eos>', ...] }",
      );
    }
    if (json.counts !== undefined && json.counts.length !== json.tokens.length) {
      throw new Error('Vocabulary.fromJSON: counts must have one entry per token');
    }
    return new Vocabulary([...json.tokens], json.counts ? [...json.counts] : undefined);
  }

  /**
   * Number of tokens, the specials included (the embedding and softmax size).
   *
   * @example
   * ```ts
   * vocab.size; // e.g. 20000
   * ```
   */
  get size(): number {
    return this.tokens.length;
  }

  /**
   * The id of a token (`<unk>`'s id for unknown tokens).
   *
   * @example
   * ```ts
   * vocab.idOf('the'); // 4
   * ```
   */
  idOf(token: string): number {
    return this.ids.get(token) ?? Vocabulary.UNK;
  }

  /**
   * Whether the token is in the vocabulary.
   *
   * @example
   * ```ts
   * vocab.has('zyzzyva'); // false
   * ```
   */
  has(token: string): boolean {
    return this.ids.has(token);
  }

  /**
   * The token with an id.
   *
   * @example
   * ```ts
   * vocab.tokenOf(3); // '<eos>'
   * ```
   */
  tokenOf(id: number): string {
    const t = this.tokens[id];
    if (t === undefined) throw new Error(`id must be an integer in [0, ${this.size}), got ${id}`);
    return t;
  }

  /**
   * The corpus count of a token (0 for specials and unknown tokens or when not recorded).
   *
   * @example
   * ```ts
   * vocab.count('the'); // e.g. 69971 in the Brown corpus
   * ```
   */
  count(token: string): number {
    const id = this.ids.get(token);
    return id === undefined ? 0 : (this.counts?.[id] ?? 0);
  }

  /**
   * Token ids of a tokenised sentence (unknown words → `<unk>`; no `<bos>`/`<eos>` added).
   *
   * @example
   * ```ts
   * vocab.encode(['the', 'cat']); // [4, 5]
   * ```
   */
  encode(tokens: readonly string[]): number[] {
    return tokens.map((t) => this.idOf(t));
  }

  /**
   * Tokens of ids; by default stops at the first `<eos>` and drops `<pad>` and `<bos>`
   * (`raw: true` keeps everything).
   *
   * @example
   * ```ts
   * vocab.decode([2, 4, 5, 3, 0]);              // ['the', 'cat']
   * vocab.decode([2, 4, 3], { raw: true });     // ['<bos>', 'the', '<eos>']
   * ```
   */
  decode(ids: ArrayLike<number>, options: { raw?: boolean } = {}): string[] {
    const out: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (!options.raw) {
        if (id === Vocabulary.EOS) break;
        if (id === Vocabulary.PAD || id === Vocabulary.BOS) continue;
      }
      out.push(this.tokenOf(id));
    }
    return out;
  }

  /**
   * The JSON form (format tag, tokens by id, counts).
   *
   * @example
   * ```ts
   * fs.writeFileSync('vocab.json', JSON.stringify(vocab));
   * ```
   */
  toJSON(): VocabularyJSON {
    return {
      format: 'vaekit-vocabulary',
      version: 1,
      tokens: [...this.tokens],
      ...(this.counts ? { counts: [...this.counts] } : {}),
    };
  }
}
