import * as tf from '@tensorflow/tfjs-core';
import { mulberry32, normalSamples } from './random';

/** Column means and biased variances of a [b, d] tensor, in float64. */
export function columnMoments(x: tf.Tensor): { mean: Float64Array; variance: Float64Array } {
  const [b, d] = x.shape as [number, number];
  const v = x.dataSync();
  const mean = new Float64Array(d);
  const variance = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    let s = 0;
    for (let i = 0; i < b; i++) s += v[i * d + j]!;
    mean[j] = s / b;
    let q = 0;
    for (let i = 0; i < b; i++) q += (v[i * d + j]! - mean[j]!) ** 2;
    variance[j] = q / b;
  }
  return { mean, variance };
}

/**
 * A seeded random [b, d] tensor with per-column offsets in [-5, 5) and scales in [0.1, 10)
 * (what an encoder's raw posterior outputs look like to a batch-normalising layer).
 */
export function offsetScaledColumns(b: number, d: number, seed: number): tf.Tensor2D {
  const u = mulberry32(seed);
  const offsets = Array.from({ length: d }, () => 10 * (u() - 0.5));
  const scales = Array.from({ length: d }, () => 10 ** (2 * u() - 1));
  const eps = normalSamples(b * d, seed + 1);
  return tf.tensor2d(
    Float32Array.from(eps, (e, k) => offsets[k % d]! + scales[k % d]! * e),
    [b, d],
  );
}
