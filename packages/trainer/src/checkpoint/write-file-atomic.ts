import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { TEMP_PREFIX, syncDirectory } from '../internal/sync-directory';

/**
 * Writes a whole file atomically: the data goes to a temporary file in the same directory
 * (`.vaekit-tmp-<name>-<pid>-<random>`), which is fsynced, then renamed over the target
 * (atomic on POSIX file systems), and the directory is fsynced so the rename is durable.
 * Readers see either the old file or the new one, never a partial one; a crash leaves at most
 * a stray temporary file.
 *
 * @param data a string (UTF-8) or byte chunks, written in order without concatenating them.
 *
 * @example
 * ```ts
 * writeFileAtomic('run/config.json', JSON.stringify(config, null, 2));
 * writeFileAtomic('run/weights.bin', [header, body]);
 * ```
 */
export function writeFileAtomic(
  path: string,
  data: string | Uint8Array | readonly Uint8Array[],
): void {
  const dir = dirname(path);
  const tmp = join(
    dir,
    `${TEMP_PREFIX}${basename(path)}-${process.pid}-${randomBytes(4).toString('hex')}`,
  );
  const chunks =
    typeof data === 'string'
      ? [Buffer.from(data, 'utf8')]
      : data instanceof Uint8Array
        ? [data]
        : data;
  const fd = fs.openSync(tmp, 'wx', 0o644);
  try {
    for (const chunk of chunks) {
      let off = 0;
      while (off < chunk.byteLength) off += fs.writeSync(fd, chunk, off, chunk.byteLength - off);
    }
    fs.fsyncSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  fs.closeSync(fd);
  fs.renameSync(tmp, path);
  syncDirectory(dir);
}
