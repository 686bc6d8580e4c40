import fs from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** The lock file of a run directory that a process is training in. */
export const LOCK_FILE = 'run.lock';

/** What a lock file records of its owner. */
export interface RunLockOwner {
  pid: number;
  host: string;
  startedAt: string;
}

/** Whether process `pid` is alive on this machine (signal 0 checks without sending one). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(path: string): RunLockOwner | undefined {
  try {
    const owner = JSON.parse(fs.readFileSync(path, 'utf8')) as RunLockOwner;
    return Number.isInteger(owner.pid) && typeof owner.host === 'string' ? owner : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Take the lock of a run directory, so that only one process trains in it: creates
 * `run.lock` (`{ pid, host, startedAt }`) with exclusive create, and returns the function that
 * releases it. A lock left by a process that no longer runs on this machine (killed with
 * SIGKILL, a crash, a power cut) is stale: it is taken over, and `onStale` is told. A lock held
 * by a live process, or by a process on another host (which cannot be checked from here), is
 * refused.
 *
 * @throws Error naming the directory and the process that holds it.
 * @example
 * ```ts
 * const release = lockRunDirectory('runs/exp1');
 * try { ... } finally { release(); }
 * ```
 */
export function lockRunDirectory(dir: string, onStale?: (owner: RunLockOwner) => void): () => void {
  const path = join(dir, LOCK_FILE);
  const me: RunLockOwner = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(path, `${JSON.stringify(me)}\n`, { flag: 'wx' });
      let released = false;
      return () => {
        if (released) return;
        released = true;
        // Remove the lock only while it is still ours.
        if (readOwner(path)?.pid === me.pid && readOwner(path)?.startedAt === me.startedAt) {
          fs.rmSync(path, { force: true });
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = readOwner(path);
    if (owner !== undefined && (owner.host !== me.host || alive(owner.pid))) {
      const where = owner.host === me.host ? '' : ` on host ${owner.host}`;
      throw new Error(
        `run directory ${dir} is in use by process ${owner.pid}${where} (since ${owner.startedAt}); wait for it to finish or stop it. If no such process runs, delete ${path}`,
      );
    }
    // Stale (or unreadable: a process killed while writing it): take it over.
    if (owner !== undefined) onStale?.(owner);
    fs.rmSync(path, { force: true });
  }
  throw new Error(`could not take the lock ${path}: another process keeps taking it`);
}
