import type * as tf from '@tensorflow/tfjs-core';
import {
  type EvaluationResult,
  type MetricRow,
  type RunModel,
  type TrainConfig,
  type TrainingData,
  imageGridPng,
  reconstruct,
  sampleFromPrior,
  trainingCurvesSvg,
} from '@vaekit/core';
import { evaluateParallel, evaluationThreads } from '../parallel/parallel-evaluate';
import { fileIOHandler } from '../io/file-io-handler';
import { modelDirDigests } from '../io/model-dir-checksum';
import { zlibDeflate } from '../render/zlib-deflate';
import { svgToPng } from '../render/svg-to-png';
import type { MetricsRow, RunDirectory } from '../run/run-directory';
import type { TrainEvents } from './train';

/**
 * Decoded samples (K x examples) from which the test evaluation is worth worker threads (their
 * start-up, about a second each, is then a small part of the time).
 */
export const PARALLEL_EVALUATION_SAMPLES = 1_000_000;

/** Examples shown in `samples.png` and `reconstructions.png` (an 8x8 grid; 8 pairs of rows). */
const GRID = 64;

/**
 * Write the end-of-run artefacts into a run directory: the test evaluation (`eval.json`), the
 * model in the tf.io format (`model/`), samples from the prior (`samples.png`, or
 * `samples.txt` for text), reconstructions of test examples (`reconstructions.png`: originals
 * in odd rows, reconstructions below them; `reconstructions.txt` for text), and the training
 * curves (`curves.svg`, `curves.png`).
 *
 * @param cores the cores the test evaluation may use: it is split over that many worker threads
 *   ({@link evaluateParallel}) when it decodes at least {@link PARALLEL_EVALUATION_SAMPLES}
 *   samples (K x examples); its result is the same, bit for bit, on any number. Default 1.
 */
export async function writeRunArtifacts(
  run: RunDirectory,
  model: RunModel,
  data: TrainingData,
  config: TrainConfig,
  events: TrainEvents,
  cores = 1,
): Promise<EvaluationResult> {
  const options = {
    k: config.testK || config.evalK,
    examples: config.testExamples || config.evalExamples,
    seed: config.seed,
    batchSize: config.batchSize,
    ...(data.vocabulary ? { vocabSize: data.vocabulary.size } : {}),
  };
  const examples = Math.min(options.examples, data.test.size);
  const threads =
    options.k * examples >= PARALLEL_EVALUATION_SAMPLES
      ? evaluationThreads(examples, options.batchSize, cores)
      : 1;
  if (threads > 1) {
    events.onLog?.(
      `test evaluation (K = ${options.k}) on ${threads} worker threads (the result does not depend on them)`,
    );
  }
  const test = await evaluateParallel(model.vae, data.test, data.kind, options, threads);
  run.writeJson('eval.json', { split: 'test', ...test });
  await model.save(fileIOHandler(run.file('model')));
  run.writeJson('model/vaekit.json', {
    format: 'vaekit-model',
    kind: data.kind,
    config,
    ...(data.vocabulary ? { vocabulary: data.vocabulary.toJSON() } : {}),
    files: await modelDirDigests(run.file('model')),
  });
  writeSamples(run, model, config.seed);
  writeReconstructions(run, model, data);
  writeCurves(run);
  events.onLog?.(`wrote eval.json, model/, samples, reconstructions and curves to ${run.path}`);
  return test;
}

function writeSamples(run: RunDirectory, model: RunModel, seed: number): void {
  const samples = sampleFromPrior(model, model.kind === 'image' ? GRID : 20, seed);
  if (model.kind === 'image')
    run.writeFile(
      'samples.png',
      imageGridPng(samples as Float32Array[], { cols: 8, scale: 2, compress: zlibDeflate }),
    );
  else run.writeFile('samples.txt', `${(samples as string[]).join('\n')}\n`);
}

function writeReconstructions(run: RunDirectory, model: RunModel, data: TrainingData): void {
  const n = model.kind === 'image' ? GRID / 2 : 10;
  const x = data.test.head(n);
  try {
    const recon = reconstruct(model, x);
    if (model.kind === 'image') {
      const originals = splitRows(x);
      const rows: Float32Array[] = [];
      for (let r = 0; r < n / 8; r++) {
        rows.push(
          ...originals.slice(r * 8, r * 8 + 8),
          ...(recon as Float32Array[]).slice(r * 8, r * 8 + 8),
        );
      }
      run.writeFile(
        'reconstructions.png',
        imageGridPng(rows, { cols: 8, scale: 2, compress: zlibDeflate }),
      );
    } else {
      const originals = reconstructTargets(x, data);
      run.writeFile(
        'reconstructions.txt',
        originals.map((s, i) => `> ${s}\n< ${(recon as string[])[i]}\n`).join('\n'),
      );
    }
  } finally {
    x.dispose();
  }
}

function splitRows(x: tf.Tensor): Float32Array[] {
  const flat = x.dataSync() as Float32Array;
  const d = x.size / x.shape[0]!;
  return Array.from({ length: x.shape[0]! }, (_, i) => flat.slice(i * d, (i + 1) * d));
}

function reconstructTargets(x: tf.Tensor, data: TrainingData): string[] {
  const ids = x.arraySync() as number[][];
  return ids.map((row) => data.vocabulary!.decode(row).join(' '));
}

/** Draw `curves.svg` and `curves.png` from `metrics.jsonl` (training and validation rows). */
export function writeCurves(run: RunDirectory): void {
  const rows = run.readMetrics();
  if (rows.length === 0) return;
  const svg = trainingCurvesSvg(rows.map(toCurveRow));
  run.writeFile('curves.svg', svg);
  run.writeFile('curves.png', svgToPng(svg));
}

function toCurveRow(row: MetricsRow): MetricRow {
  if (row['split'] === 'validation') {
    return {
      step: row.step,
      valLoss: row['nll'] as number,
      valKl: row.kl as number,
      activeUnits: row['activeUnits'] as number,
    } as MetricRow;
  }
  return { step: row.step, loss: row.loss as number, kl: row.kl as number } as MetricRow;
}
