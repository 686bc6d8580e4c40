import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { vaekit } from './test-support';

const root = mkdtempSync(join(tmpdir(), 'vaekit-sweep-sigint-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const file = join(root, 'three.yaml');
writeFileSync(
  file,
  `base: { hidden: [8], latentDim: 2, batchSize: 16, maxSteps: 40, evalEvery: 20, evalK: 2, evalExamples: 16 }
grid: { objective: [elbo, iwae, ciwae] }
metrics: [nll, kl]
`,
);

it('Ctrl-C (SIGINT to the process group) stops the sweep with 130; the same command finishes it', async () => {
  const out = join(root, 'sweep');
  // A process group of its own, as a terminal's foreground job: SIGINT reaches the pool's
  // process and its workers at once.
  const child = spawn(
    process.execPath,
    [
      '--conditions=@vaekit/source',
      '--import',
      'tsx',
      join(import.meta.dirname, 'bin.ts'),
      'sweep',
      'run',
      file,
      '--out',
      out,
      '--workers',
      '1',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let stderr = '';
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  let sent = false;
  const exited = new Promise<number | null>((resolve) => {
    child.stderr.on('data', (d) => {
      stderr += d;
      // After the first run finished, while the second trains.
      if (!sent && /^done objective=elbo/m.test(stderr)) {
        sent = true;
        process.kill(-child.pid!, 'SIGINT');
      }
    });
    child.on('exit', (code) => resolve(code));
  });
  expect(await exited, stderr).toBe(130);
  expect(stderr).toMatch(/interrupt: stopping every run after its current step/);
  expect(stderr).not.toMatch(/FAILED/);
  expect(stdout).toMatch(/interrupted after .*: 2 runs left\. Continue with: vaekit sweep run/);
  expect(readFileSync(join(out, 'results.md'), 'utf8')).toMatch(/1 of 3 runs finished/);

  const again = await vaekit('sweep', 'run', file, '--out', out, '--workers', '1');
  expect(again.code, again.stderr).toBe(0);
  expect(again.stderr).toContain('3 runs (1 finished before, 2 to train)');
  expect(again.stderr).not.toMatch(/^done objective=elbo/m);
  expect(again.stderr).toMatch(/^done objective=iwae,seed=0 .*\(40 steps/m);
  expect(readFileSync(join(out, 'results.md'), 'utf8')).toMatch(/3 of 3 runs finished/);
}, 240_000);
