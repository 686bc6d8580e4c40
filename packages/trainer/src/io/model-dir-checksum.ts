import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ModelFileDigests,
  type ModelFilesCheck,
  modelFileDigests,
  verifyModelFiles,
} from '@vaekit/core';

/** The model description `vaekit train` writes beside the tf.io files. */
const VAEKIT_FILE = 'vaekit.json';

function read(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new Error(`cannot read ${path} (${(error as Error).message})`);
  }
}

/** The weight files a `model.json` names, in order; `['./weights.bin']` when it names none or is not JSON. */
function weightPaths(modelJson: Uint8Array): string[] {
  try {
    const json = JSON.parse(new TextDecoder().decode(modelJson)) as {
      weightsManifest?: { paths?: unknown }[];
    };
    const paths = (json.weightsManifest ?? []).flatMap((g) =>
      Array.isArray(g?.paths) ? (g.paths as unknown[]) : [],
    );
    if (paths.length > 0 && paths.every((p) => typeof p === 'string')) return paths as string[];
  } catch {
    // A damaged model.json: its checksum (or the loader) reports it.
  }
  return ['./weights.bin'];
}

/**
 * The raw bytes of a saved model's `model.json` and of its weights: `weights.bin` in the layout
 * of `fileIOHandler` (the files `model.json`'s manifest names, concatenated, in general).
 *
 * @throws Error naming a file that cannot be read.
 * @example
 * ```ts
 * const { modelJson, weights } = readModelFiles('runs/mnist/model');
 * ```
 */
export function readModelFiles(dir: string): { modelJson: Uint8Array; weights: Uint8Array } {
  const modelJson = read(join(dir, 'model.json'));
  const parts = weightPaths(modelJson).map((p) => read(join(dir, p)));
  if (parts.length === 1) return { modelJson, weights: parts[0]! };
  const weights = new Uint8Array(parts.reduce((n, b) => n + b.length, 0));
  let offset = 0;
  for (const b of parts) {
    weights.set(b, offset);
    offset += b.length;
  }
  return { modelJson, weights };
}

/**
 * The digests of a model directory's `model.json` and `weights.bin` as written on disk, for the
 * `files` field of `model/vaekit.json`.
 *
 * @example
 * ```ts
 * await model.save(fileIOHandler(dir));
 * const files = await modelDirDigests(dir); // { 'model.json': { sha256, bytes }, 'weights.bin': { ... } }
 * ```
 */
export async function modelDirDigests(dir: string): Promise<ModelFileDigests> {
  return modelFileDigests(readModelFiles(dir));
}

/**
 * The digests recorded in a model directory's `vaekit.json` (its `files` field), or
 * `undefined` when there is no `vaekit.json` or it records none (a model saved before vaekit
 * recorded checksums).
 *
 * @throws Error naming `vaekit.json` when it is not valid JSON.
 * @example
 * ```ts
 * recordedModelDigests('runs/mnist/model')?.['weights.bin'].bytes;
 * ```
 */
export function recordedModelDigests(dir: string): ModelFileDigests | undefined {
  const path = join(dir, VAEKIT_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  let json: { files?: ModelFileDigests } | null;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `${path} is not valid JSON (${(error as Error).message}): the file is damaged; retrain or restore it`,
    );
  }
  return json?.files ?? undefined;
}

/**
 * Checks a model directory before it is loaded: the weights' length, then the SHA-256 of
 * `model.json` and `weights.bin` against those recorded in its `vaekit.json` (see
 * `verifyModelFiles` of `@vaekit/core`). A model saved without checksums gets the length check
 * only (against `model.json`'s manifest).
 *
 * @throws Error naming the damaged file: "runs/a/model/weights.bin does not match its checksum
 *   (expected sha256 ab12..., got cd34...): the file is damaged; retrain or restore it", or
 *   "... is too short: 25000 bytes, the model needs 100352 (truncated?) ...".
 * @example
 * ```ts
 * await verifyModelDir('runs/mnist/model'); // { checksums: true }
 * const model = await loadRunModel(fileIOHandler('runs/mnist/model'), { kind: 'image' });
 * ```
 */
export async function verifyModelDir(dir: string): Promise<ModelFilesCheck> {
  const expected = recordedModelDigests(dir);
  return verifyModelFiles(readModelFiles(dir), expected, { dir });
}
