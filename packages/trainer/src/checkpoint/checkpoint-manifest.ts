import { createHash } from 'node:crypto';

/** One tensor's values: shape, dtype and row-major data of matching length. */
export interface TensorData {
  shape: number[];
  dtype: 'float32' | 'int32';
  data: Float32Array | Int32Array;
}

/** A JSON value (what `config`, `extra` and generator states may hold). */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

/** Where one tensor lies in the binary payload. */
export interface TensorEntry {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  /** Byte offset in the payload file. */
  offset: number;
  byteLength: number;
}

/** The JSON manifest (`checkpoint.json`) of a checkpoint. */
export interface CheckpointManifest {
  format: 'vaekit-checkpoint';
  version: 1;
  step: number;
  epoch: number;
  /** ISO 8601 time of writing. */
  createdAt: string;
  /** Generator state(s) to resume from, e.g. `rng.state()`. */
  rngState: JsonValue;
  config: JsonValue;
  extra: JsonValue;
  /** The binary payload: file name (in the same directory), size and SHA-256. */
  payload: { file: string; bytes: number; sha256: string; byteOrder: 'little-endian' };
  weights: TensorEntry[];
  optimizerState: TensorEntry[];
  /** SHA-256 of this manifest's JSON without the `manifestSha256` field. */
  manifestSha256: string;
}

/** File name of the current manifest in a checkpoint directory. */
export const MANIFEST_FILE = 'checkpoint.json';
/** File name of the previous good manifest, kept by each write. */
export const PREVIOUS_MANIFEST_FILE = 'checkpoint.previous.json';

/** SHA-256 (hex) of byte chunks or a string. */
export function sha256(chunks: string | readonly Uint8Array[]): string {
  const h = createHash('sha256');
  if (typeof chunks === 'string') h.update(chunks, 'utf8');
  else for (const c of chunks) h.update(c);
  return h.digest('hex');
}

/** The checksum stored in `manifestSha256`: SHA-256 of the manifest JSON without it. */
export function manifestChecksum(manifest: Omit<CheckpointManifest, 'manifestSha256'>): string {
  const { manifestSha256: _, ...rest } = manifest as CheckpointManifest;
  return sha256(JSON.stringify(rest));
}
