import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { vaekit } from './test-support';

const root = mkdtempSync(join(tmpdir(), 'vaekit-sweep-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const file = join(root, 'tiny.yaml');
writeFileSync(
  file,
  `name: tiny
base: { hidden: [8], latentDim: 2, batchSize: 16, maxSteps: 4, evalEvery: 2, evalK: 2, evalExamples: 16 }
grid:
  objective: [elbo, iwae]
seeds: 1
metrics: [nll, kl, activeUnits]
plot: { x: objective, metric: nll }
`,
);
const out = join(root, 'sweep');

describe('vaekit sweep', () => {
  it('plan prints the runs, one per line, and the count', async () => {
    const { code, stdout } = await vaekit('sweep', 'plan', file);
    expect(code).toBe(0);
    expect(stdout).toBe('objective=elbo,seed=0\nobjective=iwae,seed=0\n2 runs in sweep tiny\n');
  });

  it('run trains every run, one line each, and prints the results table', async () => {
    const { code, stdout, stderr } = await vaekit(
      'sweep',
      'run',
      file,
      '--out',
      out,
      '--workers',
      '1',
    );
    expect(code, stderr).toBe(0);
    expect(stderr).toContain(`vaekit sweep: tiny, 2 runs, 1 worker process, ${out}`);
    expect(stderr).toMatch(
      /^done objective=elbo,seed=0 {2}nll \d+\.\d+ {2}kl \d\.\d+ {2}activeUnits \d+ {2}\(4 steps, \d+s\)$/m,
    );
    expect(stderr).toMatch(/^2\/2 runs {2}ETA 0s \(100% of 2 to train\)$/m);
    expect(stdout).toContain('| objective | n | nll | kl | activeUnits |');
    expect(stdout).toMatch(/\| iwae \| 1 \| \d+\.\d+ \|/);
    expect(stdout).toMatch(/done in \d+s wall clock\n$/);
    for (const name of [
      'sweep.yaml',
      'sweep.json',
      'results.csv',
      'results.md',
      'plot.svg',
      'plot.png',
    ]) {
      expect(existsSync(join(out, name)), name).toBe(true);
    }
  });

  it('run again skips the finished runs; results re-collects; eval works on a run', async () => {
    const again = await vaekit('sweep', 'run', file, '--out', out);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('2 runs (2 finished before, 0 to train)');
    expect(again.stderr).not.toMatch(/^done /m);
    const md = readFileSync(join(out, 'results.md'), 'utf8');
    rmSync(join(out, 'results.md'));
    const results = await vaekit('sweep', 'results', out);
    expect(results.code).toBe(0);
    expect(readFileSync(join(out, 'results.md'), 'utf8')).toBe(md);
    const evaluated = await vaekit(
      'eval',
      join(out, 'runs', 'objective=iwae,seed=0'),
      '--k',
      '2',
      '--examples',
      '16',
    );
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect(evaluated.stdout).toMatch(/NLL\s+\d+\.\d+ nats/);
  });
});
