/**
 * Derive the `index`-th independent seed from a user seed (any integer, 0 included), so one
 * `seed` option can drive several random ops reproducibly: a splitmix32-style hash of
 * `(seed, index)`, never 0 (tfjs's random ops treat a falsy seed as no seed at all). Without a
 * seed, returns `undefined` (tfjs's global generator).
 *
 * @example
 * ```ts
 * tf.randomNormal([3], 0, 1, 'float32', deriveSeed(seed, 0));
 * tf.randomUniform([3], 0, 1, 'float32', deriveSeed(seed, 1)); // an independent stream
 * ```
 */
export function deriveSeed(seed: number | undefined, index: number): number | undefined {
  if (seed === undefined) return undefined;
  // splitmix32-style hash of (seed, index): distinct streams for distinct indices.
  let h = (Math.imul(seed | 0, 0x9e3779b1) + Math.imul(index + 1, 0x85ebca6b)) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  // Never 0: tfjs's random ops treat a falsy seed as "no seed" and draw from Math.random.
  return (h ^ (h >>> 16)) >>> 0 || 1;
}
