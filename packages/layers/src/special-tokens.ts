/**
 * The ids of the four special tokens every vaekit text model and vocabulary shares:
 * `<pad>` 0, `<unk>` 1, `<bos>` 2, `<eos>` 3; words start at id 4.
 *
 * A sentence is the int32 row `<bos> w_1 .. w_n <eos> <pad> ..`:
 * ```
 * [SPECIAL_TOKENS.bos, w_1, .., w_n, SPECIAL_TOKENS.eos, SPECIAL_TOKENS.pad, ..]   w_i >= 4
 * SPECIAL_TOKEN_NAMES[SPECIAL_TOKENS.k] === `<${k}>`   for k in pad, unk, bos, eos
 * ```
 * `TextVAE`, `LSTMTextEncoder` and `LSTMTextDecoder` default their `padId`, `unkId`, `bosId`
 * and `eosId` to these ids, and the trainer's `Vocabulary` numbers its tokens the same way, so
 * a model built with defaults reads the vocabulary's ids correctly. `<pad>` is 0 so that
 * zero-filled (right-padded) batches are padding.
 *
 * Reference: Bowman et al. 2016, "Generating Sentences from a Continuous Space" (sentences framed
 * by start and end tokens; word dropout replaces words by `<unk>`).
 *
 * @example
 * ```ts
 * const { pad, unk, bos, eos } = SPECIAL_TOKENS;  // 0, 1, 2, 3
 * const row = [bos, 17, 42, eos, pad];            // "<bos> w17 w42 <eos> <pad>"
 * ```
 */
export const SPECIAL_TOKENS: Readonly<{ pad: 0; unk: 1; bos: 2; eos: 3 }> = Object.freeze({
  pad: 0,
  unk: 1,
  bos: 2,
  eos: 3,
} as const);

/**
 * The strings of the special tokens, indexed by their id ({@link SPECIAL_TOKENS}): the first four
 * entries of every vocabulary.
 *
 * ```
 * SPECIAL_TOKEN_NAMES = ['<pad>', '<unk>', '<bos>', '<eos>'],   SPECIAL_TOKEN_NAMES[id] for id < 4
 * ```
 * Reference: Bowman et al. 2016, "Generating Sentences from a Continuous Space".
 *
 * @example
 * ```ts
 * const words = [...SPECIAL_TOKEN_NAMES, 'the', 'cat'];  // id 4 is 'the'
 * SPECIAL_TOKEN_NAMES[SPECIAL_TOKENS.eos];               // '<eos>'
 * ```
 */
export const SPECIAL_TOKEN_NAMES: readonly ['<pad>', '<unk>', '<bos>', '<eos>'] = Object.freeze([
  '<pad>',
  '<unk>',
  '<bos>',
  '<eos>',
] as const);
