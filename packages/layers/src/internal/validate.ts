/** Throw an Error naming `name` and `expected` unless `ok`. */
export function check(ok: boolean, name: string, expected: string, got: unknown): void {
  if (!ok) {
    throw new Error(`${name} must be ${expected}, got ${describe(got)}`);
  }
}

function describe(x: unknown): string {
  if (Array.isArray(x)) return `[${x.join(', ')}]`;
  if (typeof x === 'object' && x !== null) return JSON.stringify(x);
  return String(x);
}
