#!/usr/bin/env node
/**
 * What vaekit's wasm kernels are worth in the browser: the built app (dist/) in headless
 * Chromium on the wasm backend, training the digit VAE and the text VAE from Start to
 * "Completed", once with vaekit's kernel fixes (the app's default), once with tfjs-backend-wasm's
 * own kernels (`?wasm-fixes=none`) and once on wasm-fma (vaekit's kernels with the fused
 * multiply-add GEMM), alternating, `ROUNDS` times each (default 2). Prints one line
 * per run and the medians, and writes test-results/kernels.json. Not part of `test` (minutes).
 *
 *   node tests/measure-kernels.mjs     (after `vite build`; CHROMIUM=... as for e2e.mjs)
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveDist } from './serve-dist.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const results = join(root, 'test-results');
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const rounds = Number(process.env.ROUNDS ?? 2);
/**
 * `ISOLATE=1` serves the app cross-origin isolated (COOP/COEP), so tfjs-backend-wasm can use its
 * threaded build (SharedArrayBuffer and a pool of Web Workers).
 */
const isolate = process.env.ISOLATE === '1';
/** The runs: the digit page's BN-VAE at its default size, the text page's default model. */
const TASKS = [
  { name: 'digits', panel: '#panel-train', hash: '#train?steps=300&evalEvery=1000' },
  { name: 'text', panel: '#panel-text', hash: '#text?steps=60&evalEvery=1000' },
];
const VARIANTS = [
  { name: 'vaekit kernels', query: '?backend=wasm' },
  { name: 'tfjs kernels', query: '?backend=wasm&wasm-fixes=none' },
  // vaekit's kernels with the fused multiply-add GEMM (needs WebAssembly relaxed SIMD).
  { name: 'vaekit kernels, wasm-fma', query: '?backend=wasm-fma' },
];

if (!existsSync(join(dist, 'index.html'))) {
  console.error(`no built app in ${dist}: run \`vite build\` first`);
  process.exit(1);
}
const server = await serveDist(dist, { isolate });
const { origin } = server;
const { chromium } = await import('playwright-core');
const profile = mkdtempSync(join(tmpdir(), 'vaekit-kernels-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const rows = [];
try {
  for (let round = 0; round < rounds; round++) {
    for (const task of TASKS) {
      for (const variant of VARIANTS) {
        const page = await context.newPage();
        await page.goto(`${origin}/${variant.query}${task.hash}`);
        await page.waitForSelector('[data-role=backend][data-choice]', { timeout: 120_000 });
        const backend = await page.$eval('[data-role=backend]', (el) => el.textContent);
        await page.click(`${task.panel} [data-action=start]`);
        const status = await page.waitForSelector(
          `${task.panel} [data-role=status][data-finished]`,
          { timeout: 600_000 },
        );
        if ((await status.getAttribute('data-finished')) !== 'completed') {
          const error = await page.$eval(
            `${task.panel}`,
            (el) => el.textContent?.match(/Training failed: .*/)?.[0],
          );
          throw new Error(`${task.name}, ${variant.name}: ${error ?? 'training did not complete'}`);
        }
        const stepsPerSec = Number(
          await page.$eval(`${task.panel} [data-role=status]`, (el) => el.dataset.stepsPerSec),
        );
        rows.push({ round, task: task.name, variant: variant.name, stepsPerSec, backend });
        console.log(
          `${task.name}, ${variant.name}: ${stepsPerSec.toFixed(2)} steps/s  (${backend})`,
        );
        await page.close();
      }
    }
  }
} finally {
  await context.close();
  server.close();
  rmSync(profile, { recursive: true, force: true });
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const summary = TASKS.map((task) => {
  const of = (variant) =>
    median(
      rows.filter((r) => r.task === task.name && r.variant === variant).map((r) => r.stepsPerSec),
    );
  const ours = of('vaekit kernels');
  const theirs = of('tfjs kernels');
  const fma = of('vaekit kernels, wasm-fma');
  console.log(
    `${task.name}: vaekit ${ours.toFixed(2)}, tfjs ${theirs.toFixed(2)} steps/s: ${(ours / theirs).toFixed(2)}x; wasm-fma ${fma.toFixed(2)} steps/s: ${(fma / ours).toFixed(2)}x vaekit's`,
  );
  return { task: task.name, vaekit: ours, tfjs: theirs, speedup: ours / theirs, wasmFma: fma };
});
mkdirSync(results, { recursive: true });
writeFileSync(
  join(results, 'kernels.json'),
  `${JSON.stringify({ date: new Date().toISOString(), browser: executablePath, cpus: `${cpus().length} x ${cpus()[0]?.model}`, rows, summary }, null, 2)}\n`,
);
