/** What {@link capLength} does with a sentence longer than `maxLength` tokens. */
export type LengthOverflow = 'drop' | 'truncate';

/** Result of {@link capLength}. */
export interface CappedSentences<T> {
  /** The kept sentences, in input order (truncated ones cut to `maxLength`). */
  sentences: T[][];
  /** How many sentences were longer than `maxLength` and dropped. */
  dropped: number;
  /** How many were truncated. */
  truncated: number;
}

/**
 * Caps sentence length at `maxLength` tokens (counting words only: the `<bos>`/`<eos>` added
 * by {@link padSequences} come on top, so the model sees at most `maxLength + 1` steps).
 *
 * - `'drop'` (the default, as in Bowman et al., 2016): longer sentences are removed, so every
 *   training target ends with a real end of sentence.
 * - `'truncate'`: longer sentences are cut to their first `maxLength` tokens; their `<eos>`
 *   target then marks the cut, not a real sentence end.
 *
 * Empty sentences are dropped in both modes (and counted in `dropped`).
 *
 * @example
 * ```ts
 * const { sentences, dropped } = capLength([['a', 'b', 'c'], ['d']], 2); // [['d']], 1
 * capLength([['a', 'b', 'c']], 2, 'truncate').sentences;                  // [['a', 'b']]
 * ```
 */
export function capLength<T>(
  sentences: readonly (readonly T[])[],
  maxLength: number,
  overflow: LengthOverflow = 'drop',
): CappedSentences<T> {
  if (!(maxLength === Infinity || (Number.isInteger(maxLength) && maxLength >= 1))) {
    throw new Error(`maxLength must be a positive integer (or Infinity), got ${maxLength}`);
  }
  if (overflow !== 'drop' && overflow !== 'truncate') {
    throw new Error(`overflow must be 'drop' or 'truncate', got ${JSON.stringify(overflow)}`);
  }
  const out: T[][] = [];
  let dropped = 0;
  let truncated = 0;
  for (const s of sentences) {
    if (s.length === 0) dropped++;
    else if (s.length <= maxLength) out.push([...s]);
    else if (overflow === 'drop') dropped++;
    else {
      out.push(s.slice(0, maxLength));
      truncated++;
    }
  }
  return { sentences: out, dropped, truncated };
}
