import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import { writeFileAtomic } from '../checkpoint/write-file-atomic';
import { verifyModelDir } from './model-dir-checksum';

const MODEL_FILE = 'model.json';
const WEIGHTS_FILE = 'weights.bin';

/**
 * A tf.io handler that saves to and loads from a directory on disk, in the standard tfjs
 * layout: `model.json` (topology or config, plus a `weightsManifest` naming `weights.bin`) and
 * `weights.bin`. A browser loads the same files with `tf.io.browserFiles` or over HTTP
 * (`tf.io.http('<url>/model.json')`). Both files are written to temporary names and renamed,
 * weights first, so a crash never leaves a `model.json` pointing at a partial weights file.
 *
 * @example
 * ```ts
 * await vae.save(fileIOHandler('runs/bn/model'));
 * const again = await ImageVAE.load(fileIOHandler('runs/bn/model'));
 * ```
 */
export function fileIOHandler(dir: string): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      mkdirSync(dir, { recursive: true });
      const weightData = weightParts(artifacts.weightData);
      const bytes = weightData.reduce((n, p) => n + p.byteLength, 0);
      const { weightData: _omit, weightSpecs, ...rest } = artifacts;
      const json = {
        ...rest,
        weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: weightSpecs ?? [] }],
      };
      writeFileAtomic(join(dir, WEIGHTS_FILE), weightData);
      writeFileAtomic(join(dir, MODEL_FILE), JSON.stringify(json));
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          weightDataBytes: bytes,
        },
      };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      // The weights' length, then the checksums model/vaekit.json records, before tfjs reads them.
      await verifyModelDir(dir);
      const path = join(dir, MODEL_FILE);
      let json: {
        weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
      } & Record<string, unknown>;
      try {
        json = JSON.parse(readFileSync(path, 'utf8'));
      } catch (error) {
        throw new Error(`cannot load a model from ${path}: ${(error as Error).message}`);
      }
      const manifest = json.weightsManifest ?? [];
      const buffers = manifest.flatMap((group) =>
        group.paths.map((p) => readFileSync(join(dir, p))),
      );
      const total = buffers.reduce((n, b) => n + b.byteLength, 0);
      const weightData = new Uint8Array(total);
      let offset = 0;
      for (const b of buffers) {
        weightData.set(b, offset);
        offset += b.byteLength;
      }
      const { weightsManifest: _omit, ...rest } = json;
      return {
        ...(rest as tf.io.ModelArtifacts),
        weightSpecs: manifest.flatMap((group) => group.weights),
        weightData: weightData.buffer,
      };
    },
  };
}

function weightParts(data: tf.io.WeightData | undefined): Uint8Array[] {
  if (data === undefined) return [];
  return (Array.isArray(data) ? data : [data]).map((b) => new Uint8Array(b));
}
