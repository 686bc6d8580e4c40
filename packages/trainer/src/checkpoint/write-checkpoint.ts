import fs from 'node:fs';
import { join } from 'node:path';
import {
  type CheckpointManifest,
  type JsonValue,
  MANIFEST_FILE,
  PREVIOUS_MANIFEST_FILE,
  type TensorData,
  type TensorEntry,
} from './checkpoint-manifest';
import { manifestChecksum, sha256 } from '../internal/checksum';
import { TEMP_PREFIX, syncDirectory } from '../internal/sync-directory';
import { verifyCheckpointFiles } from '../internal/verify-checkpoint';
import { writeFileAtomic } from './write-file-atomic';

/** What a checkpoint holds. */
export interface CheckpointData {
  /** Model weights by name (e.g. tfjs variable names). */
  weights: Record<string, TensorData>;
  /** Optimizer slots by name (e.g. from `optimizer.getWeights()`), stored in binary like weights. */
  optimizerState?: Record<string, TensorData>;
  /** Generator state(s), e.g. `rng.state()` or `{ data: …, noise: … }`. */
  rngState?: JsonValue;
  /** Global step (optimizer updates so far), a non-negative integer. */
  step: number;
  /** Epoch, a non-negative integer. */
  epoch: number;
  /** The run configuration (JSON). */
  config?: JsonValue;
  /** Anything else JSON-serialisable (e.g. best validation ELBO, KL-annealing state). */
  extra?: JsonValue;
}

const PAYLOAD_RE = /^weights-\d+-[0-9a-f]{12}\.bin$/;

function checkTensors(record: Record<string, TensorData>, what: string): void {
  if (record === null || typeof record !== 'object')
    throw new Error(`${what} must be an object of tensors`);
  for (const [name, t] of Object.entries(record)) {
    if (!t || !Array.isArray(t.shape) || !t.shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new Error(`${what}['${name}'].shape must be an array of non-negative integers`);
    }
    if (t.dtype !== 'float32' && t.dtype !== 'int32') {
      throw new Error(
        `${what}['${name}'].dtype must be 'float32' or 'int32', got ${String(t.dtype)}`,
      );
    }
    const ctor = t.dtype === 'float32' ? Float32Array : Int32Array;
    if (!(t.data instanceof ctor)) {
      throw new Error(`${what}['${name}'].data must be a ${ctor.name} for dtype ${t.dtype}`);
    }
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (t.data.length !== size) {
      throw new Error(
        `${what}['${name}'].data has ${t.data.length} values, shape [${t.shape.join(', ')}] needs ${size}`,
      );
    }
  }
}

/**
 * Writes a checkpoint into `dir` atomically, with SHA-256 checksums, keeping the previous good
 * one until the new one is complete.
 *
 * Layout: `weights-<step>-<sha12>.bin` holds every weight and optimizer tensor, concatenated
 * (little-endian float32/int32); `checkpoint.json` is the manifest: step, epoch, config, extra,
 * generator state, each tensor's name/shape/dtype/offset, the payload's SHA-256, and a SHA-256
 * of the manifest itself.
 *
 * Order of writing, each file via temp file + fsync + rename ({@link writeFileAtomic}):
 * 1. the payload, under a new name (the old payload is untouched);
 * 2. the current manifest, if it verifies, is copied to `checkpoint.previous.json`;
 * 3. the new `checkpoint.json` replaces the old one (the commit point);
 * 4. payloads referenced by neither manifest, and stray temporary files, are deleted.
 *
 * A crash at any point leaves `checkpoint.json` naming a complete, checksummed payload: the
 * old checkpoint before step 3, the new one after. One writer per directory at a time.
 *
 * @returns the path of the manifest written.
 *
 * @example
 * ```ts
 * await writeCheckpoint('runs/mnist/checkpoint', {
 *   weights: await snapshotTensors(model.getNamedWeights()),
 *   optimizerState: await snapshotTensors(await optimizer.getWeights()),
 *   rngState: rng.state(),
 *   step: 12000,
 *   epoch: 20,
 *   config,
 * });
 * ```
 */
