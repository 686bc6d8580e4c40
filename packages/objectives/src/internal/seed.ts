/**
 * Derive the `index`-th independent seed from a user seed, so one `seed` option can drive
 * several random draws reproducibly. Without a seed, returns `undefined` (tfjs's global
 * generator).
 */
export function subSeed(seed: number | undefined, index: number): number | undefined {
  if (seed === undefined) return undefined;
  let h = (Math.imul(seed | 0, 0x9e3779b1) + Math.imul(index + 1, 0x85ebca6b)) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A fresh random seed, for when one call must reuse the same draws twice. */
export function freshSeed(): number {
  return Math.floor(Math.random() * 0x100000000) >>> 0;
}
