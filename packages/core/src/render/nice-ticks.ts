/**
 * About `count` round tick values covering `[lo, hi]`, spaced 1, 2, 2.5 or 5 × 10^k apart
 * (Heckbert, "Nice numbers for graph labels", Graphics Gems, 1990). With `integers`, the step
 * is a whole number (2.5 becomes 2, and nothing below 1), for axes such as active units.
 *
 * @returns the ticks and their spacing (pass it to {@link formatTick}).
 * @example
 * ```ts
 * niceTicks(0, 10, 4);          // { ticks: [0, 2.5, 5, 7.5, 10], step: 2.5 }
 * niceTicks(0, 10, 4, true);    // { ticks: [0, 2, 4, 6, 8, 10], step: 2 }
 * ```
 */
export function niceTicks(
  lo: number,
  hi: number,
  count: number,
  integers = false,
): { ticks: number[]; step: number } {
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  if (integers) step = Math.max(1, step === 2.5 * mag ? 2 * mag : step);
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) {
    ticks.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  }
  return { ticks, step };
}

/**
 * A tick label: as many decimals as the tick step needs (a step of 2.5 shows `2.5`, not `3`;
 * steps of 5 or 50 show none), thousands as `k` from 10,000 and millions as `M`.
 *
 * @example
 * ```ts
 * formatTick(2.5, 2.5);     // '2.5'
 * formatTick(20000, 5000);  // '20k'
 * ```
 */
export function formatTick(v: number, step: number): string {
  if (v === 0) return '0';
  const big = Math.max(Math.abs(v), step);
  const [div, suffix] = big >= 1e6 ? [1e6, 'M'] : big >= 1e4 ? [1e3, 'k'] : [1, ''];
  const scaled = step / div;
  let decimals = 0;
  while (
    decimals < 6 &&
    Math.abs(Math.round(scaled * 10 ** decimals) - scaled * 10 ** decimals) > 1e-6
  ) {
    decimals++;
  }
  return (v / div).toFixed(decimals) + suffix;
}
