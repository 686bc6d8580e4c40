import { Rng, Vocabulary, tokenize } from '@vaekit/core';

/** Options of {@link brownSubset}. */
export interface BrownSubsetOptions {
  /** Training and held-out sentences to keep. */
  train: number;
  test: number;
  /** Sentence lengths kept, in tokens. */
  minTokens: number;
  maxTokens: number;
  /** Vocabulary size, the four special tokens included (the most frequent tokens of the corpus). */
  vocabularySize: number;
  /** Most tokens outside the vocabulary a kept sentence may have (readable samples). */
  maxUnknown: number;
  /** Seed of the shuffle that picks the sentences. */
  seed: number;
}

/** The browser's Brown-corpus data: the vocabulary and the picked sentences as token ids. */
export interface BrownSubset {
  vocabulary: Vocabulary;
  /** Token ids without `<bos>` / `<eos>`. */
  train: number[][];
  test: number[][];
  /** Sentences that met the length and vocabulary conditions. */
  candidates: number;
  /** Share of the training tokens that are `<unk>`. */
  unknownShare: number;
}

/**
 * Picks the short sentences the web app trains its text VAE on, from sentences as
 * `@vaekit/trainer`'s `loadBrownCorpus` gives them (tags stripped, lower-cased). They are
 * tokenized with `@vaekit/core`'s `tokenize` and encoded with its `Vocabulary` (built over the
 * whole corpus), exactly as the CLI's data pipeline (`TextDataset.fromSentences`) does, so a
 * model trained in the browser reads sentences as one trained by `vaekit train --data brown`.
 * Deterministic: a seeded shuffle (`Rng`) picks them.
 *
 * @throws Error when fewer sentences than asked meet the conditions.
 * @example
 * ```ts
 * const subset = brownSubset(loadBrownCorpus(), { train: 6000, test: 500, minTokens: 4, maxTokens: 12, vocabularySize: 2500, maxUnknown: 1, seed: 20240601 });
 * ```
 */
export function brownSubset(
  sentences: readonly string[],
  options: BrownSubsetOptions,
): BrownSubset {
  const tokens = sentences.map((s) => tokenize(s));
  const vocabulary = Vocabulary.build(tokens, { maxSize: options.vocabularySize });
  const unknown = (s: readonly string[]) => s.filter((w) => !vocabulary.has(w)).length;
  const kept = tokens.filter(
    (s) =>
      s.length >= options.minTokens &&
      s.length <= options.maxTokens &&
      unknown(s) <= options.maxUnknown,
  );
  if (kept.length < options.train + options.test) {
    throw new Error(
      `brownSubset: ${kept.length} sentences have ${options.minTokens} to ${options.maxTokens} tokens with at most ${options.maxUnknown} unknown; ${options.train} + ${options.test} were asked for`,
    );
  }
  const order = new Rng(options.seed).permutation(kept.length);
  const picked = Array.from(order.subarray(0, options.train + options.test), (i) => kept[i]!);
  const train = picked.slice(0, options.train);
  const test = picked.slice(options.train);
  const trainTokens = train.reduce((n, s) => n + s.length, 0);
  return {
    vocabulary,
    train: train.map((s) => vocabulary.encode(s)),
    test: test.map((s) => vocabulary.encode(s)),
    candidates: kept.length,
    unknownShare: train.reduce((n, s) => n + unknown(s), 0) / Math.max(1, trainTokens),
  };
}
