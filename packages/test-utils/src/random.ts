import * as tf from '@tensorflow/tfjs-core';

/** A small seeded float64 PRNG (mulberry32) for building test inputs in plain JS. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` standard normal draws (Box-Muller) from a seeded {@link mulberry32}. */
export function normalSamples(n: number, seed: number): Float64Array {
  const u = mulberry32(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - u()));
    const t = 2 * Math.PI * u();
    out[i] = r * Math.cos(t);
    if (i + 1 < n) out[i + 1] = r * Math.sin(t);
  }
  return out;
}

/**
 * A float32 tensor of `shape` filled with `scale` times seeded standard normal draws
 * ({@link normalSamples}): the same values on every backend and in every run.
 */
export function normalTensor(shape: number[], seed: number, scale = 1): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from(normalSamples(size, seed), (v) => scale * v),
    shape,
  );
}
