import { describe, expect, it } from 'vitest';
import { Registry } from './registry';

describe('Registry', () => {
  it('registers, looks up and lists entries in order', () => {
    const r = new Registry<{ name: string; v: number }>('widget');
    r.register({ name: 'b', v: 2 });
    r.register({ name: 'a-1', v: 1 });
    expect(r.get('a-1').v).toBe(1);
    expect(r.names()).toEqual(['b', 'a-1']);
    expect(r.has('b')).toBe(true);
    expect(r.has('constructor')).toBe(false);
    expect(r.has(undefined)).toBe(false);
  });

  it('names the unknown value and the valid choices', () => {
    const r = new Registry<{ name: string }>('latent family');
    r.register({ name: 'gaussian' });
    r.register({ name: 'vmf' });
    expect(() => r.get('vfm')).toThrow('unknown latent family "vfm"; valid choices: gaussian, vmf');
    expect(() => r.get('__proto__')).toThrow(/unknown latent family/);
  });

  it('refuses a taken name and a malformed one', () => {
    const r = new Registry<{ name: string }>('data source');
    r.register({ name: 'mnist' });
    expect(() => r.register({ name: 'mnist' })).toThrow(
      "data source 'mnist' is already registered",
    );
    expect(() => r.register({ name: 'Bad Name' })).toThrow(/lower-case kebab-case/);
  });
});