export async function writeCheckpoint(dir: string, data: CheckpointData): Promise<string> {
  for (const key of ['step', 'epoch'] as const) {
    if (!Number.isSafeInteger(data[key]) || data[key] < 0) {
      throw new Error(`${key} must be a non-negative integer, got ${data[key]}`);
    }
  }
  checkTensors(data.weights, 'weights');
  checkTensors(data.optimizerState ?? {}, 'optimizerState');
  fs.mkdirSync(dir, { recursive: true });

  const chunks: Uint8Array[] = [];
  let offset = 0;
  const layout = (record: Record<string, TensorData>): TensorEntry[] =>
    Object.entries(record).map(([name, t]) => {
      const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
      chunks.push(bytes);
      const entry = {
        name,
        shape: [...t.shape],
        dtype: t.dtype,
        offset,
        byteLength: bytes.byteLength,
      };
      offset += bytes.byteLength;
      return entry;
    });
  const weights = layout(data.weights);
  const optimizerState = layout(data.optimizerState ?? {});
  const payloadSha = sha256(chunks);
  const file = `weights-${String(data.step).padStart(9, '0')}-${payloadSha.slice(0, 12)}.bin`;
  writeFileAtomic(join(dir, file), chunks);

  const body: Omit<CheckpointManifest, 'manifestSha256'> = {
    format: 'vaekit-checkpoint',
    version: 1,
    step: data.step,
    epoch: data.epoch,
    createdAt: new Date().toISOString(),
    rngState: toJson(data.rngState, 'rngState'),
    config: toJson(data.config, 'config'),
    extra: toJson(data.extra, 'extra'),
    payload: { file, bytes: offset, sha256: payloadSha, byteOrder: 'little-endian' },
    weights,
    optimizerState,
  };
  const manifest: CheckpointManifest = { ...body, manifestSha256: manifestChecksum(body) };

  const manifestPath = join(dir, MANIFEST_FILE);
  const previousPath = join(dir, PREVIOUS_MANIFEST_FILE);
  const current = tryReadVerified(manifestPath, dir);
  if (current !== undefined) writeFileAtomic(previousPath, current.text);
  writeFileAtomic(manifestPath, JSON.stringify(manifest, null, 1));

  // Garbage collection: keep the payloads of the new and the previous manifest.
  const keep = new Set([file]);
  const previousFile = current?.manifest.payload.file ?? payloadFileOf(previousPath);
  if (previousFile !== undefined) keep.add(previousFile);
  for (const name of fs.readdirSync(dir)) {
    if ((PAYLOAD_RE.test(name) && !keep.has(name)) || name.startsWith(TEMP_PREFIX)) {
      fs.rmSync(join(dir, name), { force: true });
    }
  }
  syncDirectory(dir);
  return manifestPath;
}

/** The verified manifest at `path` (payload checksum included), or `undefined`. */
function tryReadVerified(
  path: string,
  dir: string,
): { text: string; manifest: CheckpointManifest } | undefined {
  try {
    return verifyCheckpointFiles(dir, path);
  } catch {
    return undefined;
  }
}

/** The payload file a manifest names, without verifying anything (`undefined` if unreadable). */
function payloadFileOf(path: string): string | undefined {
  try {
    const file = JSON.parse(fs.readFileSync(path, 'utf8'))?.payload?.file;
    return typeof file === 'string' ? file : undefined;
  } catch {
    return undefined;
  }
}

function toJson(value: unknown, name: string): JsonValue {
  if (value === undefined) return null;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (e) {
    throw new Error(`${name} must be JSON-serialisable (${(e as Error).message})`);
  }
  if (text === undefined) throw new Error(`${name} must be JSON-serialisable`);
  return JSON.parse(text) as JsonValue;
}
