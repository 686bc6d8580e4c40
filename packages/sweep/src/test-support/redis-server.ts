// A real Redis for the tests (not part of the package's API): Debian's `redis-server`, started
// on a free loopback port with its own temporary directory and no persistence, stopped after.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The server binary: `VAEKIT_REDIS_SERVER`, or Debian's `/usr/bin/redis-server`. */
export const REDIS_SERVER = process.env['VAEKIT_REDIS_SERVER'] ?? '/usr/bin/redis-server';

/**
 * Whether the tests that need Redis can run (`it.runIf(redisAvailable)`): they are reported as
 * skipped where `redis-server` is not installed (`apt-get install -y redis-server`; `.ci/run`
 * installs it).
 */
export const redisAvailable: boolean = existsSync(REDIS_SERVER);

/** A running `redis-server` started by {@link startRedisServer}. */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Its working directory (removed by `stop`). */
  dir: string;
  /** What it printed (startup errors). */
  log(): string;
  /** Stop it (SIGTERM, SIGKILL after 5 s) and remove its directory. */
  stop(): Promise<void>;
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export async function freePort(): Promise<number> {
  return await new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Whether a Redis answers PING on `port` (one raw RESP exchange, no client library). */
export async function pingPort(port: number, timeoutMs = 500): Promise<boolean> {
  return await new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let answer = '';
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => {
      answer += d.toString();
      if (answer.includes('\r\n')) finish(answer.startsWith('+PONG'));
    });
  });
}

/**
 * Start `redis-server` on a free 127.0.0.1 port, in a new temporary directory, without
 * snapshots or an append-only file, and wait until it answers PING (10 s at most). A port taken
 * between choosing and binding it is retried with another.
 */
export async function startRedisServer(): Promise<RedisServer> {
  let lastLog = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'vaekit-redis-'));
    const child = spawn(
      REDIS_SERVER,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
        '--logfile',
        '',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let log = '';
    child.stdout?.on('data', (d) => (log += d));
    child.stderr?.on('data', (d) => (log += d));
    let exited = false;
    child.once('exit', () => (exited = true));
    const deadline = Date.now() + 10_000;
    while (!exited && Date.now() < deadline) {
      if (await pingPort(port)) {
        return {
          url: `redis://127.0.0.1:${port}`,
          port,
          dir,
          log: () => log,
          stop: () => stopServer(child, dir),
        };
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    await stopServer(child, dir);
    lastLog = log;
  }
  throw new Error(`redis-server (${REDIS_SERVER}) did not start:\n${lastLog}`);
}

async function stopServer(child: ChildProcess, dir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(dir, { recursive: true, force: true });
}
