/**
 * von Mises-Fisher samplers: Su's tabulated inverse CDF against Wood's rejection sampler.
 *
 *   node --conditions=@vaekit/source --import tsx bench/vmf-samplers.ts     (pnpm bench)
 *
 * Environment:
 *   BENCH_BACKEND=wasm|cpu    tfjs backend (default wasm, through @vaekit/backend's selectBackend)
 *   BENCH_SECONDS=0.4         time per rsample measurement
 *
 * For d in {3, 16, 64, 256, 1024} and kappa in {1, 50, 1000} it prints: the cold build time of
 * one inverse-CDF table; the throughput of drawing w = mu^T z alone in float64 JS (1024 draws a
 * call, table cached); and the throughput of `rsample()` for a batch of 1024 rows (a [1024, d]
 * mean direction, one sample per row, kappa a number), i.e. the whole sample z including the
 * tensor work, in samples per second; and the same with a tensor concentration holding 1024
 * distinct values in [kappa, 2 kappa] (one per row, as from an encoder: one coarse table per row
 * and call, plus the implicit-gradient factors).
 */
import * as tf from '@tensorflow/tfjs-core';
import { Prng } from '../src/internal/prng';
import { drawAngles } from '../src/internal/vmf-angles';
import { buildAngleTable, clearAngleTableCache } from '../src/internal/vmf-angle-table';
import { VonMisesFisher, type VonMisesFisherSampler } from '../src/von-mises-fisher';

import { selectBackend } from '@vaekit/backend';

const DIMS = [3, 16, 64, 256, 1024];
const KAPPAS = [1, 50, 1000];
const ROWS = 1024;
const seconds = Number(process.env.BENCH_SECONDS ?? 0.4);

/** Calls per second of `fn`, after one warm-up call, over about `seconds`. */
function rate(fn: () => void): number {
  fn();
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  while (calls < 3 || elapsed < seconds * 1000) {
    fn();
    calls++;
    elapsed = performance.now() - start;
  }
  return (calls * 1000) / elapsed;
}

/** Median cold build time of a table, in ms. */
function buildMs(dim: number, kappa: number): number {
  const times: number[] = [];
  for (let i = 0; i < 15; i++) {
    const t0 = performance.now();
    buildAngleTable(dim, kappa);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[7]!;
}

function unitRows(rows: number, dim: number, seed: number): tf.Tensor {
  return tf.tidy(() => {
    const x = tf.randomNormal([rows, dim], 0, 1, 'float32', seed);
    return tf.div(x, tf.norm(x, 'euclidean', -1, true));
  });
}

function rsampleRate(
  mu: tf.Tensor,
  kappa: number | tf.Tensor,
  sampler: VonMisesFisherSampler,
): number {
  const q = new VonMisesFisher({ meanDirection: mu, concentration: kappa, sampler });
  let seed = 0;
  return (
    ROWS *
    rate(() => {
      const z = q.rsample([], { seed: seed++ });
      z.dataSync();
      z.dispose();
    })
  );
}

function wRate(dim: number, kappa: number, sampler: VonMisesFisherSampler): number {
  const kappas = new Float64Array(ROWS).fill(kappa);
  const rng = new Prng(1);
  const uniforms = new Float64Array(ROWS);
  let seed = 0;
  return (
    ROWS *
    rate(() => {
      if (sampler === 'inverse-cdf') for (let i = 0; i < ROWS; i++) uniforms[i] = rng.uniform();
      drawAngles(dim, kappas, 1, sampler, { uniforms, woodSeed: seed++ }, false);
    })
  );
}

const fmt = (x: number) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : `${(x / 1e3).toFixed(0)}k`);

const COLUMNS = [
  ['d', 5],
  ['kappa', 6],
  ['table build', 11],
  ['w only: inverse-cdf', 19],
  ['w only: wood', 12],
  ['rsample: inverse-cdf', 20],
  ['rsample: wood', 13],
  ['per-row kappa: inverse-cdf', 26],
  ['per-row kappa: wood', 19],
] as const;
const row = (cells: string[]) =>
  `| ${cells.map((c, i) => c.padStart(COLUMNS[i]![1])).join(' | ')} |`;

const backend = process.env.BENCH_BACKEND ?? 'wasm';
const selection = await selectBackend(backend);
console.log(`backend: ${selection.choice}; batch of ${ROWS} rows; throughputs in samples/s`);
console.log('');
console.log(row(COLUMNS.map(([name]) => name)));
console.log(row(COLUMNS.map(([, width]) => `${'-'.repeat(width - 1)}:`)));
for (const dim of DIMS) {
  const mu = unitRows(ROWS, dim, dim);
  for (const kappa of KAPPAS) {
    clearAngleTableCache();
    const build = buildMs(dim, kappa);
    const wInverse = wRate(dim, kappa, 'inverse-cdf');
    const wWood = wRate(dim, kappa, 'wood');
    const zInverse = rsampleRate(mu, kappa, 'inverse-cdf');
    const zWood = rsampleRate(mu, kappa, 'wood');
    const perRow = tf.tensor(Float32Array.from({ length: ROWS }, (_, i) => kappa * (1 + i / ROWS)));
    const rInverse = rsampleRate(mu, perRow, 'inverse-cdf');
    const rWood = rsampleRate(mu, perRow, 'wood');
    perRow.dispose();
    console.log(
      row([
        String(dim),
        String(kappa),
        `${build.toFixed(2)} ms`,
        fmt(wInverse),
        fmt(wWood),
        fmt(zInverse),
        fmt(zWood),
        fmt(rInverse),
        fmt(rWood),
      ]),
    );
  }
  mu.dispose();
}
