import { existsSync, mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { resolveConfig } from '@vaekit/core';
import { describe, expect, it } from 'vitest';
import { PREVIOUS_MANIFEST_FILE } from '../checkpoint/checkpoint-manifest';
import { loadTrainingData } from '../data/load-training-data';
import { encodeIdx } from '../data/read-idx';
import { RunDirectory } from '../run/run-directory';
import { LOCK_FILE, lockRunDirectory } from '../run/run-lock';
import { TINY, finalWeights, metricRows as rows, tempRuns } from './__fixtures__/runs';
import { SETTINGS_CHANGES_FILE, train } from './train';

const newRun = tempRuns('vaekit-lifecycle-');
/** A temporary directory (its parent), for files beside a run. */
const tempDir = () => dirname(newRun());

/** An IDX image set of `train` + `test` random 4x4 images in `dir` (like MNIST's files). */
function tinyImageSet(dir: string, train: number, test: number): string {
  mkdirSync(dir, { recursive: true });
  let state = 7;
  const bytes = (n: number) =>
    Uint8Array.from({ length: n }, () => {
      state = (state * 1103515245 + 12345) >>> 0;
      return state >>> 24;
    });
  for (const [prefix, n] of [
    ['train', train],
    ['t10k', test],
  ] as const) {
    const images = { type: 'ubyte' as const, dims: [n, 4, 4], data: bytes(n * 16) };
    const labels = { type: 'ubyte' as const, dims: [n], data: bytes(n).map((b) => b % 10) };
    writeFileSync(join(dir, `${prefix}-images-idx3-ubyte`), encodeIdx(images));
    writeFileSync(join(dir, `${prefix}-labels-idx1-ubyte`), encodeIdx(labels));
  }
  return dir;
}

describe('the run lifecycle', () => {
  it('a BN-VAE epoch whose last batch would hold one example drops it instead of crashing', async () => {
    const data = `idx:${tinyImageSet(join(tempDir(), 'images'), 6000, 20)}`;
    const size = loadTrainingData(resolveConfig({ data })).train.size;
    // One full batch and a last batch of one example, per epoch.
    const config = { data, hidden: [8], latentDim: 2, batchSize: size - 1, epochs: 3, evalK: 2 };
    for (const latent of ['bn', 'bn-su'] as const) {
      const result = await train({ ...config, latent }, { out: newRun() });
      expect(result.status).toBe('completed');
      expect(result.step).toBe(3); // 1 step an epoch
    }
    // Families without batch statistics keep the batch of one.
    const gaussian = await train({ ...config, latent: 'gaussian' }, { out: newRun() });
    expect(gaussian.step).toBe(6);
  });

  it('resumes from checkpoint.previous.json when checkpoint.json is gone, to the same end', async () => {
    const a = newRun();
    const b = newRun();
    await train(TINY, { out: a, logEvery: 2 });
    const controller = new AbortController();
    const events = { onStep: (s: { step: number }) => s.step === 6 && controller.abort() };
    await train(TINY, { out: b, logEvery: 2, signal: controller.signal, events });
    // The interrupt checkpoint (step 6) is lost; the one of step 4 remains as the previous one.
    const dir = RunDirectory.open(b).checkpointDir;
    unlinkSync(join(dir, 'checkpoint.json'));
    expect(existsSync(join(dir, PREVIOUS_MANIFEST_FILE))).toBe(true);
    const logs: string[] = [];
    await train(TINY, {
      out: b,
      resume: true,
      logEvery: 2,
      events: { onLog: (m) => logs.push(m) },
    });
    expect(logs.join('\n')).toMatch(/resuming from the previous checkpoint \(step 4\)/);
    expect(rows(b)).toEqual(rows(a));
    expect(await finalWeights(b)).toEqual(await finalWeights(a));
  });

  it('--resume of a run with no checkpoint starts again from step 0 without doubling metrics rows', async () => {
    const a = newRun();
    const b = newRun();
    await train(TINY, { out: a, logEvery: 2 });
    const controller = new AbortController();
    await train(TINY, {
      out: b,
      logEvery: 2,
      signal: controller.signal,
      events: { onStep: (s) => s.step === 3 && controller.abort() },
    });
    // As if killed before the first checkpoint: rows for steps 2 remain, no checkpoint.
    rmSync(RunDirectory.open(b).checkpointDir, { recursive: true });
    expect(rows(b).length).toBeGreaterThan(0);
    const logs: string[] = [];
    await train(TINY, {
      out: b,
      resume: true,
      logEvery: 2,
      events: { onLog: (m) => logs.push(m) },
    });
    expect(logs.join('\n')).toMatch(
      /has no checkpoint yet: training starts again from step 0 \(1 metrics rows/,
    );
    expect(rows(b)).toEqual(rows(a));
  });

  it('refuses a second process in a run directory, and takes over a stale lock', async () => {
    const out = newRun();
    const controller = new AbortController();
    await train(TINY, {
      out,
      signal: controller.signal,
      events: { onStep: () => controller.abort() },
    });
    const release = lockRunDirectory(out);
    await expect(train(TINY, { out, resume: true })).rejects.toThrow(
      new RegExp(`is in use by process ${process.pid}`),
    );
    release();
    // A lock file left by a process that died (pid 2^31 - 1 does not exist) does not block.
    writeFileSync(
      join(out, LOCK_FILE),
      JSON.stringify({
        pid: 2 ** 31 - 1,
        host: (await import('node:os')).hostname(),
        startedAt: 'x',
      }),
    );
    const logs: string[] = [];
    const result = await train(TINY, { out, resume: true, events: { onLog: (m) => logs.push(m) } });
    expect(result.status).toBe('completed');
    expect(logs.join('\n')).toMatch(/took over the lock of process 2147483647/);
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);
  });

  it('a resumed run may change its length, learning rate and cadence; each change is recorded', async () => {
    const out = newRun();
    const first = await train(TINY, { out });
    expect(first.step).toBe(8);
    // Extend the finished run with a lower learning rate.
    const logs: string[] = [];
    const more = await train(
      { ...TINY, maxSteps: 12, lr: 5e-4, clipNorm: 1 },
      { out, resume: true, events: { onLog: (m) => logs.push(m) } },
    );
    expect(more.status).toBe('completed');
    expect(more.step).toBe(12);
    expect(logs.join('\n')).toMatch(
      /maxSteps changed from 8 to 12[\s\S]*lr changed from 0.001 to 0.0005/,
    );
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect([config.maxSteps, config.lr, config.clipNorm]).toEqual([12, 5e-4, 1]);
    const recorded = readFileSync(join(out, SETTINGS_CHANGES_FILE), 'utf8').trim().split('\n');
    expect(recorded).toHaveLength(1);
    expect(JSON.parse(recorded[0]!).changes).toEqual([
      { key: 'maxSteps', from: 8, to: 12 },
      { key: 'lr', from: 1e-3, to: 5e-4 },
      { key: 'clipNorm', from: 5, to: 1 },
    ]);
    const lrs = RunDirectory.open(out)
      .readMetrics()
      .filter((r) => r['split'] === 'train' && r.step > 8)
      .map((r) => r['lr']);
    expect(lrs.every((lr) => lr === 5e-4)).toBe(true);
  });

  it('checkpoints every N steps when asked', async () => {
    const out = newRun();
    const steps: number[] = [];
    await train(
      { ...TINY, evalEvery: 0, checkpointEvery: 3 },
      { out, artifacts: false, events: { onCheckpoint: ({ step }) => steps.push(step) } },
    );
    // Every 3 steps, and at the end of training (the final validation).
    expect(steps).toEqual([3, 6, 8]);
  });

  it('a new run that fails before its first checkpoint leaves no directory behind', async () => {
    const out = newRun();
    const error = await train(
      { ...TINY, evalEvery: 0, lr: 1e25, clipNorm: 0, likelihood: 'gaussian', latent: 'gaussian' },
      { out },
    ).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      /No checkpoint was written before step \d+, so nothing was kept; start again with a lower --lr or --clip-norm/,
    );
    expect(existsSync(out)).toBe(false);
    // The same command can be run again at once.
    await expect(train(TINY, { out })).resolves.toMatchObject({ status: 'completed' });
  });

  it('a diverged run with a checkpoint says how to resume it, and the advice works', async () => {
    const out = newRun();
    const diverging = {
      ...TINY,
      maxSteps: 12,
      likelihood: 'gaussian',
      latent: 'gaussian',
    } as const;
    const controller = new AbortController();
    // A good checkpoint at step 4, then the learning rate is raised until the loss explodes.
    await train(diverging, {
      out,
      signal: controller.signal,
      events: { onStep: (s) => s.step === 4 && controller.abort() },
    });
    const error = await train({ ...diverging, lr: 1e25, clipNorm: 0 }, { out, resume: true }).catch(
      (e: Error) => e,
    );
    expect((error as Error).message).toMatch(
      /training diverged at step \d+: .* The last checkpoint was kept; continue from it with a lower learning rate or clip norm: vaekit train --resume .* --lr <smaller>/,
    );
    const result = await train({ ...diverging, lr: 1e-3 }, { out, resume: true });
    expect(result.status).toBe('completed');
    expect(result.step).toBe(12);
  });
});
