import fs from 'node:fs';
import { join } from 'node:path';
import {
  type CheckpointManifest,
  type JsonValue,
  MANIFEST_FILE,
  PREVIOUS_MANIFEST_FILE,
  type TensorData,
  type TensorEntry,
  manifestChecksum,
  sha256,
} from './checkpoint-manifest';

/** A checkpoint read back by {@link readCheckpoint}. */
export interface Checkpoint {
  weights: Record<string, TensorData>;
  optimizerState: Record<string, TensorData>;
  /** `null` when none was stored. */
  rngState: JsonValue;
  step: number;
  epoch: number;
  config: JsonValue;
  extra: JsonValue;
  createdAt: string;
  /** The manifest it was read from (`checkpoint.json`, or `checkpoint.previous.json` on fallback). */
  path: string;
  /** Why the current manifest was skipped, when `fallbackToPrevious` was used. */
  fallbackReason?: string;
}

/** Options of {@link readCheckpoint}. */
export interface ReadCheckpointOptions {
  /**
   * When `checkpoint.json` is missing or fails verification, read `checkpoint.previous.json`
   * (the checkpoint before it) instead of throwing; the reason is reported in
   * `fallbackReason`. Default `false`.
   */
  fallbackToPrevious?: boolean;
}

const corrupt = (path: string, what: string) => new Error(`checkpoint ${path} is corrupt: ${what}`);
const malformed = (path: string, what: string) =>
  new Error(`checkpoint ${path} is malformed: ${what}`);

function checkEntries(entries: unknown, path: string, field: string, payloadBytes: number): void {
  if (!Array.isArray(entries)) throw malformed(path, `${field} must be an array`);
  for (const e of entries as TensorEntry[]) {
    const size = Array.isArray(e?.shape) ? e.shape.reduce((a, b) => a * b, 1) : Number.NaN;
    if (
      typeof e?.name !== 'string' ||
      (e.dtype !== 'float32' && e.dtype !== 'int32') ||
      !Number.isInteger(e.offset) ||
      e.offset % 4 !== 0 ||
      e.byteLength !== size * 4 ||
      e.offset + e.byteLength > payloadBytes
    ) {
      throw malformed(path, `${field} entry ${JSON.stringify(e?.name)} has an invalid layout`);
    }
  }
}

/**
 * Parses and verifies a manifest's text (format, checksum, layout) without reading the
 * payload. Throws the errors of {@link readCheckpoint}.
 */
export function verifyManifest(text: string, path: string): CheckpointManifest {
  let m: CheckpointManifest;
  try {
    m = JSON.parse(text) as CheckpointManifest;
  } catch (e) {
    throw malformed(path, `invalid JSON (${(e as Error).message})`);
  }
  if (m === null || typeof m !== 'object' || m.format !== 'vaekit-checkpoint') {
    throw malformed(path, "not a vaekit checkpoint manifest (format must be 'vaekit-checkpoint')");
  }
  if (m.version !== 1)
    throw malformed(path, `unsupported version ${String(m.version)} (expected 1)`);
  const actual = manifestChecksum(m);
  if (actual !== m.manifestSha256) {
    throw corrupt(path, `checksum mismatch (expected ${m.manifestSha256}, got ${actual})`);
  }
  if (
    typeof m.payload?.file !== 'string' ||
    m.payload.file.includes('/') ||
    m.payload.file.includes('\\') ||
    !Number.isInteger(m.payload.bytes)
  ) {
    throw malformed(path, 'payload must name a file in the checkpoint directory');
  }
  checkEntries(m.weights, path, 'weights', m.payload.bytes);
  checkEntries(m.optimizerState, path, 'optimizerState', m.payload.bytes);
  return m;
}

/**
 * Reads and fully verifies a manifest and its payload (both checksums, sizes and layout).
 * Throws the errors of {@link readCheckpoint}.
 */
