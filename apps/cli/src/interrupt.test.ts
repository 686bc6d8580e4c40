import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { main } from './main';

const root = mkdtempSync(join(tmpdir(), 'vaekit-sigint-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const ARGS = [
  'train',
  '--hidden',
  '16',
  '--latent-dim',
  '2',
  '--batch-size',
  '16',
  '--max-steps',
  '3000',
  '--eval-every',
  '1000',
  '--eval-examples',
  '16',
  '--eval-k',
  '2',
];

it('Ctrl-C saves a checkpoint and exits with 130; --resume finishes the run', async () => {
  const run = join(root, 'run');
  const child = spawn(
    process.execPath,
    [
      '--conditions=@vaekit/source',
      '--import',
      'tsx',
      join(import.meta.dirname, 'bin.ts'),
      ...ARGS,
      '--out',
      run,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  const interrupted = new Promise<number | null>((resolve) => {
    child.stderr.on('data', (d) => {
      stderr += d;
      // Plain progress lines appear every 100 steps when stderr is not a terminal.
      if (/step 101\//.test(stderr) && !child.killed) child.kill('SIGINT');
    });
    child.on('exit', (code) => resolve(code));
  });
  expect(await interrupted, stderr).toBe(130);
  expect(stderr).toMatch(/interrupt: finishing the current step and saving a checkpoint/);
  expect(stdout).toMatch(/interrupted after \d+ steps/);
  expect(existsSync(join(run, 'checkpoint', 'checkpoint.json'))).toBe(true);
  expect(existsSync(join(run, 'eval.json'))).toBe(false);

  let out = '';
  const code = await main(['train', '--resume', run, '--quiet'], {
    stdout: {
      write: (s: string) => {
        out += s;
        return true;
      },
    },
    stderr: { write: () => true },
  });
  expect(code).toBe(0);
  expect(out).toMatch(/done after 3000 steps/);
  expect(existsSync(join(run, 'eval.json'))).toBe(true);
}, 180_000);
