import { createHash } from 'node:crypto';
import type { CheckpointManifest } from '../checkpoint/checkpoint-manifest';

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
