/** Float64 references for tests (not exported from the package). */

/** log(mean(exp(values))) in float64. */
export function logMeanExp64(values: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < values.length; i++) m = Math.max(m, values[i]!);
  if (m === -Infinity) return -Infinity;
  let s = 0;
  for (let i = 0; i < values.length; i++) s += Math.exp(values[i]! - m);
  return m + Math.log(s / values.length);
}

/** Columns of a row-major `[K, B]` array. */
export function columns(data: ArrayLike<number>, k: number, b: number): number[][] {
  return Array.from({ length: b }, (_, j) => Array.from({ length: k }, (_, i) => data[i * b + j]!));
}

export function mean64(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s / values.length;
}
