/**
 * Prints the wall time of the test sweep (6 tiny MNIST runs: 2 objectives x 3 seeds, 4 steps
 * each, as in src/local-pool.test.ts) on the local pool with 1 and with 2 worker processes, and
 * checks that both give the same results table (not a test):
 *   cd packages/sweep && node --conditions=@vaekit/source --import tsx bench/local-pool.ts [--built] [workers...]
 *
 * From sources, each worker process also compiles the TypeScript it imports (tsx), a few seconds
 * that the built package does not spend; `--built` runs the package's dist/ build instead (build
 * it and its dependencies first).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const built = process.argv.includes('--built');
const { collectResults, runSweepLocally, validateSweep } = (
  built
    ? await import(new URL('../dist/index.js', import.meta.url).href)
    : await import('../src/index')
) as typeof import('../src/index');

const spec = validateSweep(
  {
    name: 'bench-local-pool',
    base: {
      hidden: [8],
      latentDim: 2,
      batchSize: 16,
      maxSteps: 4,
      evalEvery: 2,
      evalK: 2,
      evalExamples: 16,
    },
    grid: { objective: ['elbo', 'iwae'] },
    seeds: 3,
    metrics: ['nll', 'elbo', 'kl', 'activeUnits'],
  },
  'bench-local-pool.yaml',
);

const counts = process.argv
  .slice(2)
  .filter((a) => a !== '--built')
  .map(Number);
const workers = counts.length > 0 ? counts : [1, 2];
const root = mkdtempSync(join(tmpdir(), 'vaekit-bench-pool-'));
console.log(
  `6-run test sweep on ${availableParallelism()} cores (load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}), ${built ? 'built package (dist/)' : 'from sources'}`,
);
const tables: string[] = [];
try {
  for (const n of workers) {
    const out = join(root, `workers-${n}`);
    let firstStep = Number.NaN;
    const t0 = performance.now();
    const result = await runSweepLocally(spec, {
      out,
      workers: n,
      onEvent: (e) => {
        if (e.type === 'step' && Number.isNaN(firstStep)) firstStep = performance.now() - t0;
      },
    });
    const wall = (performance.now() - t0) / 1000;
    if (result.status !== 'completed') throw new Error(`sweep ${result.status}`);
    collectResults(spec, out);
    tables.push(readFileSync(join(out, 'results.md'), 'utf8'));
    const perRun = result.outcomes.map((o) => o.seconds);
    console.log(
      `${String(n).padStart(2)} worker${n === 1 ? ' ' : 's'}: ${wall.toFixed(1).padStart(6)} s wall clock (first step after ${(firstStep / 1000).toFixed(1)} s; per run ${Math.min(...perRun).toFixed(1)}-${Math.max(...perRun).toFixed(1)} s)`,
    );
  }
  console.log(
    tables.every((t) => t === tables[0])
      ? 'results tables identical across worker counts'
      : 'RESULTS TABLES DIFFER',
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
