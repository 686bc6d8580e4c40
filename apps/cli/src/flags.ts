import type { TrainConfig } from '@vaekit/core';

/** A command-line flag: its name, how its value parses, and its help line. */
export interface FlagSpec {
  /** Kebab-case flag name without dashes, e.g. `latent-dim`. */
  name: string;
  type: 'string' | 'integer' | 'number' | 'number-or-learned' | 'boolean' | 'list' | 'choice';
  choices?: readonly string[];
  /** The TrainConfig key it sets, for training flags. */
  key?: keyof TrainConfig;
  help: string;
  /** Shown as the value placeholder in help, e.g. `<n>`. */
  placeholder?: string;
  /**
   * Smallest valid value of an `integer`, `number` or `number-or-learned` flag (of each element
   * of a `list`), checked when the flag is parsed; inclusive unless `minExclusive`.
   */
  min?: number;
  minExclusive?: boolean;
  /** Largest valid value, as `min`; inclusive unless `maxExclusive`. */
  max?: number;
  maxExclusive?: boolean;
}

/** Exit code 2 errors: bad usage, detected before anything is written. */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Parse `argv` against `specs`. Returns the flag values by spec name and the positionals.
 * Unknown flags, missing values, and values that are not of the flag's type or choices throw a
 * {@link UsageError} naming the flag and the valid choices.
 */
export function parseFlags(
  argv: readonly string[],
  specs: readonly FlagSpec[],
): { values: Record<string, unknown>; positionals: string[] } {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const values: Record<string, unknown> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--')) {
      if (arg.startsWith('-') && arg.length > 1 && arg !== '-h') {
        throw new UsageError(`unknown option '${arg}'. Valid options: ${listFlags(specs)}`);
      }
      if (arg === '-h') values['help'] = true;
      else positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = byName.get(name);
    if (spec === undefined) {
      const hint = suggest(name, [...byName.keys()]);
      throw new UsageError(
        `unknown option '--${name}'.${hint ? ` Did you mean '--${hint}'?` : ''} Valid options: ${listFlags(specs)}`,
      );
    }
    if (spec.type === 'boolean') {
      if (eq >= 0) throw new UsageError(`option '--${name}' takes no value`);
      values[name] = true;
      continue;
    }
    let raw: string | undefined;
    if (eq >= 0) raw = arg.slice(eq + 1);
    else {
      raw = argv[i + 1];
      i++;
    }
    if (raw === undefined || (eq < 0 && raw.startsWith('--'))) {
      throw new UsageError(
        `option '--${name}' needs a value${spec.choices ? ` (one of ${spec.choices.join(', ')})` : ''}`,
      );
    }
    values[name] = convert(spec, raw);
  }
  return { values, positionals };
}

/**
 * A decimal number as a user types it: `12`, `-3`, `0.5`, `.5`, `1e3`, `2.5E-4`. Not hex (`0x10`),
 * octal (`0o17`), binary (`0b11`), `Infinity`, `NaN`, an empty value or surrounding whitespace,
 * all of which `Number()` would accept.
 */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** `raw` as a finite decimal number, or `undefined`. `-0` reads as `0`. */
export function parseDecimal(raw: string): number | undefined {
  if (!DECIMAL.test(raw)) return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? n + 0 : undefined;
}

/**
 * The valid values of a numeric flag, as messages and help state them: `an integer >= 1 and <=
 * 100000`, `a number > 0`.
 */
export function describeRange(spec: FlagSpec): string {
  const what = spec.type === 'integer' || spec.type === 'list' ? 'an integer' : 'a number';
  const lo = spec.min === undefined ? '' : `${spec.minExclusive ? '>' : '>='} ${spec.min}`;
  const hi = spec.max === undefined ? '' : `${spec.maxExclusive ? '<' : '<='} ${spec.max}`;
  const range = [lo, hi].filter(Boolean).join(' and ');
  return range === '' ? what : `${what} ${range}`;
}

function inRange(spec: FlagSpec, n: number): boolean {
  if (spec.type === 'integer' || spec.type === 'list') {
    if (!Number.isSafeInteger(n)) return false;
  }
  if (spec.min !== undefined && (spec.minExclusive ? n <= spec.min : n < spec.min)) return false;
  if (spec.max !== undefined && (spec.maxExclusive ? n >= spec.max : n > spec.max)) return false;
  return true;
}

function convert(spec: FlagSpec, raw: string): unknown {
  const bad = (expected: string): never => {
    throw new UsageError(`invalid value '${raw}' for '--${spec.name}': expected ${expected}`);
  };
  const numeric = (text: string): number | undefined => {
    const n = parseDecimal(text);
    return n !== undefined && inRange(spec, n) ? n : undefined;
  };
  switch (spec.type) {
    case 'string':
      return raw !== '' ? raw : bad(`a non-empty ${spec.placeholder ?? 'value'}`);
    case 'integer':
    case 'number':
      return numeric(raw) ?? bad(describeRange(spec));
    case 'number-or-learned':
      if (raw === 'learned') return raw;
      return numeric(raw) ?? bad(`${describeRange(spec)} or 'learned'`);
    case 'list': {
      const parts = raw.split(',').map((s) => numeric(s.trim()));
      const range = spec.min === undefined ? { ...spec, min: 1 } : spec;
      return parts.every((n) => n !== undefined && inRange(range, n))
        ? parts
        : bad(
            `a comma-separated list of ${describeRange(range).replace(/^an integer/, 'integers')}, e.g. 512,256`,
          );
    }
    case 'choice':
      return spec.choices!.includes(raw) ? raw : bad(`one of ${spec.choices!.join(', ')}`);
    case 'boolean':
      return true;
  }
}

function listFlags(specs: readonly FlagSpec[]): string {
  return specs.map((s) => `--${s.name}`).join(', ');
}

/** The closest name by edit distance (at most 2 edits), for "did you mean". */
export function suggest(name: string, names: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of names) {
    const d = editDistance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/**
 * A numeric flag's range as help shows it: `[1..100000]`, `[>= 1]`, `[> 0 and < 1]`; empty when
 * the flag has none.
 */
export function rangeHint(spec: FlagSpec): string {
  if (spec.min === undefined && spec.max === undefined) return '';
  if (spec.min !== undefined && spec.max !== undefined && !spec.minExclusive && !spec.maxExclusive)
    return `[${spec.min}..${spec.max}]`;
  return `[${describeRange(spec).replace(/^an? \w+ /, '')}]`;
}

/** Render the help lines for a list of flags, aligned; numeric flags show their range. */
export function formatFlagHelp(specs: readonly FlagSpec[]): string {
  const left = specs.map((s) => {
    const value =
      s.type === 'boolean'
        ? ''
        : ` ${s.placeholder ?? (s.choices ? `<${s.choices.join('|')}>` : '<value>')}`;
    return `  --${s.name}${value}`;
  });
  const width = Math.min(44, Math.max(...left.map((l) => l.length)) + 2);
  return specs
    .map((s, i) => {
      const l = left[i]!;
      const range = rangeHint(s);
      const help = range === '' ? s.help : `${s.help} ${range}`;
      return l.length >= width ? `${l}\n${' '.repeat(width)}${help}` : `${l.padEnd(width)}${help}`;
    })
    .join('\n');
}
