import fs from 'node:fs';
import { join } from 'node:path';
import { verifyCheckpointFiles } from '../internal/verify-checkpoint';
import {
  type JsonValue,
  MANIFEST_FILE,
  PREVIOUS_MANIFEST_FILE,
  type TensorData,
  type TensorEntry,
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
