import fs from 'node:fs';

/** Prefix of the temporary files `writeFileAtomic` creates beside their target. */
export const TEMP_PREFIX = '.vaekit-tmp-';

/** fsyncs a directory (makes renames and new entries durable); a no-op where unsupported. */
export function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Directories cannot be opened or fsynced on some platforms (Windows): nothing to do.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
