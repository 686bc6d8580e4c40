import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCK_FILE, lockRunDirectory } from './run-lock';

const dirs: string[] = [];
function tempDir(): string {
  const d = fs.mkdtempSync(join(tmpdir(), 'vaekit-lock-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('lockRunDirectory', () => {
  it('takes and releases the lock, and refuses a second holder while it is held', () => {
    const dir = tempDir();
    const release = lockRunDirectory(dir);
    expect(JSON.parse(fs.readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    expect(() => lockRunDirectory(dir)).toThrow(
      new RegExp(`run directory .* is in use by process ${process.pid} \\(since`),
    );
    release();
    expect(fs.existsSync(join(dir, LOCK_FILE))).toBe(false);
    lockRunDirectory(dir)();
  });

  it('takes over a stale lock left by a process that is gone', () => {
    const dir = tempDir();
    // A real process that has exited: its pid is not alive any more.
    const gone = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid!;
    const stale = { pid: gone, host: hostname(), startedAt: '2026-01-01T00:00:00.000Z' };
    fs.writeFileSync(join(dir, LOCK_FILE), JSON.stringify(stale));
    const seen: number[] = [];
    const release = lockRunDirectory(dir, (owner) => seen.push(owner.pid));
    expect(seen).toEqual([gone]);
    release();
  });

  it('takes over an unreadable lock (a process killed while writing it)', () => {
    const dir = tempDir();
    fs.writeFileSync(join(dir, LOCK_FILE), '{"pid": 12');
    lockRunDirectory(dir)();
  });

  it('refuses a lock held on another host, which it cannot check', () => {
    const dir = tempDir();
    const other = { pid: 1, host: `not-${hostname()}`, startedAt: '2026-01-01T00:00:00.000Z' };
    fs.writeFileSync(join(dir, LOCK_FILE), JSON.stringify(other));
    expect(() => lockRunDirectory(dir)).toThrow(/in use by process 1 on host not-/);
  });
});
