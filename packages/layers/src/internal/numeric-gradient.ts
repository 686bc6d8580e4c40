import * as tf from '@tensorflow/tfjs-core';

/**
 * Central finite differences `(f(x + h e_k) - f(x - h e_k)) / 2h` of a scalar tensor function at
 * the flat positions `indices` of `x` (all positions when omitted). Used by the tests to check
 * autograd and hand-written gradients; `f` runs in float32, so use `h ~ 1e-2` to `1e-3`.
 */
export function numericGradient(
  f: (x: tf.Tensor) => tf.Tensor,
  x: tf.Tensor,
  { h = 1e-2, indices }: { h?: number; indices?: number[] } = {},
): Float64Array {
  const base = x.dataSync().slice();
  const at = indices ?? Array.from(base, (_, i) => i);
  const out = new Float64Array(at.length);
  const evalAt = (k: number, delta: number): number =>
    tf.tidy(() => {
      const v = base.slice();
      v[k] = v[k]! + delta;
      return f(tf.tensor(v, x.shape, 'float32')).dataSync()[0]!;
    });
  at.forEach((k, i) => {
    out[i] = (evalAt(k, h) - evalAt(k, -h)) / (2 * h);
  });
  return out;
}

/** The entries of `t` at the flat positions `indices`. */
export function pick(t: tf.Tensor, indices: number[]): Float64Array {
  const v = t.dataSync();
  return Float64Array.from(indices, (k) => v[k]!);
}
