import { Rng } from '../random/rng';

/** Options of {@link splitSentences}. */
export interface SentenceSplitOptions {
  /** Validation sentences: a count, or a fraction in `(0, 1)` (default `0.05`). */
  validation?: number;
  /** Test sentences: a count, or a fraction in `(0, 1)` (default `0.05`). */
  test?: number;
  /** Seed of the split (default `0`). */
  seed?: number;
}

function sizeOf(value: number, n: number, name: string): number {
  if (value > 0 && value < 1) return Math.round(value * n);
  if (Number.isInteger(value) && value >= 0 && value <= n) return value;
  throw new Error(`${name} must be a fraction in (0, 1) or an integer in [0, ${n}], got ${value}`);
}

/**
 * A fixed, seeded train/validation/test split of a corpus without a standard one (such as the
 * Brown corpus): a seeded permutation assigns the first sentences to validation, the next to
 * test and the rest to train; each part keeps corpus order.
 *
 * @example
 * ```ts
 * const { train, validation, test } = splitSentences(loadBrownCorpus(), { validation: 0.05, test: 0.05 });
 * ```
 */
export function splitSentences<T>(
  sentences: readonly T[],
  options: SentenceSplitOptions = {},
): { train: T[]; validation: T[]; test: T[] } {
  const n = sentences.length;
  const v = sizeOf(options.validation ?? 0.05, n, 'validation');
  const t = sizeOf(options.test ?? 0.05, n, 'test');
  if (v + t > n) throw new Error(`validation + test (${v} + ${t}) exceed the ${n} sentences`);
  const perm = new Rng(options.seed ?? 0).permutation(n);
  const pick = (from: number, to: number) =>
    Array.from(perm.slice(from, to).sort(), (i) => sentences[i]!);
  return { validation: pick(0, v), test: pick(v, v + t), train: pick(v + t, n) };
}
