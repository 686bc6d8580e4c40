/**
 * Fault injection: training is killed with SIGKILL at random moments (before the first
 * checkpoint, after a validation row and before its checkpoint, in the middle of a checkpoint
 * write), then resumed; the disk fills up during a run; two processes resume one directory at
 * once. After each, the resumed run must end exactly as an uninterrupted run: the same
 * metrics.jsonl rows (wall time and throughput aside) and the same final weights, bit for bit.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng, type TrainConfig } from '@vaekit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCheckpoint } from '../checkpoint/read-checkpoint';
import { RunDirectory } from '../run/run-directory';
import { finalWeights, metricRows, tempRuns } from './__fixtures__/runs';
import { train } from './train';

/** MLP 784-32-4, 12 steps, a validation and a checkpoint every 4 steps. */
const CONFIG: Partial<TrainConfig> = {
  hidden: [32],
  latentDim: 4,
  batchSize: 32,
  maxSteps: 12,
  evalEvery: 4,
  evalExamples: 64,
  evalK: 4,
  seed: 5,
  latent: 'bn',
};

const tempRun = tempRuns('vaekit-faults-');

const FIXTURE = join(import.meta.dirname, '__fixtures__', 'train-and-die.ts');
const PACKAGE = join(import.meta.dirname, '..', '..');
const nodeArgs = (out: string, mode: string, resume = false) => [
  '--conditions=@vaekit/source',
  '--import',
  'tsx',
  FIXTURE,
  out,
  JSON.stringify(CONFIG),
  mode,
  ...(resume ? ['resume'] : []),
];

/** Train in a child process that kills itself at `mode`. */
function trainAndDie(out: string, mode: string, resume = false) {
  return spawnSync(process.execPath, nodeArgs(out, mode, resume), {
    encoding: 'utf8',
    cwd: PACKAGE,
  });
}

let reference: { rows: string[]; weights: Float32Array[] };
beforeAll(async () => {
  const out = tempRun();
  await train(CONFIG, { out, logEvery: 2, artifacts: false });
  reference = { rows: metricRows(out), weights: await finalWeights(out) };
}, 120_000);

async function expectSameEnd(out: string): Promise<void> {
  const result = await train(CONFIG, { out, resume: true, logEvery: 2, artifacts: false });
  expect(result.status).toBe('completed');
  expect(metricRows(out)).toEqual(reference.rows);
  expect(await finalWeights(out)).toEqual(reference.weights);
}

// Seeded choice of kill points: always one before the first checkpoint, one after a validation
// row and before its checkpoint, one inside a checkpoint write, and random steps.
const rng = new Rng(2026);
const randomSteps = Array.from({ length: 3 }, () => 1 + Math.floor(rng.next() * 11));
const KILLS = ['step:2', 'validation:4', 'checkpoint:8', ...randomSteps.map((s) => `step:${s}`)];

describe('fault injection', () => {
  it.each(KILLS)(
    'killed at %s, resumed: the same metrics and weights',
    async (mode) => {
      const out = tempRun();
      const child = trainAndDie(out, mode);
      expect(child.signal, child.stderr).toBe('SIGKILL');
      await expectSameEnd(out);
    },
    120_000,
  );

  it('killed twice (a resumed run killed again), resumed: the same end', async () => {
    const out = tempRun();
    expect(trainAndDie(out, 'step:6').signal).toBe('SIGKILL');
    const again = trainAndDie(out, 'checkpoint:8', true);
    expect(again.signal, again.stderr).toBe('SIGKILL');
    await expectSameEnd(out);
  }, 120_000);

  it('two processes resuming one directory: one is refused, the other finishes the run', async () => {
    const out = tempRun();
    expect(trainAndDie(out, 'step:3').signal).toBe('SIGKILL');
    const run = (mode: string, onStdout?: (text: string) => void) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, nodeArgs(out, mode, true), { cwd: PACKAGE });
        let stderr = '';
        child.stdout.on('data', (d) => onStdout?.(String(d)));
        child.stderr.on('data', (d) => {
          stderr += d;
        });
        child.on('close', (code) => resolve({ code, stderr }));
      });
    // The second process starts while the first one trains (it sleeps 1 s a step).
    let onStarted = () => {};
    const started = new Promise<void>((resolve) => {
      onStarted = resolve;
    });
    const first = run('slow', (text) => text.includes('started') && onStarted());
    await started;
    const refused = await run('never');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/is in use by process \d+/);
    const finished = await first;
    expect(finished.code, finished.stderr).toBe(0);
    expect(metricRows(out)).toEqual(reference.rows);
    expect(await finalWeights(out)).toEqual(reference.weights);
  }, 120_000);
});

/** Whether this process may mount a small tmpfs (root on Linux): the disk-full test needs one. */
function canMount(): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  const probe = fs.mkdtempSync(join(tmpdir(), 'vaekit-mount-probe-'));
  const ok = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe]).status === 0;
  if (ok) spawnSync('umount', [probe]);
  fs.rmSync(probe, { recursive: true, force: true });
  return ok;
}

describe('a full disk', () => {
  it.runIf(canMount())(
    'fails with a clear error, keeps the last good checkpoint, and resumes once space is freed',
    async () => {
      const disk = fs.mkdtempSync(join(tmpdir(), 'vaekit-small-disk-'));
      expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', disk]).status).toBe(0);
      try {
        const out = join(disk, 'run');
        const filler = join(disk, 'filler');
        const error = await train(CONFIG, {
          out,
          logEvery: 2,
          artifacts: false,
          events: {
            // After the first checkpoint, take all but a few kilobytes of what is left.
            onCheckpoint: ({ step }) => {
              if (step !== 4) return;
              const free = fs.statfsSync(disk);
              const room = Number(free.bavail) * Number(free.bsize) - 4096;
              fs.writeFileSync(filler, Buffer.alloc(Math.max(0, room)));
            },
          },
        }).catch((e: Error) => e);
        expect(error).toBeInstanceOf(Error);
        expect((error as Error).message).toMatch(
          /no space left on device .*the last good checkpoint \(step 4\) is intact; free some space, then resume: vaekit train --resume/,
        );
        expect((await readCheckpoint(RunDirectory.open(out).checkpointDir)).step).toBe(4);
        fs.rmSync(filler);
        await expectSameEnd(out);
      } finally {
        spawnSync('umount', [disk]);
      }
    },
    120_000,
  );
});
