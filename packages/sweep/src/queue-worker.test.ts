import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heartbeatKey, sweepJobId } from './queue-protocol';
import {
  type QueueWorkerEvent,
  RUN_LOCK_FILE,
  checkpointStep,
  inspectRunLock,
  startQueueWorker,
} from './queue-worker';
import { RedisUrlError, checkRedisUrl, redactRedisUrl } from './redis-connection';
import { type QueueSweepEvent, runSweepOnQueue } from './redis-queue';
import { RunInterruptedError, runDirectory, runOne } from './run-one';
import { openSweepDirectory } from './sweep-directory';
import { planSweep, validateSweep } from './sweep-spec';
import { type RedisServer, redisAvailable, startRedisServer } from './test-support/redis-server';

const root = mkdtempSync(join(tmpdir(), 'vaekit-queue-worker-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const TINY = {
  hidden: [8],
  latentDim: 2,
  batchSize: 16,
  maxSteps: 4,
  evalEvery: 2,
  evalK: 2,
  evalExamples: 16,
};

describe('checkRedisUrl', () => {
  it.each([
    'redis://127.0.0.1:6379',
    'redis://queue.example.org',
    'rediss://queue.example.org:6380',
    'redis://:secret@10.0.0.5:6379/2',
    'redis://[::1]:6379',
  ])('accepts %s', (url) => {
    expect(checkRedisUrl(url)).toBe(url);
  });

  it.each([
    ['10.0.0.5:6379', /it has no scheme: write redis:\/\/10\.0\.0\.5:6379/],
    ['http://10.0.0.5:6379', /the scheme must be redis: or rediss:, not http:/],
    ['redis://', /no host/],
    ['redis://h:0', /the port must be 1\.\.65535, got 0/],
    ['redis://h:70000', /the port must be 1\.\.65535, got 70000/],
    ['redis://h:6379/x', /the path is a database number/],
    ['redis://h:6379?db=1', /no query/],
    ['redis://a b:1', /not a URL/],
  ])('refuses %s', (url, problem) => {
    expect(() => checkRedisUrl(url)).toThrow(RedisUrlError);
    expect(() => checkRedisUrl(url)).toThrow(problem);
    expect(() => checkRedisUrl(url)).toThrow(`got '${url}'`);
  });

  it('hides a password in messages', () => {
    expect(redactRedisUrl('redis://:secret@h:1')).toBe('redis://:***@h:1');
    expect(redactRedisUrl('redis://h:1')).toBe('redis://h:1');
  });
});

describe('sweepJobId', () => {
  const [a, b] = planSweep(validateSweep({ base: TINY, grid: { k: [1, 2] } }));
  it('is the same for the same run in the same directory, and differs otherwise', () => {
    expect(sweepJobId('/s/x', a!)).toBe(sweepJobId('/s/x/', a!));
    expect(sweepJobId('/s/x', a!)).toMatch(/^k=1,seed=0@[0-9a-f]{16}$/);
    expect(sweepJobId('/s/x', a!)).not.toBe(sweepJobId('/s/y', a!));
    expect(sweepJobId('/s/x', a!)).not.toBe(sweepJobId('/s/x', b!));
    expect(sweepJobId('/s/x', a!)).not.toContain(':');
  });
});

describe('inspectRunLock', () => {
  const lock = (dir: string, owner: object) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, RUN_LOCK_FILE), `${JSON.stringify(owner)}\n`);
  };
  const startedAt = new Date().toISOString();

  it('no lock, or an unreadable one: free', async () => {
    expect(await inspectRunLock(join(root, 'none'), async () => true)).toEqual({ state: 'free' });
    const dir = join(root, 'garbage');
    mkdirSync(dir);
    writeFileSync(join(dir, RUN_LOCK_FILE), '{"pid":');
    expect(await inspectRunLock(dir, async () => true)).toEqual({ state: 'free' });
  });

  it('a live owner holds it; a dead one on this host is left for the trainer to take over', async () => {
    const dir = join(root, 'local');
    lock(dir, { pid: 4242, host: hostname(), startedAt });
    expect(await inspectRunLock(dir, async () => true)).toMatchObject({ state: 'held' });
    expect(await inspectRunLock(dir, async () => false)).toEqual({ state: 'free' });
    expect(existsSync(join(dir, RUN_LOCK_FILE))).toBe(true);
  });

  it('a dead owner on another host: the lock is removed', async () => {
    const dir = join(root, 'remote');
    lock(dir, { pid: 4242, host: 'other-host.example', startedAt });
    const asked: object[] = [];
    const alive = await inspectRunLock(dir, async (owner) => {
      asked.push(owner);
      return true;
    });
    expect(alive).toMatchObject({
      state: 'held',
      owner: { pid: 4242, host: 'other-host.example' },
    });
    expect(asked).toEqual([{ pid: 4242, host: 'other-host.example', startedAt }]);
    const dead = await inspectRunLock(dir, async () => false);
    expect(dead).toMatchObject({ state: 'removed', owner: { pid: 4242 } });
    expect(existsSync(join(dir, RUN_LOCK_FILE))).toBe(false);
  });
});

