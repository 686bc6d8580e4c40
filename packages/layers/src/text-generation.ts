import * as tf from '@tensorflow/tfjs-core';
import { gumbelMax } from './internal/gumbel-max';
import { check } from './internal/validate';
import { deriveSeed } from '@vaekit/distributions/internal';

/** Options of text generation ({@link LSTMTextDecoder.generate}, {@link TextVAE.generate}). */
export interface GenerateOptions {
  /** `'greedy'` (default), `'sample'` (temperature sampling) or `'beam'` (beam search). */
  method?: 'greedy' | 'sample' | 'beam';
  /** Maximum number of generated tokens, `<eos>` included (default 30). */
  maxLength?: number;
  /** Sampling temperature `> 0` (default 1): `p ∝ exp(logits / temperature)`. */
  temperature?: number;
  /** Beam width `>= 1` (default 5). */
  beamWidth?: number;
  /** Seed of the sampler: the same seed and `z` give the same sentences. */
  seed?: number;
}

/** What the searches need from a decoder: one step of the conditional language model. */
export interface TextStepModel {
  readonly vocabSize: number;
  readonly bosId: number;
  readonly eosId: number;
  /** Initial recurrent state for latents `z` `[M, d]`. */
  initialState(z: tf.Tensor): tf.Tensor[];
  /** Logits `[M, V]` of the next token given the previous tokens `[M]`, and the next state. */
  step(
    tokens: tf.Tensor1D,
    z: tf.Tensor,
    state: tf.Tensor[],
  ): { logits: tf.Tensor2D; state: tf.Tensor[] };
}

const NEG = -1e9;

/**
 * Generate token sequences from latents `z` `[N, d]` with a conditional language model: greedy
 * decoding, temperature sampling, or beam search (sum of token log-probabilities, best beam).
 * Returns, per row, the tokens after `<bos>` up to (excluding) `<eos>`.
 *
 * ```
 * greedy:  x_t = argmax_v p(v | x_<t, z)
 * sample:  x_t ~ softmax(logits_t / temperature)
 * beam:    keep the `beamWidth` prefixes of highest log p(x_<=t | z); finished beams carry over
 * ```
 * Reference: Bowman et al. 2016, "Generating Sentences from a Continuous Space" (greedy decoding
 * from z); beam search as in Sutskever, Vinyals & Le 2014.
 */
export function generateTokens(
  model: TextStepModel,
  z: tf.Tensor,
  options: GenerateOptions = {},
): number[][] {
  const { method = 'greedy', maxLength = 30, temperature = 1, beamWidth = 5, seed } = options;
  check(
    ['greedy', 'sample', 'beam'].includes(method),
    'generate method',
    "'greedy', 'sample' or 'beam'",
    method,
  );
  check(
    Number.isInteger(maxLength) && maxLength >= 1,
    'generate maxLength',
    'a positive integer',
    maxLength,
  );
  check(
    temperature > 0 && Number.isFinite(temperature),
    'generate temperature',
    'a finite number > 0',
    temperature,
  );
  check(
    Number.isInteger(beamWidth) && beamWidth >= 1,
    'generate beamWidth',
    'a positive integer',
    beamWidth,
  );
  check(z.rank === 2, 'generate z', 'of shape [N, d]', `shape [${z.shape.join(', ')}]`);
  return method === 'beam'
    ? beamSearch(model, z, maxLength, beamWidth)
    : stepwise(model, z, maxLength, method === 'sample' ? temperature : null, seed);
}

