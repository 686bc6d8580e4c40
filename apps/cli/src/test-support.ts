// Helpers shared by the CLI's test files (not part of the package's API).
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { main } from './main';

/** What one CLI call returned and printed. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the CLI in-process, capturing stdout and stderr (stderr is not a terminal). */
export async function vaekit(...argv: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: {
      write: (s: string) => {
        stdout += s;
        return true;
      },
    },
    stderr: {
      write: (s: string) => {
        stderr += s;
        return true;
      },
      isTTY: false,
    },
  });
  return { code, stdout, stderr };
}

/** Training flags for a run that takes seconds: a 2-d latent, 16 hidden units, 4 steps. */
export const TINY = [
  '--hidden',
  '16',
  '--latent-dim',
  '2',
  '--batch-size',
  '16',
  '--max-steps',
  '4',
  '--eval-every',
  '2',
  '--seed',
  '1',
];

/** The same for a text run on the Brown corpus: a small vocabulary and short sentences. */
export const TINY_TEXT = [
  ...TINY,
  '--data',
  'brown',
  '--embedding',
  '8',
  '--vocab-size',
  '200',
  '--max-length',
  '10',
];

/**
 * Every file under `dir` (recursively) with its size, modification time and SHA-256, sorted by
 * path: equal snapshots mean nothing was written, replaced or removed.
 */
export function snapshotDir(dir: string): string[] {
  const rows: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const s = statSync(p);
      if (s.isDirectory()) walk(p);
      else {
        const hash = createHash('sha256').update(readFileSync(p)).digest('hex').slice(0, 16);
        rows.push(`${relative(dir, p)} ${s.size} ${s.mtimeMs} ${hash}`);
      }
    }
  };
  walk(dir);
  return rows.sort();
}
