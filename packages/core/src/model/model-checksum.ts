import { sha256HexSync } from '../internal/sha256';

/** The SHA-256 and the byte length of one file of a saved model. */
export interface FileDigest {
  /** 64 lower-case hex digits. */
  sha256: string;
  bytes: number;
}

/**
 * The digests of the two tf.io files of a saved model, as `vaekit train` records them in
 * `model/vaekit.json` (field `files`).
 */
export interface ModelFileDigests {
  'model.json': FileDigest;
  'weights.bin': FileDigest;
}

/**
 * The raw contents of a saved model's files: `model.json` (text or bytes) and the weights
 * (`weights.bin`, or the concatenation of the files its manifest names). Plain bytes, so Node
 * (`readFileSync`) and the browser (`await file.arrayBuffer()`) pass the same thing.
 */
export interface ModelFileBytes {
  modelJson: string | Uint8Array | ArrayBuffer;
  weights: Uint8Array | ArrayBuffer;
}

/** Options of {@link verifyModelFiles}. */
export interface VerifyModelFilesOptions {
  /** The model's directory as the messages name it (default `'model'`: `model/weights.bin`). */
  dir?: string;
}

/** What {@link verifyModelFiles} could check. */
export interface ModelFilesCheck {
  /**
   * `true` when checksums were recorded and both files matched them; `false` for a model saved
   * without them (before vaekit recorded checksums), of which only the weights' length could be
   * checked against `model.json`'s manifest.
   */
  checksums: boolean;
}

const FILES = ['model.json', 'weights.bin'] as const;
const HEX64 = /^[0-9a-f]{64}$/;

function bytesOf(data: string | Uint8Array | ArrayBuffer): Uint8Array {
  if (typeof data === 'string') return new TextEncoder().encode(data);
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data !== null && typeof data === 'object' && typeof data.byteLength === 'number') {
    return new Uint8Array(data);
  }
  throw new Error(`expected a string, Uint8Array or ArrayBuffer, got ${typeof data}`);
}

/**
 * The SHA-256 of some bytes (a string is hashed as its UTF-8 bytes), as 64 lower-case hex
 * digits: `crypto.subtle` (Node >= 20, browsers in a secure context), else a plain JavaScript
 * implementation, which gives the same digest.
 *
 * @example
 * ```ts
 * await sha256Hex('abc'); // 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
 * ```
 */
