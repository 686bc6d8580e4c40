/**
 * `package.json` `sideEffects` must name every module that registers a KL divergence when it
 * loads: a bundler drops the unlisted ones when nothing imports from them, and `klDivergence`
 * then throws for their pairs. The bundled `dist` entries hold the registrations too.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === '__fixtures__' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('package.json sideEffects', () => {
  it('lists exactly the modules that register a KL at load, and the dist entries', () => {
    const { sideEffects } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      sideEffects: string[] | false;
    };
    expect(Array.isArray(sideEffects)).toBe(true);
    const registering = sourceFiles(join(root, 'src'))
      .filter((path) => /^registerKL\(/m.test(readFileSync(path, 'utf8')))
      .map((path) => `./${relative(root, path).split('\\').join('/')}`)
      .sort();
    expect(registering.length).toBeGreaterThanOrEqual(4);
    const listedSources = (sideEffects as string[]).filter((p) => p.startsWith('./src/')).sort();
    expect(listedSources).toEqual(registering);
    expect(sideEffects).toContain('./dist/index.js');
    expect(sideEffects).toContain('./dist/index.cjs');
  });
});
