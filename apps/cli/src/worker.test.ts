import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { vaekit } from './test-support';

const root = mkdtempSync(join(tmpdir(), 'vaekit-worker-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const sweepFile = join(root, 'tiny.yaml');
writeFileSync(
  sweepFile,
  'base: { hidden: [8], latentDim: 2, batchSize: 16, maxSteps: 4 }\ngrid: { objective: [elbo, iwae] }\n',
);

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('vaekit worker and sweep run --redis: bad usage exits 2 before anything is written', () => {
  const out = join(root, 'never');
  const CASES: [string[], string][] = [
    [['worker'], '--redis <url> is required'],
    [['worker', '--redis'], "option '--redis' needs a value"],
    [
      ['worker', '--redis', '10.0.0.5:6379'],
      "--redis: expected a Redis URL redis://host:port (rediss:// for TLS; optionally redis://:password@host:port/<db>), got '10.0.0.5:6379': it has no scheme: write redis://10.0.0.5:6379",
    ],
    [['worker', '--redis', 'http://h:6379'], 'the scheme must be redis: or rediss:, not http:'],
    [['worker', '--redis', 'redis://h:0'], 'the port must be 1..65535, got 0'],
    [['worker', '--redis', 'redis://h:1', '--concurrency', '0'], '--concurrency'],
    [['worker', '--redis', 'redis://h:1', '--lock-seconds', '0'], '--lock-seconds'],
    [['worker', '--redis', 'redis://h:1', 'extra'], "takes no positional arguments, got 'extra'"],
    [['worker', '--redis', 'redis://h:1', '--workers', '2'], "unknown option '--workers'"],
    [['sweep', 'run', sweepFile, '--redis', 'redis://h:1'], 'vaekit sweep run needs --out <dir>'],
    [['sweep', 'run', sweepFile, '--out', out, '--redis', 'h:1'], '--redis: expected a Redis URL'],
    [
      ['sweep', 'run', sweepFile, '--out', out, '--redis', 'redis://h:1', '--workers', '2'],
      "--workers sizes the local pool; with --redis the runs are trained by 'vaekit worker",
    ],
  ];
  it.each(CASES)('vaekit %j', async (argv, message) => {
    const r = await vaekit(...argv);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(message);
    expect(existsSync(out)).toBe(false);
  });
});

describe('Redis not reachable: a clear error within seconds, exit 1', () => {
  it('vaekit worker', async () => {
    const url = `redis://127.0.0.1:${await closedPort()}`;
    const started = performance.now();
    const r = await vaekit('worker', '--redis', url);
    const seconds = (performance.now() - started) / 1000;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(`^vaekit: cannot reach Redis at ${url}: connection refused .*Start Redis there`),
    );
    expect(seconds).toBeLessThan(3);
  });

  it('vaekit sweep run --redis, writing nothing', async () => {
    const url = `redis://127.0.0.1:${await closedPort()}`;
    const out = join(root, 'unreachable');
    const started = performance.now();
    const r = await vaekit('sweep', 'run', sweepFile, '--out', out, '--redis', url);
    const seconds = (performance.now() - started) / 1000;
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`vaekit: cannot reach Redis at ${url}: connection refused`);
    expect(seconds).toBeLessThan(3);
    expect(existsSync(out)).toBe(false);
  });

  it('the help of vaekit worker', async () => {
    const r = await vaekit('worker', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: vaekit worker --redis <url> [options]');
    expect(r.stdout).toContain('--concurrency <n>');
    const main = await vaekit('--help');
    expect(main.stdout).toMatch(/^ {2}worker {9}train runs of sweeps queued on Redis/m);
  });
});
