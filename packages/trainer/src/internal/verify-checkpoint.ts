import fs from 'node:fs';
import { join } from 'node:path';
import type { CheckpointManifest, TensorEntry } from '../checkpoint/checkpoint-manifest';
import { manifestChecksum, sha256 } from './checksum';

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
 * payload. Throws the errors of `readCheckpoint`.
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
 * Throws the errors of `readCheckpoint`.
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
