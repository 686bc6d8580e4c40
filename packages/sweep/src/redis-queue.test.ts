import { type ChildProcess, spawn } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSweepLocally } from './local-pool';
import { checkpointStep } from './queue-worker';
import { RedisUnreachableError } from './redis-connection';
import { type QueueSweepEvent, runSweepOnQueue } from './redis-queue';
import { collectResults } from './results';
import { RESULT_FILE, runDirectory } from './run-one';
import { sweepToYaml, validateSweep } from './sweep-spec';
import {
  type RedisServer,
  freePort,
  redisAvailable,
  startRedisServer,
} from './test-support/redis-server';

const root = mkdtempSync(join(tmpdir(), 'vaekit-redis-queue-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs of a few steps: MLP 784-8-2, 4 steps, validation (and a checkpoint) every 2. */
const TINY = {
  hidden: [8],
  latentDim: 2,
  batchSize: 16,
  maxSteps: 4,
  evalEvery: 2,
  evalK: 2,
  evalExamples: 16,
};

/** The local pool's test sweep: 2 objectives x 3 seeds = 6 tiny runs. */
const SPEC = validateSweep(
  {
    name: 'pool-test',
    base: TINY,
    grid: { objective: ['elbo', 'iwae'] },
    seeds: 3,
    metrics: ['nll', 'elbo', 'kl', 'activeUnits'],
    plot: { x: 'objective', metric: 'nll' },
  },
  'pool-test.yaml',
);

const CLI = fileURLToPath(new URL('../../../apps/cli/src/bin.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** A `vaekit worker` process, in its own process group (so SIGKILL takes its runs' processes too). */
interface WorkerProcess {
  child: ChildProcess;
  output: string;
  /** The run it trains now, from its `start <dir>/runs/<id>` lines. */
  current?: string;
  exited: Promise<number | null>;
}

function startWorker(redis: string): WorkerProcess {
  const child = spawn(
    process.execPath,
    // A short lock, so the run of a killed worker is taken over in seconds.
    [
      '--conditions=@vaekit/source',
      '--import',
      TSX,
      CLI,
      'worker',
      '--redis',
      redis,
      '--lock-seconds',
      '3',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  const w: WorkerProcess = {
    child,
    output: '',
    exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
  };
  const onData = (d: Buffer) => {
    w.output += d.toString();
    for (const m of d
      .toString()
      .matchAll(/^start \S*\/runs\/(\S+?)(?:, resuming| \(attempt|$)/gm)) {
      w.current = m[1];
    }
    for (const m of d.toString().matchAll(/^done (\S+):/gm)) {
      if (w.current === m[1]) w.current = undefined;
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  return w;
}

/** Run the command line in a child process. */
function cli(argv: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(
    process.execPath,
    ['--conditions=@vaekit/source', '--import', TSX, CLI, ...argv],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

/** Every (split, step) metrics row of a run directory, in file order. */
function metricRows(dir: string): string[] {
  return readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const row = JSON.parse(line) as { split: string; step: number };
      return `${row.split}@${row.step}`;
    });
}

describe('runSweepOnQueue: Redis not reachable', () => {
  it('fails within seconds naming the URL, before anything is written', async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    const out = join(root, 'unreachable');
    const started = performance.now();
    const error = await runSweepOnQueue(SPEC, { out, redis: url }).catch((e: unknown) => e);
    const seconds = (performance.now() - started) / 1000;
    expect(error).toBeInstanceOf(RedisUnreachableError);
    expect((error as Error).message).toContain(`cannot reach Redis at ${url}`);
    expect((error as Error).message).toMatch(/connection refused/);
    expect(seconds).toBeLessThan(3);
    expect(existsSync(out)).toBe(false);
    console.log(`Redis not reachable: error after ${seconds.toFixed(2)} s`);
  });

  it('a host that does not answer fails after the 5 s connect timeout, not later', async () => {
    // A listening socket that never answers: the connection opens, PING gets no reply.
    const { createServer } = await import('node:net');
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const started = performance.now();
    const error = await runSweepOnQueue(SPEC, {
      out: join(root, 'silent'),
      redis: `redis://127.0.0.1:${port}`,
    }).catch((e: unknown) => e);
    const seconds = (performance.now() - started) / 1000;
    silent.close();
    expect(error).toBeInstanceOf(RedisUnreachableError);
    expect((error as Error).message).toMatch(/no answer within 5\.0 s/);
    expect(seconds).toBeGreaterThan(4.5);
    expect(seconds).toBeLessThan(7);
    console.log(`Redis silent: error after ${seconds.toFixed(2)} s`);
  });
});

describe.runIf(redisAvailable)('runSweepOnQueue with vaekit worker processes', () => {
  let server: RedisServer;
  const local = join(root, 'local');
  const queued = join(root, 'queued');
  let localTable = '';
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('the local pool gives the reference results table', async () => {
    const result = await runSweepLocally(SPEC, { out: local, workers: 2 });
    expect(result.status).toBe('completed');
    collectResults(SPEC, local);
    localTable = readFileSync(join(local, 'results.md'), 'utf8');
    expect(localTable).toContain('6 of 6 runs finished');
  }, 300_000);

  it('two workers, one killed with SIGKILL mid-run: its run is resumed from its checkpoint by the other, and the results table is the same', async () => {
    const workers = [startWorker(server.url), startWorker(server.url)];
    const events: QueueSweepEvent[] = [];
    let killed:
      | { worker: WorkerProcess; id: string; checkpointStep: number; lockPid: number }
      | undefined;
    // Kill a worker (and its run's process) once its run has a checkpoint and no result yet.
    const watch = setInterval(() => {
      if (killed !== undefined) return;
      for (const worker of workers) {
        const id = worker.current;
        if (id === undefined) continue;
        const dir = runDirectory(queued, id);
        const step = checkpointStep(dir);
        if (step === undefined || step === 0 || existsSync(join(dir, RESULT_FILE))) continue;
        let lockPid: number;
        try {
          lockPid = (JSON.parse(readFileSync(join(dir, 'run.lock'), 'utf8')) as { pid: number })
            .pid;
        } catch {
          continue;
        }
        process.kill(-worker.child.pid!, 'SIGKILL');
        killed = { worker, id, checkpointStep: step, lockPid };
        return;
      }
    }, 5);
    let result: Awaited<ReturnType<typeof runSweepOnQueue>>;
    try {
      result = await runSweepOnQueue(SPEC, {
        out: queued,
        redis: server.url,
        onEvent: (e) => events.push(e),
      });
    } finally {
      clearInterval(watch);
      for (const w of workers) {
        if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGINT');
      }
    }
    const codes = await Promise.all(workers.map((w) => w.exited));
    const outputs = workers.map((w) => w.output).join('\n----\n');

    // Every run completed.
    expect(result.interrupted).toBe(false);
    expect(
      result.runs.map((r) => r.outcome?.status),
      outputs,
    ).toEqual(Array(6).fill('completed'));
    expect(events[0]).toMatchObject({ type: 'queued', total: 6, queued: 6, continued: false });

    // The killed worker's run: it had a checkpoint (step 2 of 4) when its worker died; BullMQ
    // found the job stalled and the other worker resumed the run from that checkpoint, taking
    // over the dead process's run.lock.
    expect(killed, outputs).toBeDefined();
    const { worker: dead, id, checkpointStep: step, lockPid } = killed!;
    const survivor = workers.find((w) => w !== dead)!;
    expect(step).toBe(2);
    expect(dead.child.signalCode).toBe('SIGKILL');
    expect(events.some((e) => e.type === 'stalled' && e.id === id)).toBe(true);
    const restarts = events.filter((e) => e.type === 'started' && e.id === id);
    expect(restarts.at(-1)).toMatchObject({ resumeFrom: 2 });
    expect(survivor.output).toContain(`runs/${id}, resuming from its checkpoint at step 2`);
    expect(survivor.output).toMatch(
      new RegExp(
        `${escapeRegExp(id)}: took over the lock of process ${lockPid} .*which no longer runs`,
      ),
    );
    // Steps 1-2 were not trained again: the resumed run reports steps 3 and 4 only.
    const resumedSteps = events
      .slice(events.indexOf(restarts.at(-1)!))
      .filter((e) => e.type === 'step' && e.id === id)
      .map((e) => (e as { step: number }).step);
    expect(Math.min(...resumedSteps)).toBeGreaterThan(2);
    // Its metrics have each row once: validation at 2 and 4, the training row at 4.
    expect(metricRows(runDirectory(queued, id)).sort()).toEqual(
      ['train@4', 'validation@2', 'validation@4'].sort(),
    );
    console.log(
      `killed worker ${dead.child.pid} while it trained ${id} (checkpoint at step ${step}, run.lock of process ${lockPid}); the run resumed from step ${step} on worker ${survivor.child.pid}`,
    );

    // The same results table as the local pool's.
    collectResults(SPEC, queued);
    expect(readFileSync(join(queued, 'results.md'), 'utf8')).toBe(localTable);
    const byId = (dir: string) =>
      Object.fromEntries(
        (
          JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8')) as {
            runs: { id: string; metrics: unknown }[];
          }
        ).runs.map((r) => [r.id, r.metrics]),
      );
    expect(byId(queued)).toEqual(byId(local));
    // The survivor closed gracefully on Ctrl-C (SIGINT): exit code 130.
    expect(codes[workers.indexOf(survivor)]).toBe(130);
  }, 400_000);

  it('running the sweep again continues it: finished runs are not trained again, a deleted one is', async () => {
    const resultFiles = () =>
      Object.fromEntries(
        readdirSync(join(queued, 'runs')).map((id) => [
          id,
          statSync(join(runDirectory(queued, id), RESULT_FILE), { throwIfNoEntry: false })?.mtimeMs,
        ]),
      );
    // Nothing left to do: no worker is needed.
    const before = resultFiles();
    const events: QueueSweepEvent[] = [];
    const again = await runSweepOnQueue(SPEC, {
      out: queued,
      redis: server.url,
      onEvent: (e) => events.push(e),
    });
    expect(events[0]).toMatchObject({
      type: 'queued',
      continued: true,
      total: 6,
      queued: 0,
      finished: 6,
    });
    expect(events.filter((e) => e.type === 'finished' && e.before)).toHaveLength(6);
    expect(events.some((e) => e.type === 'started')).toBe(false);
    expect(again.runs.every((r) => r.outcome !== undefined)).toBe(true);
    expect(resultFiles()).toEqual(before);

    // One run's directory is gone (its job is still 'completed' on the queue): only it trains.
    // This time through the command line: vaekit sweep run --redis, and a vaekit worker.
    const gone = 'objective=iwae,seed=1';
    rmSync(runDirectory(queued, gone), { recursive: true });
    const file = join(root, 'pool-test.yaml');
    writeFileSync(file, sweepToYaml(SPEC));
    const worker = startWorker(server.url);
    let sweep: { code: number | null; stdout: string; stderr: string };
    try {
      sweep = await cli(['sweep', 'run', file, '--out', queued, '--redis', server.url]);
    } finally {
      worker.child.kill('SIGINT');
      await worker.exited;
    }
    expect(sweep.code, sweep.stderr).toBe(0);
    expect(sweep.stderr).toContain(
      `vaekit sweep: pool-test, 6 runs (5 finished before, 1 queued), on ${server.url} (queue vaekit-sweep)`,
    );
    expect(sweep.stderr).toMatch(
      new RegExp(`^ {2}${escapeRegExp(gone)}: on worker \\S+:\\d+$`, 'm'),
    );
    expect(sweep.stderr).toMatch(new RegExp(`^done ${escapeRegExp(gone)} {2}nll `, 'm'));
    expect(sweep.stdout).toContain('6 of 6 runs finished');
    expect(sweep.stdout).toMatch(/done in \d+s wall clock/);
    expect(worker.output.match(/^start /gm)).toHaveLength(1);
    const after = resultFiles();
    for (const [id, mtime] of Object.entries(before)) {
      if (id !== gone) expect(after[id]).toBe(mtime);
    }
    expect(readFileSync(join(queued, 'results.md'), 'utf8')).toBe(localTable);
  }, 300_000);

  it('a sweep interrupted by its signal takes its unstarted runs off the queue', async () => {
    const out = join(root, 'interrupted');
    const controller = new AbortController();
    controller.abort();
    const result = await runSweepOnQueue(SPEC, {
      out,
      redis: server.url,
      signal: controller.signal,
    });
    expect(result.interrupted).toBe(true);
    expect(result.runs.every((r) => r.outcome === undefined && r.error === undefined)).toBe(true);
    // Nothing is left on the queue for workers to train.
    const { Queue } = await import('bullmq');
    const queue = new Queue('vaekit-sweep', { connection: { url: server.url } });
    try {
      expect(await queue.getWaitingCount()).toBe(0);
    } finally {
      await queue.close();
    }
  });
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