export async function sha256Hex(data: string | Uint8Array | ArrayBuffer): Promise<string> {
  const bytes = bytesOf(data);
  const subtle = (globalThis as { crypto?: { subtle?: SubtleCrypto } }).crypto?.subtle;
  if (subtle === undefined) return sha256HexSync(bytes);
  // crypto.subtle refuses views of a SharedArrayBuffer: hash a copy of those.
  const view = (
    bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice()
  ) as Uint8Array<ArrayBuffer>;
  const digest = new Uint8Array(await subtle.digest('SHA-256', view));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The digests to record beside a saved model: the SHA-256 and byte length of `model.json` and of
 * the weights. `vaekit train` writes them into `model/vaekit.json` as `files`, and
 * {@link verifyModelFiles} checks a model against them when it is loaded.
 *
 * @example
 * ```ts
 * const files = await modelFileDigests({ modelJson: readFileSync('model/model.json'), weights: readFileSync('model/weights.bin') });
 * files['weights.bin']; // { sha256: '3f0c…', bytes: 100352 }
 * ```
 */
export async function modelFileDigests(files: ModelFileBytes): Promise<ModelFileDigests> {
  const json = bytesOf(files.modelJson);
  const weights = bytesOf(files.weights);
  const [jsonSha, weightsSha] = await Promise.all([sha256Hex(json), sha256Hex(weights)]);
  return {
    'model.json': { sha256: jsonSha, bytes: json.length },
    'weights.bin': { sha256: weightsSha, bytes: weights.length },
  };
}

const DTYPE_BYTES: Record<string, number> = {
  float32: 4,
  int32: 4,
  bool: 1,
  complex64: 8,
  uint8: 1,
  uint16: 2,
  float16: 2,
};

/**
 * The bytes of weights a tf.io `model.json` declares: the sum over its `weightsManifest` of
 * `prod(shape)` times the size of each weight's dtype (or of its quantised dtype).
 * `undefined` when the manifest is missing or holds a weight whose size is not fixed (strings).
 *
 * @example
 * ```ts
 * manifestWeightBytes({ weightsManifest: [{ paths: ['./weights.bin'], weights: [{ name: 'w', shape: [784, 32], dtype: 'float32' }] }] });
 * // 100352
 * ```
 */
export function manifestWeightBytes(modelJson: unknown): number | undefined {
  const manifest = (modelJson as { weightsManifest?: unknown } | null)?.weightsManifest;
  if (!Array.isArray(manifest)) return undefined;
  let total = 0;
  for (const group of manifest) {
    const weights = (group as { weights?: unknown } | null)?.weights;
    if (!Array.isArray(weights)) return undefined;
    for (const w of weights as {
      shape?: unknown;
      dtype?: string;
      quantization?: { dtype?: string };
    }[]) {
      const size = DTYPE_BYTES[w?.quantization?.dtype ?? w?.dtype ?? ''];
      if (size === undefined || !Array.isArray(w.shape)) return undefined;
      total += size * (w.shape as number[]).reduce((a, b) => a * b, 1);
    }
  }
  return Number.isFinite(total) ? total : undefined;
}

function lengthProblem(path: string, have: number, need: number, what: string): Error {
  const short = have < need;
  return new Error(
    `${path} is too ${short ? 'short' : 'long'}: ${have} bytes, ${what} ${need} ` +
      `(${short ? 'truncated?' : "another model's file, or bytes appended?"}): the file is damaged; retrain or restore it`,
  );
}

const abbreviate = (hex: string) => `${hex.slice(0, 12)}...`;

function checkRecorded(expected: unknown, dir: string): ModelFileDigests {
  for (const name of FILES) {
    const d = (expected as Record<string, Partial<FileDigest> | undefined>)?.[name];
    const ok =
      d !== null &&
      typeof d === 'object' &&
      typeof d.sha256 === 'string' &&
      HEX64.test(d.sha256) &&
      Number.isInteger(d.bytes) &&
      (d.bytes as number) >= 0;
    if (!ok) {
      throw new Error(
        `${dir}/vaekit.json records malformed checksums: files['${name}'] must be { sha256: <64 hex digits>, bytes: <integer> }, got ${JSON.stringify(d)}; restore vaekit.json or retrain`,
      );
    }
  }
  return expected as ModelFileDigests;
}

/**
 * Checks a saved model's files before they are loaded, so that a damaged model fails with a
 * message naming the file instead of loading other weights silently (a flipped byte) or failing
 * in tfjs with a shape error (a truncated file). In order:
 *
 * 1. the weights' length against the recorded length (or, for a model saved without checksums,
 *    against the length `model.json`'s manifest declares, {@link manifestWeightBytes}):
 *    "model/weights.bin is too short: 25000 bytes, the model needs 100352 (truncated?)";
 * 2. `model.json`'s length and SHA-256, then the weights' SHA-256, against `expected` (the
 *    `files` field of `model/vaekit.json`, from {@link modelFileDigests}): "model/weights.bin
 *    does not match its checksum (expected sha256 ab12..., got cd34...)".
 *
 * @param expected the recorded digests; `undefined` for a model saved without them.
 * @returns whether checksums were checked.
 * @throws Error naming the file and the problem; or naming `vaekit.json` when its `files` field
 *   is malformed.
 * @example
 * ```ts
 * const vaekit = JSON.parse(readFileSync('run/model/vaekit.json', 'utf8'));
 * await verifyModelFiles(
 *   { modelJson: readFileSync('run/model/model.json'), weights: readFileSync('run/model/weights.bin') },
 *   vaekit.files,
 *   { dir: 'run/model' },
 * ); // { checksums: true }
 * ```
 */
export async function verifyModelFiles(
  files: ModelFileBytes,
  expected: ModelFileDigests | undefined,
  options: VerifyModelFilesOptions = {},
): Promise<ModelFilesCheck> {
  const dir = (options.dir ?? 'model').replace(/\/+$/, '');
  const recorded = expected === undefined ? undefined : checkRecorded(expected, dir);
  const json = bytesOf(files.modelJson);
  const weights = bytesOf(files.weights);
  const jsonPath = `${dir}/model.json`;
  const weightsPath = `${dir}/weights.bin`;

  let need = recorded?.['weights.bin'].bytes;
  if (need === undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder().decode(json));
    } catch (error) {
      throw new Error(
        `${jsonPath} is not valid JSON (${(error as Error).message}): the file is damaged; retrain or restore it`,
      );
    }
    need = manifestWeightBytes(parsed);
  }
  if (need !== undefined && weights.length !== need) {
    throw lengthProblem(weightsPath, weights.length, need, 'the model needs');
  }
  if (recorded === undefined) return { checksums: false };

  if (json.length !== recorded['model.json'].bytes) {
    throw lengthProblem(jsonPath, json.length, recorded['model.json'].bytes, 'it was saved with');
  }
  const [jsonSha, weightsSha] = await Promise.all([sha256Hex(json), sha256Hex(weights)]);
  for (const [path, got, want] of [
    [jsonPath, jsonSha, recorded['model.json'].sha256],
    [weightsPath, weightsSha, recorded['weights.bin'].sha256],
  ] as const) {
    if (got !== want) {
      throw new Error(
        `${path} does not match its checksum (expected sha256 ${abbreviate(want)}, got ${abbreviate(got)}): the file is damaged; retrain or restore it`,
      );
    }
  }
  return { checksums: true };
}
