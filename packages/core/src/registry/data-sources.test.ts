import { describe, expect, it } from 'vitest';
import { DATA_SOURCES, dataKind, dataSpecSyntax, parseDataSpec } from './data-sources';

describe('DATA_SOURCES / parseDataSpec', () => {
  it('lists the built-in sources in help order', () => {
    expect(DATA_SOURCES.list().map(dataSpecSyntax)).toEqual([
      'mnist',
      'fashion-mnist',
      'idx:<dir>',
      'brown',
      'text:<file>',
    ]);
  });

  it('splits a spec into its source and argument (colons after the first stay)', () => {
    expect(parseDataSpec('mnist').source.name).toBe('mnist');
    expect(parseDataSpec('idx:/data/k:mnist')).toMatchObject({
      source: { name: 'idx', kind: 'image' },
      argument: '/data/k:mnist',
    });
    expect(dataKind('text:a.txt')).toBe('text');
    expect(dataKind('cifar')).toBeUndefined();
  });

  it.each([
    ['cifar', "data: 'cifar' is not one of mnist, fashion-mnist, idx:<dir>, brown, text:<file>"],
    ['idx:', "data: 'idx:' needs a directory: write idx:<dir>"],
    ['text:  ', "data: 'text:  ' needs a file: write text:<file>"],
    ['mnist:x', "data: 'mnist' takes no argument, got 'mnist:x'"],
    ['constructor', "data: 'constructor' is not one of"],
  ])('rejects %j', (spec, message) => {
    expect(() => parseDataSpec(spec)).toThrow(message);
  });
});
