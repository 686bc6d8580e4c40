import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

/** Source modules that run a registration (or a bare import) at load, outside any function. */
function registeringModules(): string[] {
  return readdirSync(new URL('src', root), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith('test-'))
    .filter((f) =>
      read(`src/${f}`)
        .split('\n')
        .some((line) => /^(import ['"]|tf\.\w+(\.\w+)*\(|register\w*\()/.test(line)),
    )
    .map((f) => `./src/${f}`)
    .sort();
}

describe('package.json sideEffects', () => {
  it('lists exactly the source modules that register with tfjs at load', () => {
    const sideEffects = JSON.parse(read('package.json')).sideEffects as string[];
    expect(registeringModules()).toEqual([
      './src/adam-with-clipping.ts',
      './src/register-gradients.ts',
    ]);
    expect(sideEffects.filter((p) => p.startsWith('./src/')).sort()).toEqual(registeringModules());
  });
});
