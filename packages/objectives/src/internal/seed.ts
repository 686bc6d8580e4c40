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

/**
 * The options of a model call: `training` as given, and a seed for the model's own randomness
 * derived from the objective's seed (`role` 1 for encode, 2 for decode, so the two calls and
 * the posterior draws use independent streams). `undefined` when there is nothing to pass.
 */
export function modelCallOptions(
  training: boolean | undefined,
  seed: number | undefined,
  role: 1 | 2,
): { training?: boolean; seed?: number } | undefined {
  if (training === undefined && seed === undefined) return undefined;
  return {
    ...(training === undefined ? {} : { training }),
    ...(seed === undefined ? {} : { seed: subSeed(seed, role)! }),
  };
}
