import type * as tf from '@tensorflow/tfjs-core';

/** Throw an Error naming `name` and what was `expected` unless `ok`. */
export function check(ok: boolean, name: string, expected: string, got: unknown): void {
  if (!ok) throw new Error(`${name} must be ${expected}, got ${describe(got)}`);
}

function describe(x: unknown): string {
  if (Array.isArray(x)) return `[${x.join(', ')}]`;
  if (typeof x === 'string') return JSON.stringify(x);
  return String(x);
}

/** Check that `logWeights` is a `[K, B]` tensor with `K >= 1` and return `K`. */
export function checkLogWeights(logWeights: tf.Tensor, name = 'logWeights'): number {
  check(
    logWeights.rank === 2 && logWeights.shape[0]! >= 1,
    name,
    'a rank-2 tensor of shape [K, B] (samples first, batch second) with K >= 1',
    `shape [${logWeights.shape.join(', ')}]`,
  );
  return logWeights.shape[0]!;
}

/** Check that `groups` is a positive integer dividing `k` (the number of samples). */
export function checkGroups(groups: unknown, k: number, name = 'groups'): number {
  check(
    typeof groups === 'number' && Number.isInteger(groups) && groups >= 1 && k % groups === 0,
    name,
    `a positive integer dividing the number of samples K = ${k}`,
    groups,
  );
  return groups as number;
}

/** Check that `beta` is a number in [0, 1]. */
export function checkUnitInterval(value: unknown, name: string): number {
  check(typeof value === 'number' && value >= 0 && value <= 1, name, 'a number in [0, 1]', value);
  return value as number;
}

/** Check a positive integer. */
export function checkPositiveInteger(value: unknown, name: string): number {
  check(
    typeof value === 'number' && Number.isInteger(value) && value >= 1,
    name,
    'a positive integer',
    value,
  );
  return value as number;
}

/** Check a finite non-negative number. */
export function checkNonNegative(value: unknown, name: string): number {
  check(
    typeof value === 'number' && Number.isFinite(value) && value >= 0,
    name,
    'a finite number >= 0',
    value,
  );
  return value as number;
}

/** Check that an objective's required option was given: `groups` for MIWAE and PIWAE, etc. */
export function checkGiven(
  value: unknown,
  name: string,
  objective: string,
  expected: string,
): void {
  check(value !== undefined, name, `given for objective '${objective}' (${expected})`, value);
}
