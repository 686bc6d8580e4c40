import { describe, expect, it } from 'vitest';
import { type FlagSpec, formatFlagHelp, parseFlags } from './flags';

const SPECS: FlagSpec[] = [
  { name: 'n', type: 'integer', help: 'count', min: 1, max: 1000 },
  { name: 'i', type: 'integer', help: 'any integer' },
  { name: 'x', type: 'number', help: 'a number', min: 0, minExclusive: true, max: 1 },
  { name: 'kappa', type: 'number-or-learned', help: 'concentration', min: 0 },
  { name: 'hidden', type: 'list', help: 'layer sizes', max: 4096 },
  { name: 'out', type: 'string', placeholder: '<file>', help: 'output' },
];
const parse = (...argv: string[]) => parseFlags(argv, SPECS).values;

describe('numbers are decimal only, then range-checked', () => {
  it.each([
    ['12', 12],
    ['1e3', 1000],
    ['1E2', 100],
    ['12.0', 12],
    ['+7', 7],
    ['1.5e1', 15],
  ])('--n %s reads as %d', (raw, value) => {
    expect(parse('--n', raw)).toEqual({ n: value });
    expect(parse(`--n=${raw}`)).toEqual({ n: value });
  });

  it.each([
    '0x10',
    '0X10',
    '0o17',
    '0b11',
    '',
    ' ',
    ' 12',
    '12 ',
    'Infinity',
    '-Infinity',
    'NaN',
    '1_000',
    '12abc',
    '1e',
    '.',
    '2.5',
    '0',
    '-5',
    '1001',
    '1e4',
  ])('--n %j is refused, naming the flag and the range', (raw) => {
    expect(() => parse('--n', raw)).toThrow(
      `invalid value '${raw}' for '--n': expected an integer >= 1 and <= 1000`,
    );
    expect(() => parse(`--n=${raw}`)).toThrow(`invalid value '${raw}' for '--n'`);
  });

  it('integers must be exact: beyond 2^53 is refused, -0 reads as 0', () => {
    expect(() => parse('--i', '9007199254740993')).toThrow("for '--i': expected an integer");
    expect(() => parse('--i', '1e300')).toThrow("for '--i': expected an integer");
    expect(Object.is(parse('--i', '-0')['i'], 0)).toBe(true);
  });

  it('numbers: fractions and exponents, exclusive bounds, no Infinity', () => {
    expect(parse('--x', '.5')).toEqual({ x: 0.5 });
    expect(parse('--x', '1e-3')).toEqual({ x: 0.001 });
    expect(parse('--x', '1')).toEqual({ x: 1 });
    for (const raw of ['0', '1.01', '1e400', 'Infinity', '0x1', '']) {
      expect(() => parse('--x', raw)).toThrow(
        `invalid value '${raw}' for '--x': expected a number > 0 and <= 1`,
      );
    }
  });

  it("number-or-learned: 'learned', or a number in range; empty is an error naming the flag", () => {
    expect(parse('--kappa', 'learned')).toEqual({ kappa: 'learned' });
    expect(parse('--kappa', '20')).toEqual({ kappa: 20 });
    for (const raw of ['', '-1', '0x10', 'Infinity']) {
      expect(() => parse(`--kappa=${raw}`)).toThrow(
        `invalid value '${raw}' for '--kappa': expected a number >= 0 or 'learned'`,
      );
    }
  });

  it('lists: decimal integers >= 1 (and the flag’s max), no empty parts', () => {
    expect(parse('--hidden', '512,256')).toEqual({ hidden: [512, 256] });
    expect(parse('--hidden', '512, 256')).toEqual({ hidden: [512, 256] });
    for (const raw of ['', '512,,256', '512,', '0x10,2', '0,4', '5000', 'a,b']) {
      expect(() => parse('--hidden', raw)).toThrow(
        `invalid value '${raw}' for '--hidden': expected a comma-separated list of integers >= 1 and <= 4096, e.g. 512,256`,
      );
    }
  });

  it('an empty string value is an error naming the flag; a missing one too', () => {
    expect(() => parse('--out=')).toThrow(
      "invalid value '' for '--out': expected a non-empty <file>",
    );
    expect(() => parse('--out')).toThrow("option '--out' needs a value");
    expect(() => parse('--n', '--i', '3')).toThrow("option '--n' needs a value");
    expect(parse('--out', '-')).toEqual({ out: '-' });
  });

  it('help shows the ranges', () => {
    const help = formatFlagHelp(SPECS);
    expect(help).toMatch(/--n <value> +count \[1\.\.1000\]/);
    expect(help).toMatch(/--x <value> +a number \[> 0 and <= 1\]/);
    expect(help).toMatch(/--kappa <value> +concentration \[>= 0\]/);
    expect(help).toMatch(/--i <value> +any integer$/m);
  });
});
