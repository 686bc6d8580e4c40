/**
 * Argument checks shared by the special functions. Each throws an `Error` that names the
 * function, the parameter, its valid range and the value received.
 */

function fail(fn: string, name: string, range: string, value: number): never {
  throw new Error(`${fn}: ${name} must be ${range}, got ${value}`);
}

/** Require a finite number `>= 0` (rejects NaN, ±Infinity and negatives). */
export function requireNonNegative(fn: string, name: string, value: number): void {
  if (!(Number.isFinite(value) && value >= 0)) fail(fn, name, 'a finite number >= 0', value);
}

/** Require a finite number `> 0`. */
export function requirePositive(fn: string, name: string, value: number): void {
  if (!(Number.isFinite(value) && value > 0)) fail(fn, name, 'a finite number > 0', value);
}

/** Require an ambient dimension: an integer `>= 2` (the sphere `S^{dim-1}` in `R^dim`). */
export function requireDimension(fn: string, dim: number): void {
  if (!(Number.isInteger(dim) && dim >= 2)) fail(fn, 'dim', 'an integer >= 2', dim);
}
