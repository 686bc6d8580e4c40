/**
 * Central finite difference `(f(x + h) - f(x - h)) / 2h` of a scalar function of a scalar,
 * computed in float64. Use it with double-precision reference functions, or with float32
 * tensor code and a step large enough for float32 rounding (`h ~ 1e-2` relative).
 */
export function centralDifference(f: (x: number) => number, x: number, h = 1e-5): number {
  return (f(x + h) - f(x - h)) / (2 * h);
}
