/**
 * Power Spherical sampler against the von Mises-Fisher samplers (inverse CDF and Wood).
 *
 *   node --conditions=@vaekit/source --import tsx bench/power-spherical.ts
 *
 * Environment:
 *   BENCH_BACKEND=wasm|cpu    tfjs backend (default wasm, through @vaekit/backend's selectBackend)
 *   BENCH_SECONDS=0.4         time per measurement
 *
 * For d in {3, 16, 64, 256, 1024} and kappa in {1, 50, 1000} it prints, in samples per second:
 * the throughput of drawing the cosine `t = mu^T x` alone in float64 JS (1024 draws a call; for
 * the vMF inverse CDF with its table cached), and of `rsample()` for a batch of 1024 rows (a
 * [1024, d] mean direction, one sample per row), i.e. the whole sample including the tensor
 * work, with kappa a number, and with a tensor concentration holding 1024 distinct values in
 * [kappa, 2 kappa] (one per row, as from an encoder), which adds the implicit-gradient factors
 * (for the vMF inverse CDF: one coarse table per row and call).
 */
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@vaekit/backend';
import { drawPowerSphericalAngles } from '../src/internal/power-spherical-angles';
import { Prng } from '../src/internal/prng';
import { clearAngleTableCache } from '../src/internal/vmf-angle-table';
import { drawAngles } from '../src/internal/vmf-angles';
import { PowerSpherical } from '../src/power-spherical';
import { VonMisesFisher } from '../src/von-mises-fisher';

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

function unitRows(rows: number, dim: number, seed: number): tf.Tensor {
  return tf.tidy(() => {
    const x = tf.randomNormal([rows, dim], 0, 1, 'float32', seed);
    return tf.div(x, tf.norm(x, 'euclidean', -1, true));
  });
}

type Make = (mu: tf.Tensor, kappa: number | tf.Tensor) => PowerSpherical | VonMisesFisher;

const MAKERS: Record<string, Make> = {
  'power spherical': (mu, kappa) => new PowerSpherical({ meanDirection: mu, concentration: kappa }),
  'vMF inverse-cdf': (mu, kappa) => new VonMisesFisher({ meanDirection: mu, concentration: kappa }),
  'vMF wood': (mu, kappa) =>
    new VonMisesFisher({ meanDirection: mu, concentration: kappa, sampler: 'wood' }),
};

function rsampleRate(make: Make, mu: tf.Tensor, kappa: number | tf.Tensor): number {
  const q = make(mu, kappa);
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

function cosineRate(name: string, dim: number, kappa: number): number {
  const kappas = new Float64Array(ROWS).fill(kappa);
  const rng = new Prng(1);
  const uniforms = new Float64Array(ROWS);
  let seed = 0;
  return (
    ROWS *
    rate(() => {
      if (name === 'power spherical') {
        drawPowerSphericalAngles(dim, kappas, 1, seed++, false);
      } else if (name === 'vMF inverse-cdf') {
        for (let i = 0; i < ROWS; i++) uniforms[i] = rng.uniform();
        drawAngles(dim, kappas, 1, 'inverse-cdf', { uniforms }, false);
      } else {
        drawAngles(dim, kappas, 1, 'wood', { woodSeed: seed++ }, false);
      }
    })
  );
}

const fmt = (x: number) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : `${(x / 1e3).toFixed(0)}k`);
const NAMES = Object.keys(MAKERS);
const COLUMNS: [string, number][] = [
  ['d', 5],
  ['kappa', 6],
  ...NAMES.map((n): [string, number] => [`t only: ${n}`, 24]),
  ...NAMES.map((n): [string, number] => [`rsample: ${n}`, 25]),
  ...NAMES.map((n): [string, number] => [`per-row kappa: ${n}`, 31]),
];
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
    const cosines = NAMES.map((n) => fmt(cosineRate(n, dim, kappa)));
    const shared = NAMES.map((n) => fmt(rsampleRate(MAKERS[n]!, mu, kappa)));
    const perRow = tf.tensor(Float32Array.from({ length: ROWS }, (_, i) => kappa * (1 + i / ROWS)));
    const rows = NAMES.map((n) => fmt(rsampleRate(MAKERS[n]!, mu, perRow)));
    perRow.dispose();
    console.log(row([String(dim), String(kappa), ...cosines, ...shared, ...rows]));
  }
  mu.dispose();
}
