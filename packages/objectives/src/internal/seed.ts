import { deriveSeed } from '@vaekit/distributions/internal';
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
    ...(seed === undefined ? {} : { seed: deriveSeed(seed, role)! }),
  };
}
