import * as tf from '@tensorflow/tfjs-core';
import { normalSamples } from '@vaekit/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { LSTMTextDecoder } from './lstm-text-decoder';

const V = 7;
const decoder = new LSTMTextDecoder(
  { vocabSize: V, embeddingDim: 4, hiddenUnits: 8, latentDim: 2 },
  { seed: 11 },
);
let z: tf.Tensor2D;
beforeAll(() => {
  z = tf.tensor2d(
    Float32Array.from(normalSamples(6, 12), (v) => 2 * v),
    [3, 2],
  );
});

/** Log-probability of emitting `tokens` then (if `finished`) <eos>, by stepping the decoder. */
function score(n: number, tokens: number[], finished: boolean): number {
  return tf.tidy(() => {
    const zn = tf.slice(z, [n, 0], [1, 2]);
    let state = decoder.initialState(zn);
    let previous = decoder.bosId;
    let total = 0;
    for (const next of [...tokens, ...(finished ? [decoder.eosId] : [])]) {
      const { logits, state: s } = decoder.step(tf.tensor1d([previous], 'int32'), zn, state);
      total += tf.sub(logits, tf.logSumExp(logits, 1, true)).dataSync()[next]!;
      state = s;
      previous = next;
    }
    return total;
  });
}

describe('text generation', () => {
  it('greedy decoding takes the argmax at every step', () => {
    const out = decoder.generate(z, { maxLength: 5 });
    expect(out).toHaveLength(3);
    out.forEach((tokens, n) => {
      // Each emitted token is the most likely next token given the prefix.
      for (let t = 0; t <= tokens.length && t < 5; t++) {
        const prefix = tokens.slice(0, t);
        const next = t < tokens.length ? tokens[t]! : decoder.eosId;
        for (let v = 0; v < V; v++) {
          const finishedWith = (tok: number) =>
            tok === decoder.eosId ? score(n, prefix, true) : score(n, [...prefix, tok], false);
          if (v !== next) expect(finishedWith(next)).toBeGreaterThanOrEqual(finishedWith(v) - 1e-5);
        }
      }
    });
  });

  it('beam search with a beam covering every prefix finds the most likely sentence (exhaustive check)', () => {
    const maxLength = 2;
    const best = decoder.generate(z, { method: 'beam', beamWidth: V * V, maxLength });
    for (let n = 0; n < 3; n++) {
      // Every sentence of at most maxLength tokens: [] + eos, [a] + eos, [a, b] (cut at maxLength).
      let top = score(n, [], true);
      for (let a = 0; a < V; a++) {
        if (a === decoder.eosId) continue;
        top = Math.max(top, score(n, [a], true));
        for (let b = 0; b < V; b++)
          if (b !== decoder.eosId) top = Math.max(top, score(n, [a, b], false));
      }
      const tokens = best[n]!;
      const found = score(n, tokens, tokens.length < maxLength);
      expect(found).toBeCloseTo(top, 4);
    }
    // Width 1 is greedy decoding.
    expect(decoder.generate(z, { method: 'beam', beamWidth: 1, maxLength: 6 })).toEqual(
      decoder.generate(z, { maxLength: 6 }),
    );
  });

  it('temperature sampling is reproducible from a seed and tends to greedy as the temperature goes to 0', () => {
    const a = decoder.generate(z, { method: 'sample', seed: 3, maxLength: 8 });
    const b = decoder.generate(z, { method: 'sample', seed: 3, maxLength: 8 });
    expect(b).toEqual(a);
    const others = [4, 5, 6, 7].map((seed) =>
      JSON.stringify(decoder.generate(z, { method: 'sample', seed, maxLength: 8, temperature: 3 })),
    );
    expect(new Set(others).size).toBeGreaterThan(1);
    expect(
      decoder.generate(z, { method: 'sample', seed: 8, temperature: 1e-4, maxLength: 6 }),
    ).toEqual(decoder.generate(z, { maxLength: 6 }));
  });

  it('samples each row independently with the right frequencies (Gumbel-max), rows not coupled by the seed', () => {
    // One step from identical rows: the empirical distribution of the first token matches softmax(logits / T).
    const rows = 400;
    const zz = tf.tile(tf.slice(z, [0, 0], [1, 2]), [rows, 1]);
    const first = decoder
      .generate(zz, { method: 'sample', seed: 21, maxLength: 1, temperature: 2 })
      .map((s) => (s.length === 0 ? decoder.eosId : s[0]!));
    const logits = decoder.step(
      tf.tensor1d([decoder.bosId], 'int32'),
      tf.slice(z, [0, 0], [1, 2]),
      decoder.initialState(tf.slice(z, [0, 0], [1, 2])),
    ).logits;
    const p = tf.softmax(tf.div(logits, 2)).dataSync();
    for (let v = 0; v < V; v++) {
      const freq = first.filter((t) => t === v).length / rows;
      expect(Math.abs(freq - p[v]!)).toBeLessThan(
        5 * Math.sqrt((p[v]! * (1 - p[v]!)) / rows) + 1e-3,
      );
    }
    // Identical rows do not all get the same token.
    expect(new Set(first).size).toBeGreaterThan(1);
  });

  it('validates its options', () => {
    expect(() => decoder.generate(z, { method: 'nucleus' as 'greedy' })).toThrow(
      /method must be 'greedy', 'sample' or 'beam'/,
    );
    expect(() => decoder.generate(z, { temperature: 0 })).toThrow(
      /temperature must be a finite number > 0/,
    );
    expect(() => decoder.generate(z, { maxLength: 0 })).toThrow(
      /maxLength must be a positive integer/,
    );
  });
});
