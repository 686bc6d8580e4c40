/**
 * `package.json` says `"sideEffects": false`: no module of the package registers anything when
 * it loads (the built-in objectives are a plain record; KLs are registered by
 * `@vaekit/distributions`, whose own `sideEffects` lists them). This test fails when a module
 * starts to, so the list gets written then.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('package.json sideEffects', () => {
  it('is false, and no module registers anything (a KL, an objective) at load', () => {
    const { sideEffects } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      sideEffects: unknown;
    };
    const registering = sourceFiles(join(root, 'src'))
      .filter((path) => /^(registerKL|registerObjective)\(/m.test(readFileSync(path, 'utf8')))
      .map((path) => relative(root, path));
    expect(registering).toEqual([]);
    expect(sideEffects).toBe(false);
  });
});
