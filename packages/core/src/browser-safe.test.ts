import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Every source file of the package (tests and fixtures excluded: they run in Node). */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === '__fixtures__' ? [] : sources(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('@vaekit/core is browser-safe', () => {
  const files = sources(import.meta.dirname);

  it('has sources to check', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it('imports no Node built-in, file system, native or worker module', () => {
    const forbidden =
      /from\s+['"](node:[^'"]+|fs|path|os|zlib|child_process|worker_threads|module|url|@resvg\/[^'"]+|@vaekit\/trainer[^'"]*)['"]|require\(/;
    const offenders = files.filter((f) => forbidden.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('uses no Node globals (Buffer, process, __dirname)', () => {
    const globals = /\b(Buffer\.|process\.|__dirname|__filename|setImmediate\()/;
    const offenders = files.filter((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .some((line) => !/^\s*(\*|\/\/)/.test(line) && globals.test(line)),
    );
    expect(offenders).toEqual([]);
  });
});