describe.runIf(redisAvailable)('startQueueWorker', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('keeps a heartbeat in Redis while it runs, and removes it when closed', async () => {
    const client = new Redis(server.url);
    try {
      const worker = await startQueueWorker({ redis: server.url, lockDurationMs: 2_000 });
      const key = heartbeatKey(hostname(), process.pid);
      expect(await client.exists(key)).toBe(1);
      const ttl = await client.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(2_000);
      await new Promise((r) => setTimeout(r, 2_500));
      expect(await client.exists(key)).toBe(1);
      await worker.close();
      expect(await client.exists(key)).toBe(0);
    } finally {
      client.disconnect();
    }
  });

  it('a run locked by a dead worker on another host is unlocked and resumed from its checkpoint; a live one makes the job wait', async () => {
    const spec = validateSweep({
      name: 'remote',
      base: TINY,
      grid: { objective: ['iwae'] },
      seeds: [5],
    });
    const [run] = planSweep(spec);
    const out = join(root, 'remote-sweep');
    openSweepDirectory(spec, out);
    // A run trained to its checkpoint at step 2, then "killed" on another host.
    const stop = new AbortController();
    await expect(
      runOne(run!, out, { signal: stop.signal, onStep: (s) => s === 2 && stop.abort() }),
    ).rejects.toThrow(RunInterruptedError);
    const dir = runDirectory(out, run!.id);
    expect(checkpointStep(dir)).toBe(2);
    const owner = { pid: 4242, host: 'other-host.example', startedAt: new Date().toISOString() };
    writeFileSync(join(dir, RUN_LOCK_FILE), `${JSON.stringify(owner)}\n`);
    // Its owner still beats for 2.5 s: the job waits; then it is gone and its lock removed.
    const client = new Redis(server.url);
    await client.set(heartbeatKey(owner.host, owner.pid), '{}', 'PX', 2_500);
    client.disconnect();

    const workerEvents: QueueWorkerEvent[] = [];
    const worker = await startQueueWorker({
      redis: server.url,
      lockDurationMs: 2_000,
      onEvent: (e) => workerEvents.push(e),
    });
    const events: QueueSweepEvent[] = [];
    try {
      const result = await runSweepOnQueue(spec, {
        out,
        redis: server.url,
        onEvent: (e) => events.push(e),
      });
      expect(result.runs[0]?.outcome?.status).toBe('completed');
    } finally {
      await worker.close();
    }
    const types = workerEvents.map((e) => e.type);
    expect(types).toContain('busy');
    expect(types.indexOf('busy')).toBeLessThan(types.indexOf('lock-removed'));
    expect(workerEvents.find((e) => e.type === 'busy')).toMatchObject({
      owner: 'process 4242 on other-host.example',
    });
    expect(workerEvents.find((e) => e.type === 'lock-removed')).toMatchObject({
      owner: 'process 4242 on other-host.example',
    });
    expect(workerEvents.find((e) => e.type === 'started')).toMatchObject({ resumeFrom: 2 });
    expect(events.some((e) => e.type === 'busy')).toBe(true);
    expect(events.find((e) => e.type === 'started')).toMatchObject({ resumeFrom: 2 });
    const steps = events.filter((e) => e.type === 'step').map((e) => (e as { step: number }).step);
    expect(Math.min(...steps)).toBe(3);
  }, 180_000);

  it('closing a worker mid-run checkpoints the run and puts its job back; the next worker resumes it', async () => {
    const spec = validateSweep({
      name: 'graceful',
      base: { ...TINY, maxSteps: 300, evalEvery: 1000 },
      grid: { objective: ['elbo'] },
      seeds: [7],
    });
    const [run] = planSweep(spec);
    const out = join(root, 'graceful');
    const first: QueueWorkerEvent[] = [];
    const stop = new AbortController();
    const worker = await startQueueWorker({
      redis: server.url,
      signal: stop.signal,
      onEvent: (e) => {
        first.push(e);
        if (e.type === 'step' && e.step >= 20) stop.abort();
      },
    });
    const sweepEvents: QueueSweepEvent[] = [];
    const sweep = runSweepOnQueue(spec, {
      out,
      redis: server.url,
      onEvent: (e) => sweepEvents.push(e),
    });
    await worker.closed;
    const returned = first.find((e) => e.type === 'returned');
    expect(returned, JSON.stringify(first)).toMatchObject({ id: run!.id });
    const step = (returned as { step: number }).step;
    expect(step).toBeGreaterThanOrEqual(20);
    expect(step).toBeLessThan(300);
    expect(checkpointStep(runDirectory(out, run!.id))).toBe(step);
    // The job is back in the queue, waiting.
    const queue = new Queue('vaekit-sweep', { connection: { url: server.url } });
    expect(await queue.getJobState(sweepJobId(out, run!))).toBe('waiting');
    await queue.close();

    const second: QueueWorkerEvent[] = [];
    const next = await startQueueWorker({ redis: server.url, onEvent: (e) => second.push(e) });
    try {
      const result = await sweep;
      expect(result.runs[0]?.outcome).toMatchObject({ status: 'completed', steps: 300 });
    } finally {
      await next.close();
    }
    expect(second.find((e) => e.type === 'started')).toMatchObject({ resumeFrom: step });
    expect(sweepEvents.some((e) => e.type === 'returned' && e.step === step)).toBe(true);
    const rows = readFileSync(join(runDirectory(out, run!.id), 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { split: string; step: number })
      .map((r) => `${r.split}@${r.step}`);
    expect(new Set(rows).size).toBe(rows.length);
  }, 180_000);
});
