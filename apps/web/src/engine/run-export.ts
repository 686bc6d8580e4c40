import type * as tf from '@tensorflow/tfjs-core';
import type { AdamWithClipping } from '@vaekit/backend';
import {
  type MetricRow,
  Rng,
  type RunModel,
  type TrainConfig,
  modelFileDigests,
  sha256Hex,
  trainingCurvesSvg,
} from '@vaekit/core';
import type { MetricPoint } from '../shared/types';
import { type ZipEntry, writeZip } from '../shared/zip';
import { modelBundle } from './app-model';

/**
 * A run trained in the page, written as the run directory `vaekit train` writes, so that the
 * explorer (its `model/`), `vaekit eval`, `vaekit sample` and the other commands (its
 * `config.json` and `checkpoint/`, through the trainer's `openRun`) accept it:
 *
 * - `vaekit-run.json`: the marker `{ format: 'vaekit-run', version: 1, createdAt }`;
 * - `config.json`: the run's `TrainConfig` (`resolveConfig` accepts it: data `mnist` or
 *   `brown`, the app's settings, `maxSteps` the steps asked for);
 * - `vocabulary.json` (text): the ids the model reads;
 * - `metrics.jsonl`: the rows the page charted (training rows `{ step, epoch, loss, kl }`;
 *   held-out rows `{ step, split: 'validation', loss, elbo, kl, activeUnits }`, the negative
 *   ELBO of the app's held-out examples, without the CLI's importance-sampled NLL);
 * - `curves.svg`: core's `trainingCurvesSvg` of those rows;
 * - `checkpoint/checkpoint.json` and `checkpoint/weights-<step>-<sha12>.bin`: the checkpoint
 *   format of `@vaekit/trainer` (version 1): the weights by name (`namedWeights`), Adam's
 *   moments and step (`getWeights`), SHA-256 of the payload and of the manifest;
 * - `model/model.json`, `model/weights.bin`, `model/vaekit.json`: what the trainer's
 *   `fileIOHandler` and `writeRunArtifacts` write (tf.io layout; kind, config, vocabulary and
 *   the files' SHA-256 and lengths).
 *
 * Not written (the CLI writes them at the end of a run from its full evaluation): `eval.json`,
 * samples and reconstructions.
 */
export interface RunExport {
  model: RunModel;
  config: TrainConfig;
  optimizer: AdamWithClipping;
  /** Optimisation steps taken. */
  step: number;
  /** Epochs started (the CLI's `epoch` in rows and checkpoint). */
  epoch: number;
  rows: MetricPoint[];
  /** When the run started. */
  startedAt: Date;
}

const text = (s: string) => new TextEncoder().encode(s);
const json = (value: unknown) => text(`${JSON.stringify(value, null, 2)}\n`);

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out;
}

const stamp = (d: Date) =>
  `${d.getFullYear()}${String(d.getMonth() + 1).padStart(2, '0')}${String(d.getDate()).padStart(2, '0')}-${String(d.getHours()).padStart(2, '0')}${String(d.getMinutes()).padStart(2, '0')}${String(d.getSeconds()).padStart(2, '0')}`;

/** The directory name of an exported run, in the CLI's style: `mnist-bn-elbo-web-20261121-120000`. */
export function runName(config: TrainConfig, startedAt: Date): string {
  return `${config.data}-${config.latent}-${config.objective}-web-${stamp(startedAt)}`;
}

interface TensorEntry {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  offset: number;
  byteLength: number;
}