function stepwise(
  model: TextStepModel,
  z: tf.Tensor,
  maxLength: number,
  temperature: number | null,
  seed: number | undefined,
): number[][] {
  const N = z.shape[0]!;
  const out: number[][] = Array.from({ length: N }, () => []);
  const finished = new Array<boolean>(N).fill(false);
  let state = model.initialState(z);
  let tokens = tf.fill([N], model.bosId, 'int32') as tf.Tensor1D;
  for (let t = 0; t < maxLength && finished.some((f) => !f); t++) {
    const previous = [tokens, ...state];
    const [next, ...nextState] = tf.tidy(() => {
      const { logits, state: s } = model.step(tokens, z, state);
      const choice =
        temperature === null
          ? tf.argMax(logits, 1)
          : gumbelMax(logits, temperature, seed === undefined ? undefined : deriveSeed(seed, t));
      return [tf.cast(choice, 'int32'), ...s];
    });
    tf.dispose(previous);
    tokens = next as tf.Tensor1D;
    state = nextState;
    const ids = tokens.dataSync();
    for (let n = 0; n < N; n++) {
      if (finished[n]) continue;
      if (ids[n] === model.eosId) finished[n] = true;
      else out[n]!.push(ids[n]!);
    }
  }
  tf.dispose([tokens, ...state]);
  return out;
}

function beamSearch(model: TextStepModel, z: tf.Tensor, maxLength: number, K: number): number[][] {
  const N = z.shape[0]!;
  const V = model.vocabSize;
  const rows = Array.from({ length: N * K }, (_, r) => Math.floor(r / K));
  const zK = tf.tidy(() => tf.gather(z, tf.tensor1d(rows, 'int32')));
  let state = model.initialState(zK);
  let tokens = tf.fill([N * K], model.bosId, 'int32') as tf.Tensor1D;
  // Only the first beam of each row is live at the start (the others would duplicate it).
  let scores = Float32Array.from({ length: N * K }, (_, r) => (r % K === 0 ? 0 : NEG));
  let seqs: number[][] = Array.from({ length: N * K }, () => []);
  let done = new Array<boolean>(N * K).fill(false);
  const eosRow = tf.tensor2d(
    Float32Array.from({ length: V }, (_, v) => (v === model.eosId ? 0 : NEG)),
    [1, V],
  );
  for (let t = 0; t < maxLength && done.some((d) => !d); t++) {
    const previous = [tokens, ...state];
    const [values, indices, ...stepState] = tf.tidy(() => {
      const { logits, state: s } = model.step(tokens, zK, state);
      const logp = tf.sub(logits, tf.logSumExp(logits, 1, true));
      const f = tf.tensor2d(
        done.map((d) => (d ? 1 : 0)),
        [N * K, 1],
      );
      // A finished beam can only "emit" <eos> again, at no cost: it carries over unchanged.
      const cand = tf.add(
        tf.add(tf.mul(logp, tf.sub(1, f)), tf.mul(eosRow, f)),
        tf.tensor2d(scores, [N * K, 1]),
      );
      const { values: v, indices: i } = tf.topk(tf.reshape(cand, [N, K * V]), K);
      return [v, i, ...s];
    });
    tf.dispose(previous);
    const v = values!.dataSync();
    const idx = indices!.dataSync();
    tf.dispose([values!, indices!]);
    const source = new Int32Array(N * K);
    const nextTokens = new Int32Array(N * K);
    const nextSeqs: number[][] = [];
    const nextDone: boolean[] = [];
    for (let n = 0; n < N; n++) {
      for (let k = 0; k < K; k++) {
        const r = n * K + k;
        const from = n * K + Math.floor(idx[r]! / V);
        const token = idx[r]! % V;
        source[r] = from;
        nextTokens[r] = token;
        const ended = done[from]! || token === model.eosId;
        nextSeqs.push(ended ? seqs[from]! : [...seqs[from]!, token]);
        nextDone.push(ended);
      }
    }
    scores = Float32Array.from(v);
    seqs = nextSeqs;
    done = nextDone;
    tokens = tf.tensor1d(nextTokens, 'int32');
    state = tf.tidy(() => {
      const from = tf.tensor1d(source, 'int32');
      return stepState.map((s) => tf.gather(s, from));
    });
    tf.dispose(stepState);
  }
  tf.dispose([zK, eosRow, tokens, ...state]);
  return Array.from({ length: N }, (_, n) => {
    let best = n * K;
    for (let k = 1; k < K; k++) if (scores[n * K + k]! > scores[best]!) best = n * K + k;
    return seqs[best]!;
  });
}