export function verifyCheckpointFiles(
  dir: string,
  manifestPath: string,
): { manifest: CheckpointManifest; text: string; payload: Buffer } {
  let text: string;
  try {
    text = fs.readFileSync(manifestPath, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'ENOENT'
        ? `checkpoint ${manifestPath} is missing (no checkpoint has been written to ${dir})`
        : `checkpoint ${manifestPath} cannot be read (${(e as Error).message})`,
    );
  }
  const m = verifyManifest(text, manifestPath);
  const payloadPath = join(dir, m.payload.file);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(payloadPath);
  } catch {
    throw corrupt(manifestPath, `its payload ${payloadPath} is missing`);
  }
  if (bytes.byteLength !== m.payload.bytes) {
    throw corrupt(
      payloadPath,
      `size mismatch (expected ${m.payload.bytes} bytes, got ${bytes.byteLength})`,
    );
  }
  const actual = sha256([bytes]);
  if (actual !== m.payload.sha256) {
    throw corrupt(payloadPath, `checksum mismatch (expected ${m.payload.sha256}, got ${actual})`);
  }
  return { manifest: m, text, payload: bytes };
}

function readVerified(dir: string, manifestPath: string): Checkpoint {
  const { manifest: m, payload: bytes } = verifyCheckpointFiles(dir, manifestPath);
  const tensors = (entries: TensorEntry[]) => {
    const out: Record<string, TensorData> = {};
    for (const e of entries) {
      // Copy into a fresh, aligned buffer (the file buffer may be unaligned or pooled).
      const copy = new Uint8Array(e.byteLength);
      copy.set(bytes.subarray(e.offset, e.offset + e.byteLength));
      const data =
        e.dtype === 'float32' ? new Float32Array(copy.buffer) : new Int32Array(copy.buffer);
      out[e.name] = { shape: [...e.shape], dtype: e.dtype, data };
    }
    return out;
  };
  return {
    weights: tensors(m.weights),
    optimizerState: tensors(m.optimizerState),
    rngState: m.rngState,
    step: m.step,
    epoch: m.epoch,
    config: m.config,
    extra: m.extra,
    createdAt: m.createdAt,
    path: manifestPath,
  };
}

/**
 * Reads the checkpoint in `dir` (written by {@link writeCheckpoint}), verifying the manifest's
 * and the payload's SHA-256 checksums and the tensor layout.
 *
 * @throws Error `checkpoint <path> is corrupt: checksum mismatch (expected …, got …)` when a
 *   file was altered or truncated, `checkpoint <path> is missing (…)` when none was written,
 *   and `checkpoint <path> is malformed: …` for a manifest that is not valid JSON or not a
 *   vaekit checkpoint. With `fallbackToPrevious`, it reads the previous checkpoint instead
 *   (and throws only when that fails too, naming both problems).
 *
 * @example
 * ```ts
 * const ckpt = await readCheckpoint('runs/mnist/checkpoint');
 * const rng = Rng.fromState(ckpt.rngState as number[]);
 * model.setWeights(Object.values(restoreTensors(ckpt.weights)));
 * ```
 */
export async function readCheckpoint(
  dir: string,
  options: ReadCheckpointOptions = {},
): Promise<Checkpoint> {
  const current = join(dir, MANIFEST_FILE);
  try {
    return readVerified(dir, current);
  } catch (e) {
    if (!options.fallbackToPrevious) throw e;
    const reason = (e as Error).message;
    try {
      return { ...readVerified(dir, join(dir, PREVIOUS_MANIFEST_FILE)), fallbackReason: reason };
    } catch (e2) {
      throw new Error(`${reason}; and the fallback failed: ${(e2 as Error).message}`);
    }
  }
}

/**
 * Whether `dir` holds a checkpoint manifest (without verifying it).
 *
 * @example
 * ```ts
 * const start = hasCheckpoint(dir) ? await readCheckpoint(dir) : undefined;
 * ```
 */
export function hasCheckpoint(dir: string): boolean {
  return fs.existsSync(join(dir, MANIFEST_FILE));
}
