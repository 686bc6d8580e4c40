import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

type Numeric = tf.Tensor | number | ArrayLike<number>;

function toArray(x: Numeric): Float64Array {
  if (typeof x === 'number') return Float64Array.of(x);
  if (x instanceof tf.Tensor) return Float64Array.from(x.dataSync());
  return Float64Array.from(x);
}

/**
 * Assert `|actual - expected| <= atol + rtol * |expected|` elementwise, reporting the worst
 * element. Shapes must match when both are tensors.
 */
export function expectAllClose(
  actual: Numeric,
  expected: Numeric,
  { rtol = 1e-5, atol = 1e-8 }: { rtol?: number; atol?: number } = {},
): void {
  if (actual instanceof tf.Tensor && expected instanceof tf.Tensor) {
    expect(actual.shape).toEqual(expected.shape);
  }
  const a = toArray(actual);
  const e = toArray(expected);
  expect(a.length).toBe(e.length);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < a.length; i++) {
    const excess = Math.abs(a[i]! - e[i]!) - (atol + rtol * Math.abs(e[i]!));
    if (!(excess <= 0) && (worst < 0 || !(excess <= worstExcess))) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0) {
    expect.fail(
      `element ${worst}: actual ${a[worst]} vs expected ${e[worst]} (rtol ${rtol}, atol ${atol})`,
    );
  }
}

/** Assert every element is finite (no NaN, no ±Infinity). */
export function expectFinite(x: Numeric, what = 'value'): void {
  const a = toArray(x);
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]!)) expect.fail(`${what}[${i}] is ${a[i]}`);
  }
}
