import { describe, expect, it } from 'vitest';
import { RunFilesError, readRunFiles } from './run-files';

const json = (value: unknown) => new Blob([JSON.stringify(value)]);
const marker = { format: 'vaekit-run', version: 1, createdAt: '2026-01-01T00:00:00Z' };
const modelJson = {
  format: 'vaekit-layers-model',
  modelTopology: { class_name: 'ImageVAE', config: {} },
  weightsManifest: [
    { paths: ['./weights.bin'], weights: [{ name: 'w', shape: [2], dtype: 'float32' }] },
  ],
};
const vaekit = { format: 'vaekit-model', kind: 'image', config: { data: 'mnist' } };
const weights = new Blob([new Float32Array([1, 2])]);

function run(overrides: Record<string, Blob | undefined> = {}, prefix = 'runs/a/') {
  const files: Record<string, Blob | undefined> = {
    'vaekit-run.json': json(marker),
    'config.json': json({ data: 'mnist', latent: 'bn' }),
    'eval.json': json({ nll: 90 }),
    'model/model.json': json(modelJson),
    'model/weights.bin': weights,
    'model/vaekit.json': json(vaekit),
    'checkpoint/model.json': json({ not: 'this one' }),
    ...overrides,
  };
  return Object.entries(files)
    .filter((e): e is [string, Blob] => e[1] !== undefined)
    .map(([path, file]) => ({ path: prefix + path, file }));
}

describe('readRunFiles', () => {
  it('reads the model, its weights, config.json and eval.json of a run directory', async () => {
    const bundle = await readRunFiles(run());
    expect(bundle.vaekit.kind).toBe('image');
    expect(bundle.config).toEqual({ data: 'mnist', latent: 'bn' });
    expect(bundle.evaluation).toEqual({ nll: 90 });
    expect(Array.from(new Float32Array(bundle.weightData))).toEqual([1, 2]);
    expect(bundle.artifacts['weightSpecs']).toEqual(modelJson.weightsManifest[0]!.weights);
    expect(bundle.artifacts['weightsManifest']).toBeUndefined();
  });

  it('accepts the model/ folder alone and loose files', async () => {
    const folder = run(
      { 'vaekit-run.json': undefined, 'config.json': undefined, 'eval.json': undefined },
      'model-only/',
    );
    expect((await readRunFiles(folder)).vaekit.kind).toBe('image');
    const loose = [
      { path: 'model.json', file: json(modelJson) },
      { path: 'weights.bin', file: weights },
      { path: 'vaekit.json', file: json(vaekit) },
    ];
    expect((await readRunFiles(loose)).weightData.byteLength).toBe(8);
  });

  it('refuses a folder that is not a run directory, naming the marker', async () => {
    const files = [{ path: 'photos/cat.jpg', file: new Blob(['x']) }];
    await expect(readRunFiles(files)).rejects.toThrow(
      /not a vaekit run directory.*vaekit-run\.json/,
    );
    await expect(readRunFiles([])).rejects.toBeInstanceOf(RunFilesError);
  });

  it('explains a run without model/ (interrupted) and a missing weights file', async () => {
    const interrupted = run({
      'model/model.json': undefined,
      'model/weights.bin': undefined,
      'model/vaekit.json': undefined,
      'checkpoint/model.json': undefined,
    });
    await expect(readRunFiles(interrupted)).rejects.toThrow(/no model\/ folder yet.*--resume/);
    await expect(readRunFiles(run({ 'model/weights.bin': undefined }))).rejects.toThrow(
      /weights file \.\/weights\.bin, which is missing/,
    );
  });

  it('refuses malformed descriptions', async () => {
    await expect(
      readRunFiles(run({ 'vaekit-run.json': json({ format: 'other' }) })),
    ).rejects.toThrow(/not a vaekit run marker/);
    await expect(readRunFiles(run({ 'model/vaekit.json': new Blob(['{oops']) }))).rejects.toThrow(
      /not valid JSON/,
    );
    await expect(
      readRunFiles(run({ 'model/vaekit.json': json({ ...vaekit, kind: 'audio' }) })),
    ).rejects.toThrow(/unknown model kind/);
    await expect(
      readRunFiles(run({ 'model/vaekit.json': json({ ...vaekit, kind: 'text' }) })),
    ).rejects.toThrow(/without its vocabulary/);
    await expect(readRunFiles(run({ 'model/vaekit.json': undefined }))).rejects.toThrow(
      /vaekit\.json is missing/,
    );
  });

  it('names a truncated weights file and says it is too short (before tfjs sees it)', async () => {
    // A model of 784x32 float32 weights (100,352 bytes) whose weights.bin was cut at 25,000.
    const big = {
      ...modelJson,
      weightsManifest: [
        {
          paths: ['./weights.bin'],
          weights: [{ name: 'w', shape: [784, 32], dtype: 'float32' }],
        },
      ],
    };
    const truncated = run({
      'model/model.json': json(big),
      'model/weights.bin': new Blob([new Uint8Array(25_000)]),
    });
    await expect(readRunFiles(truncated)).rejects.toThrow(
      'runs/a/model/weights.bin is too short: 25000 bytes, the model needs 100352 (truncated?)',
    );
    await expect(readRunFiles(truncated)).rejects.not.toThrow(/Based on the provided shape/);
    // Loose files (no folder): named as model/weights.bin.
    const loose = [
      { path: 'model.json', file: json(big) },
      { path: 'weights.bin', file: new Blob([new Uint8Array(25_000)]) },
      { path: 'vaekit.json', file: json(vaekit) },
    ];
    await expect(readRunFiles(loose)).rejects.toThrow(/^model\/weights\.bin is too short/);
  });

  it('checks the SHA-256 that vaekit.json records: one changed byte is named', async () => {
    const { modelFileDigests } = await import('@vaekit/core');
    const modelBytes = new TextEncoder().encode(JSON.stringify(modelJson));
    const good = new Uint8Array(new Float32Array([1, 2]).buffer);
    const files = await modelFileDigests({ modelJson: modelBytes, weights: good });
    const bad = good.slice();
    bad[0]! ^= 1;
    const withSums = (w: Uint8Array<ArrayBuffer>) =>
      run({
        'model/model.json': new Blob([modelBytes]),
        'model/weights.bin': new Blob([w]),
        'model/vaekit.json': json({ ...vaekit, files }),
      });
    await expect(readRunFiles(withSums(good))).resolves.toBeDefined();
    await expect(readRunFiles(withSums(bad))).rejects.toThrow(
      /runs\/a\/model\/weights\.bin does not match its checksum/,
    );
  });
});
