/** Throw an Error naming `name` and `expected` unless `ok`. */
export function check(ok: boolean, name: string, expected: string, got: unknown): void {
  if (!ok) {
    throw new Error(`${name} must be ${expected}, got ${describe(got)}`);
  }
}

/** Check the running-statistics settings of a batch-normalising layer named `layer`. */
export function checkRunningStatistics(layer: string, momentum: number, epsilon: number): void {
  check(
    Number.isFinite(momentum) && momentum >= 0 && momentum <= 1,
    `${layer} momentum`,
    'in [0, 1]',
    momentum,
  );
  check(
    Number.isFinite(epsilon) && epsilon > 0,
    `${layer} epsilon`,
    'a finite number > 0',
    epsilon,
  );
}

function describe(x: unknown): string {
  if (Array.isArray(x)) return `[${x.join(', ')}]`;
  if (typeof x === 'object' && x !== null) return JSON.stringify(x);
  return String(x);
}
