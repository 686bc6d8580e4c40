/**
 * What each of @vaekit/backend's wasm kernel fixes is worth: the vaekit side of a few benchmark
 * items, with none of the fixes, then adding them one at a time (each row in a fresh process).
 *
 *   node --conditions=@vaekit/source --import tsx bench/ablation.ts
 *
 * Environment: ABLATION_ITEMS (default mlp/elbo/b128,mlp/iwae50/b128,text/bn-vae/b32),
 * BENCH_SECONDS (default 3), BENCH_WALL=1 (wall-clock throughput; default: per CPU-second of
 * the process, which other processes on the machine do not distort).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backend } from './deps';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const items = (process.env.ABLATION_ITEMS ?? 'mlp/elbo/b128,mlp/iwae50/b128,text/bn-vae/b32').split(
  ',',
);
// The default fixes one at a time, then the opt-in fused multiply-add GEMM on top of them all.
const fixes = backend.DEFAULT_WASM_KERNEL_FIXES;
const steps = [
  'none',
  ...fixes.map((_, i) => fixes.slice(0, i + 1).join(',')),
  ...(backend.relaxedSimdSupported() ? [[...fixes, 'fma-gemm'].join(',')] : []),
];
const dir = mkdtempSync(join(tmpdir(), 'vaekit-ablation-'));
const rows: string[] = [];
let previous: Record<string, number> | undefined;
for (const [i, setting] of steps.entries()) {
  const out = join(dir, `r${i}.json`);
  execFileSync(process.execPath, [...process.execArgv, join(root, 'bench/run.ts')], {
    env: {
      ...process.env,
      BENCH_WASM_FIXES: setting,
      BENCH_ITEMS: items.join(','),
      BENCH_ONLY: 'mlp,text',
      BENCH_NO_PYTORCH: '1',
      BENCH_WORKERS: '0',
      BENCH_OUT: out,
      BENCH_DOC: join(dir, 'doc.md'),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const result = JSON.parse(readFileSync(out, 'utf8')) as {
    rows: { id: string; metric: string; vaekit: Record<string, number> }[];
  };
  // Throughput per CPU-second of the (single-threaded) process: robust to other processes
  // competing for the cores; BENCH_WALL=1 reports wall-clock throughput instead.
  const values = Object.fromEntries(
    result.rows.map((r) => [
      r.id,
      process.env.BENCH_WALL === '1'
        ? r.vaekit[r.metric]!
        : (r.vaekit[r.metric]! * r.vaekit['seconds']!) / r.vaekit['cpuSeconds']!,
    ]),
  );
  const label = i === 0 ? 'no fixes' : `+ ${fixes[i - 1] ?? 'fma-gemm (opt-in)'}`;
  rows.push(
    `| ${label} | ${items
      .map((id) => {
        const v = values[id]!;
        const gain = previous?.[id] ? ` (${((v / previous[id]! - 1) * 100).toFixed(0)}%)` : '';
        return `${v.toFixed(0)}${gain}`;
      })
      .join(' | ')} |`,
  );
  previous = values;
}
rmSync(dir, { recursive: true, force: true });
console.log(`| wasm kernel fixes | ${items.join(' | ')} |`);
console.log(`|---|${items.map(() => '---:').join('|')}|`);
for (const row of rows) console.log(row);
