import '@tensorflow/tfjs-backend-cpu';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { AdamWithClipping } from '@vaekit/backend';
import { Vocabulary, createModel, loadRunModel, trainStep } from '@vaekit/core';
import { fileIOHandler, openRun, readCheckpoint } from '@vaekit/trainer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_SETTINGS,
  type MetricPoint,
  type TrainSettings,
  trainConfig,
} from '../shared/types';
import { readZip } from '../shared/zip';
import { readRunFiles } from './run-files';
import { runArchive } from './run-export';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
});

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A model trained a few steps in the page's way, exported, unzipped into a temporary folder. */
async function exported(settings: TrainSettings, data: Parameters<typeof createModel>[1]) {
  const config = trainConfig(
    settings,
    settings.task === 'text' ? { maxLength: 8, vocabSize: 9 } : {},
  );
  const model = createModel(config, data);
  const optimizer = new AdamWithClipping(config.lr, config.clipNorm);
  const rows: MetricPoint[] = [];
  for (let step = 1; step <= 3; step++) {
    const x =
      model.kind === 'image'
        ? tf.tidy(() =>
            tf.cast(tf.greater(tf.randomUniform([8, 784], 0, 1, 'float32', step), 0.5), 'float32'),
          )
        : tf.tensor2d(
            [
              [2, 5, 6, 7, 3, 0, 0, 0],
              [2, 8, 4, 3, 0, 0, 0, 0],
            ],
            undefined,
            'int32',
          );
    const r = await trainStep(model, optimizer, x, {
      objective: config.objective,
      k: config.k,
      groups: config.groups,
      beta: config.beta,
      gradientEstimator: config.gradientEstimator,
      seed: step,
      training: true,
      step,
    });
    x.dispose();
    rows.push({ step, split: 'train', loss: r.loss, kl: r.kl });
  }
  rows.push({ step: 3, split: 'test', loss: 500, kl: 3, activeUnits: 2 });
  const archive = await runArchive({
    model,
    config,
    optimizer,
    step: 3,
    epoch: 0,
    rows,
    startedAt: new Date(2026, 0, 2, 3, 4, 5),
  });
  const root = mkdtempSync(join(tmpdir(), 'vaekit-export-'));
  dirs.push(root);
  for (const e of await readZip(archive.zip)) {
    mkdirSync(dirname(join(root, e.path)), { recursive: true });
    writeFileSync(join(root, e.path), e.data);
  }
  return { model, optimizer, config, archive, dir: join(root, archive.name) };
}

const weightsOf = (model: { namedWeights(): { name: string; tensor: tf.Tensor }[] }) => {
  const named = model.namedWeights();
  const out = Object.fromEntries(named.map((w) => [w.name, Array.from(w.tensor.dataSync())]));
  tf.dispose(named.map((w) => w.tensor));
  return out;
};

describe('a run trained in the page, downloaded as a run directory', () => {
  it('holds the files of a `vaekit train` run, under one folder named like the CLI names runs', async () => {
    const { archive, model, optimizer } = await exported(
      { ...DEFAULT_SETTINGS, latent: 'bn', latentDim: 2, hidden: [16], steps: 3 },
      { kind: 'image', imageShape: [28, 28] },
    );
    expect(archive.name).toBe('mnist-bn-elbo-web-20260102-030405');
    const paths = archive.paths.map((p) => p.slice(archive.name.length + 1));
    expect(paths).toEqual(
      expect.arrayContaining([
        'vaekit-run.json',
        'config.json',
        'metrics.jsonl',
        'curves.svg',
        'checkpoint/checkpoint.json',
        'model/model.json',
        'model/weights.bin',
        'model/vaekit.json',
      ]),
    );
    expect(paths.some((p) => /^checkpoint\/weights-000000003-[0-9a-f]{12}\.bin$/.test(p))).toBe(
      true,
    );
    model.dispose();
    optimizer.dispose();
  });

  it('opens in `vaekit eval`’s way (openRun: config, checksummed checkpoint) with the trained weights', async () => {
    const { dir, model, optimizer } = await exported(
      { ...DEFAULT_SETTINGS, latent: 'bn', latentDim: 2, hidden: [16], steps: 3 },
      { kind: 'image', imageShape: [28, 28] },
    );
    const checkpoint = await readCheckpoint(join(dir, 'checkpoint'));
    expect(checkpoint.step).toBe(3);
    expect(Object.keys(checkpoint.optimizerState)).toContain('iter');
    const opened = await openRun(dir, { backend: 'cpu' });
    try {
      expect(opened.step).toBe(3);
      expect(opened.config.latent).toBe('bn');
      expect(weightsOf(opened.model)).toEqual(weightsOf(model));
    } finally {
      opened.model.dispose();
      model.dispose();
      optimizer.dispose();
    }
  });

  it('loads in the explorer (its model/ with checksums) and through the trainer’s verified fileIOHandler', async () => {
    const { dir, model, optimizer } = await exported(
      { ...DEFAULT_SETTINGS, latent: 'vmf', kappa: 20, latentDim: 3, hidden: [16], steps: 3 },
      { kind: 'image', imageShape: [28, 28] },
    );
    const files = [
      'vaekit-run.json',
      'config.json',
      'model/model.json',
      'model/weights.bin',
      'model/vaekit.json',
    ].map((p) => ({ path: `run/${p}`, file: new Blob([readFileSync(join(dir, p))]) }));
    const bundle = await readRunFiles(files);
    expect(bundle.vaekit.files?.['weights.bin'].bytes).toBe(bundle.weightData.byteLength);
    const artifacts = {
      ...bundle.artifacts,
      weightData: bundle.weightData,
    } as tf.io.ModelArtifacts;
    const loaded = await loadRunModel(tf.io.fromMemory(artifacts), { kind: 'image' });
    const viaTrainer = await loadRunModel(fileIOHandler(join(dir, 'model')), { kind: 'image' });
    expect(weightsOf(loaded)).toEqual(weightsOf(model));
    expect(weightsOf(viaTrainer)).toEqual(weightsOf(model));
    for (const m of [loaded, viaTrainer, model]) m.dispose();
    optimizer.dispose();
  });

  it('carries a text model’s vocabulary (vocabulary.json and model/vaekit.json)', async () => {
    const vocabulary = Vocabulary.fromJSON({
      format: 'vaekit-vocabulary',
      version: 1,
      tokens: ['<pad>', '<unk>', '<bos>', '<eos>', 'the', 'cat', 'sat', 'on', 'mat'],
    } as never);
    const { dir, model, optimizer } = await exported(
      {
        ...DEFAULT_SETTINGS,
        task: 'text',
        latent: 'gaussian',
        latentDim: 4,
        hidden: [8],
        embedding: 4,
        batchSize: 2,
        steps: 3,
      },
      { kind: 'text', vocabulary, maxLength: 8 },
    );
    const saved = JSON.parse(readFileSync(join(dir, 'vocabulary.json'), 'utf8'));
    expect(saved.tokens).toEqual(vocabulary.toJSON().tokens);
    const vaekit = JSON.parse(readFileSync(join(dir, 'model/vaekit.json'), 'utf8'));
    expect(vaekit.kind).toBe('text');
    const again = await loadRunModel(fileIOHandler(join(dir, 'model')), {
      kind: 'text',
      vocabulary: Vocabulary.fromJSON(vaekit.vocabulary),
      maxLength: 8,
    });
    expect(weightsOf(again)).toEqual(weightsOf(model));
    again.dispose();
    model.dispose();
    optimizer.dispose();
  });
});
