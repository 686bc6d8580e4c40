import { check } from '../internal/validate';

/**
 * Per-token perplexity of a text model from its total negative log-likelihood (in nats) over a
 * corpus and the number of tokens it covers, the end-of-sentence token of every sentence
 * counted (the start token is not predicted, so it is not counted).
 *
 * Mathematical details:
 * ```
 * PPL = exp( sum_sentences NLL(x) / sum_sentences (length(x) + 1) )     (+1: the end token)
 * ```
 * With the importance-sampled NLL ({@link importanceSampledNLL}, K = 500) this is an upper
 * bound on the model's true perplexity.
 *
 * Reference: He et al. 2019, "Lagging Inference Networks and Posterior Collapse in Variational
 * Autoencoders"; Bowman et al. 2016, "Generating Sentences from a Continuous Space".
 *
 * @param totalNLL the summed NLL in nats, finite.
 * @param totalTokens the number of predicted tokens, end tokens included (> 0).
 * @example
 * ```ts
 * perplexity(2 * Math.log(100), 2); // 100
 * ```
 */
export function perplexity(totalNLL: number, totalTokens: number): number {
  check(
    typeof totalNLL === 'number' && Number.isFinite(totalNLL),
    'totalNLL',
    'a finite number (nats)',
    totalNLL,
  );
  check(
    typeof totalTokens === 'number' && Number.isFinite(totalTokens) && totalTokens > 0,
    'totalTokens',
    'a positive number (end tokens included)',
    totalTokens,
  );
  return Math.exp(totalNLL / totalTokens);
}
