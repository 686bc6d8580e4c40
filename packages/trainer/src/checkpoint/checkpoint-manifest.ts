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

/**
 * File name of the current manifest in a checkpoint directory.
 *
 * @example
 * ```ts
 * fs.existsSync(path.join(dir, MANIFEST_FILE)); // same as hasCheckpoint(dir)
 * ```
 */
export const MANIFEST_FILE = 'checkpoint.json';

/**
 * File name of the previous good manifest, kept by each {@link writeCheckpoint}.
 *
 * @example
 * ```ts
 * const previous = JSON.parse(fs.readFileSync(path.join(dir, PREVIOUS_MANIFEST_FILE), 'utf8'));
 * ```
 */
export const PREVIOUS_MANIFEST_FILE = 'checkpoint.previous.json';
