import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { DEFAULT_TRAIN_CONFIG, createModel, loadRunModel } from '@vaekit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { fileIOHandler } from './file-io-handler';
import {
  modelDirDigests,
  readModelFiles,
  recordedModelDigests,
  verifyModelDir,
} from './model-dir-checksum';

const root = mkdtempSync(join(tmpdir(), 'vaekit-model-sum-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Saves a small image model to `root/name` as `vaekit train` does: tf.io files, then vaekit.json. */
async function savedModel(name: string, checksums = true): Promise<string> {
  const dir = join(root, name);
  const model = createModel(
    { ...DEFAULT_TRAIN_CONFIG, hidden: [16], latentDim: 2 },
    { kind: 'image', imageShape: [28, 28] },
  );
  await model.save(fileIOHandler(dir));
  model.dispose();
  const files = checksums ? { files: await modelDirDigests(dir) } : {};
  writeFileSync(
    join(dir, 'vaekit.json'),
    JSON.stringify({ format: 'vaekit-model', kind: 'image', ...files }),
  );
  return dir;
}

/** Loads the files as tfjs does, without any check (a handler over the raw bytes). */
function loadUnchecked(dir: string) {
  const { modelJson, weights } = readModelFiles(dir);
  const { weightsManifest, ...rest } = JSON.parse(new TextDecoder().decode(modelJson));
  const artifacts = {
    ...rest,
    weightSpecs: weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights),
    weightData: weights.slice().buffer,
  } as tf.io.ModelArtifacts;
  return loadRunModel(tf.io.fromMemory(artifacts), { kind: 'image' });
}

describe('model directory checksums', () => {
  it('records the files as written and accepts the intact model', async () => {
    const dir = await savedModel('intact');
    const weights = readFileSync(join(dir, 'weights.bin'));
    expect(recordedModelDigests(dir)?.['weights.bin'].bytes).toBe(weights.length);
    expect(await verifyModelDir(dir)).toEqual({ checksums: true });
  });

  it('catches a flipped byte that tfjs loads silently', async () => {
    const dir = await savedModel('flipped');
    const path = join(dir, 'weights.bin');
    const bytes = readFileSync(path);
    bytes[4003] = bytes[4003]! ^ 0x40;
    writeFileSync(path, bytes);
    // Without the check the damaged weights load as if nothing were wrong.
    (await loadUnchecked(dir)).dispose();
    await expect(verifyModelDir(dir)).rejects.toThrow(
      new RegExp(
        `^${path.replace(/[.\\/]/g, '\\$&')} does not match its checksum \\(expected sha256 [0-9a-f]{12}\\.\\.\\., got [0-9a-f]{12}\\.\\.\\.\\): the file is damaged; retrain or restore it$`,
      ),
    );
  });

  it('names a truncated weights file before tfjs reports a shape error, with or without checksums', async () => {
    for (const checksums of [true, false]) {
      const dir = await savedModel(`truncated-${checksums}`, checksums);
      const path = join(dir, 'weights.bin');
      const bytes = readFileSync(path);
      writeFileSync(path, bytes.subarray(0, 25000));
      await expect(loadUnchecked(dir)).rejects.toThrow(/Based on the provided shape/);
      await expect(verifyModelDir(dir)).rejects.toThrow(
        `${path} is too short: 25000 bytes, the model needs ${bytes.length} (truncated?)`,
      );
    }
  });

  it('names a missing weights file and a damaged vaekit.json', async () => {
    const dir = await savedModel('broken');
    rmSync(join(dir, 'weights.bin'));
    await expect(verifyModelDir(dir)).rejects.toThrow(/^cannot read .*weights\.bin/);
    writeFileSync(join(dir, 'vaekit.json'), '{"format": "vaekit-mo');
    expect(() => recordedModelDigests(dir)).toThrow(/vaekit\.json is not valid JSON/);
  });
});