/** The checkpoint files (`checkpoint.json` and its payload), as `writeCheckpoint` lays them out. */
async function checkpointFiles(
  weights: { name: string; tensor: tf.Tensor }[],
  optimizerState: { name: string; tensor: tf.Tensor }[],
  r: RunExport,
): Promise<ZipEntry[]> {
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const layout = (named: { name: string; tensor: tf.Tensor }[]): TensorEntry[] =>
    named.map(({ name, tensor }) => {
      if (tensor.dtype !== 'float32' && tensor.dtype !== 'int32')
        throw new Error(`cannot checkpoint ${name}: dtype ${tensor.dtype}`);
      const values = tensor.dataSync();
      const typed =
        tensor.dtype === 'float32' ? Float32Array.from(values) : Int32Array.from(values);
      const bytes = new Uint8Array(typed.buffer);
      chunks.push(bytes);
      const entry: TensorEntry = {
        name,
        shape: [...tensor.shape],
        dtype: tensor.dtype,
        offset,
        byteLength: bytes.byteLength,
      };
      offset += bytes.byteLength;
      return entry;
    });
  const weightEntries = layout(weights);
  const optimizerEntries = layout(optimizerState);
  const payload = concat(chunks);
  const payloadSha = await sha256Hex(payload);
  const file = `weights-${String(r.step).padStart(9, '0')}-${payloadSha.slice(0, 12)}.bin`;
  // The order of keys is the trainer's: the manifest checksum is the SHA-256 of this JSON.
  const body = {
    format: 'vaekit-checkpoint',
    version: 1,
    step: r.step,
    epoch: r.epoch,
    createdAt: new Date().toISOString(),
    rngState: new Rng(r.config.seed).state(),
    config: JSON.parse(JSON.stringify(r.config)),
    extra: {
      startBatch: 0,
      best: null,
      badEvaluations: 0,
      lrBadEvaluations: 0,
      lr: r.config.lr,
      window: { loss: 0, bound: 0, kl: 0, steps: 0 },
    },
    payload: { file, bytes: payload.byteLength, sha256: payloadSha, byteOrder: 'little-endian' },
    weights: weightEntries,
    optimizerState: optimizerEntries,
  };
  const manifest = { ...body, manifestSha256: await sha256Hex(JSON.stringify(body)) };
  return [
    { path: `checkpoint/${file}`, data: payload },
    { path: 'checkpoint/checkpoint.json', data: text(JSON.stringify(manifest, null, 1)) },
  ];
}

/** The metrics rows of `metrics.jsonl`, in the trainer's keys. */
function metricsRows(r: RunExport): Record<string, unknown>[] {
  return [...r.rows]
    .sort((a, b) => a.step - b.step || (a.split === 'train' ? -1 : 1))
    .map((p) =>
      p.split === 'train'
        ? { step: p.step, epoch: r.epoch, loss: p.loss, kl: p.kl }
        : {
            step: p.step,
            split: 'validation',
            loss: p.loss,
            elbo: -p.loss,
            kl: p.kl,
            ...(p.activeUnits !== undefined ? { activeUnits: p.activeUnits } : {}),
          },
    );
}

/** The files of the run directory (paths relative to it). */
export async function runDirectoryFiles(r: RunExport): Promise<ZipEntry[]> {
  const bundle = await modelBundle(r.model, r.config);
  const { weightSpecs, ...topology } = bundle.artifacts as { weightSpecs?: unknown[] };
  const modelJson = text(
    JSON.stringify({
      ...topology,
      weightsManifest: [{ paths: ['./weights.bin'], weights: weightSpecs ?? [] }],
    }),
  );
  const weights = new Uint8Array(bundle.weightData);
  const files = await modelFileDigests({ modelJson, weights });
  const named = r.model.namedWeights();
  const moments = await r.optimizer.getWeights();
  let checkpoint: ZipEntry[];
  try {
    checkpoint = await checkpointFiles(named, moments, r);
  } finally {
    for (const n of [...named, ...moments]) n.tensor.dispose();
  }
  const rows = metricsRows(r);
  const curveRows: MetricRow[] = rows.map((row) =>
    row['split'] === 'validation'
      ? {
          step: row['step'],
          valLoss: row['loss'],
          valKl: row['kl'],
          activeUnits: row['activeUnits'],
        }
      : { step: row['step'], loss: row['loss'], kl: row['kl'] },
  );
  return [
    {
      path: 'vaekit-run.json',
      data: json({
        format: 'vaekit-run',
        version: 1,
        createdAt: r.startedAt.toISOString(),
        createdBy: 'the vaekit web app',
      }),
    },
    { path: 'config.json', data: json(r.config) },
    ...(bundle.vaekit.vocabulary
      ? [{ path: 'vocabulary.json', data: json(bundle.vaekit.vocabulary) }]
      : []),
    { path: 'metrics.jsonl', data: text(rows.map((row) => `${JSON.stringify(row)}\n`).join('')) },
    ...(rows.length > 0 ? [{ path: 'curves.svg', data: text(trainingCurvesSvg(curveRows)) }] : []),
    ...checkpoint,
    { path: 'model/model.json', data: modelJson },
    { path: 'model/weights.bin', data: weights },
    { path: 'model/vaekit.json', data: json({ ...bundle.vaekit, files }) },
  ];
}

/** The run directory as a ZIP archive with one top folder, the run's name. */
export async function runArchive(
  r: RunExport,
): Promise<{ name: string; zip: Uint8Array; paths: string[] }> {
  const name = runName(r.config, r.startedAt);
  const entries = (await runDirectoryFiles(r)).map((e) => ({ ...e, path: `${name}/${e.path}` }));
  return { name, zip: writeZip(entries), paths: entries.map((e) => e.path) };
}
