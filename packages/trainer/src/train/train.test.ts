import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { readCheckpoint } from '../checkpoint/read-checkpoint';
import { NonFiniteLossError } from '@vaekit/core';
import { RunDirectory } from '../run/run-directory';
import { TINY, finalWeights, metricRows as rows, tempRuns } from './__fixtures__/runs';
import { openRun } from './open-run';
import { train } from './train';

const tempRun = tempRuns('vaekit-train-');

describe('train', () => {
  it('writes a complete run directory', async () => {
    const out = tempRun();
    const result = await train({ ...TINY, latent: 'bn' }, { out, logEvery: 2 });
    expect(result.status).toBe('completed');
    expect(result.step).toBe(8);
    for (const f of [
      'config.json',
      'metrics.jsonl',
      'eval.json',
      'samples.png',
      'reconstructions.png',
      'curves.svg',
      'curves.png',
      'model/model.json',
      'model/weights.bin',
      'checkpoint/checkpoint.json',
    ]) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    const evalJson = JSON.parse(readFileSync(join(out, 'eval.json'), 'utf8'));
    expect(evalJson.split).toBe('test');
    expect(Number.isFinite(evalJson.nll)).toBe(true);
    // Without testK / testExamples the test evaluation is the validation's.
    expect([evalJson.k, evalJson.examples]).toEqual([TINY.evalK, TINY.evalExamples]);
    const trainRows = RunDirectory.open(out)
      .readMetrics()
      .filter((r) => r['split'] === 'train');
    expect(trainRows.map((r) => r.step)).toEqual([2, 4, 6, 8]);
    for (const r of trainRows)
      for (const k of ['loss', 'elbo', 'kl', 'examplesPerSec', 'lr', 'wallTime'])
        expect(Number.isFinite(r[k]), k).toBe(true);
  });

  it('testK and testExamples set the final test evaluation only', async () => {
    const out = tempRun();
    const validations: number[] = [];
    const result = await train(
      { ...TINY, testK: 7, testExamples: 40 },
      { out, events: { onEvaluation: (e) => validations.push(e.k) } },
    );
    expect(validations).toEqual([4, 4]);
    expect(result.validation!.k).toBe(4);
    expect([result.test!.k, result.test!.examples]).toEqual([7, 40]);
    const evalJson = JSON.parse(readFileSync(join(out, 'eval.json'), 'utf8'));
    expect([evalJson.k, evalJson.examples]).toEqual([7, 40]);
  });

  it('is deterministic for a seed, and a resumed run ends exactly like an uninterrupted one', async () => {
    const a = tempRun();
    const b = tempRun();
    await train({ ...TINY, objective: 'iwae', k: 3 }, { out: a, logEvery: 2 });
    // Interrupt after step 5 (mid-way between evaluations), then resume to the end.
    const controller = new AbortController();
    const first = await train(
      { ...TINY, objective: 'iwae', k: 3 },
      {
        out: b,
        logEvery: 2,
        signal: controller.signal,
        events: { onStep: (s) => s.step === 5 && controller.abort() },
      },
    );
    expect(first.status).toBe('interrupted');
    expect(first.step).toBe(5);
    const resumed = await train(
      { ...TINY, objective: 'iwae', k: 3 },
      { out: b, resume: true, logEvery: 2 },
    );
    expect(resumed.status).toBe('completed');
    expect(rows(b).join('\n')).toEqual(rows(a).join('\n'));
    const [wa, wb] = [await finalWeights(a), await finalWeights(b)];
    expect(wb).toEqual(wa);
  });

  it('a process killed mid-run resumes to the same trajectory', async () => {
    const { spawnSync } = await import('node:child_process');
    const a = tempRun();
    const b = tempRun();
    await train({ ...TINY, latent: 'bn-su' }, { out: a, logEvery: 2 });
    const child = spawnSync(
      process.execPath,
      [
        '--conditions=@vaekit/source',
        '--import',
        'tsx',
        join(import.meta.dirname, '__fixtures__', 'kill-mid-run.ts'),
        b,
        JSON.stringify({ ...TINY, latent: 'bn-su' }),
      ],
      { encoding: 'utf8', cwd: join(import.meta.dirname, '..', '..') },
    );
    expect(child.signal, child.stderr).toBe('SIGKILL');
    expect(RunDirectory.open(b).readMetrics().at(-1)!.step).toBeLessThan(8);
    await train({ ...TINY, latent: 'bn-su' }, { out: b, resume: true, logEvery: 2 });
    expect(rows(b)).toEqual(rows(a));
    expect(await finalWeights(b)).toEqual(await finalWeights(a));
  }, 120_000);

  it('refuses to resume with a different model or data, naming the fields and what may change', async () => {
    const out = tempRun();
    const controller = new AbortController();
    await train(TINY, {
      out,
      signal: controller.signal,
      events: { onStep: () => controller.abort() },
    });
    const before = readFileSync(join(out, 'config.json'), 'utf8');
    await expect(
      train({ ...TINY, latentDim: 8, latent: 'gaussian' }, { out, resume: true }),
    ).rejects.toThrow(
      /cannot resume .*: latent \("bn" -> "gaussian"\), latentDim \(4 -> 8\) define the model or the data and cannot change.*these may change: epochs, maxSteps, lr, clipNorm/,
    );
    expect(readFileSync(join(out, 'config.json'), 'utf8')).toBe(before);
  });

  it('stops on a non-finite loss, naming the step, and keeps the last good checkpoint', async () => {
    const out = tempRun();
    const error = await train(
      {
        ...TINY,
        maxSteps: 40,
        evalEvery: 1,
        lr: 1e25,
        clipNorm: 0,
        likelihood: 'gaussian',
        latent: 'gaussian',
      },
      { out },
    ).catch((e) => e);
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect(error.message).toMatch(/training diverged at step \d+: the (loss|gradient norm)/);
    const checkpoint = await readCheckpoint(RunDirectory.open(out).checkpointDir);
    expect(checkpoint.step).toBeLessThan(error.step);
    for (const w of Object.values(checkpoint.weights))
      expect(Array.from(w.data).every(Number.isFinite)).toBe(true);
  });

  it('keeps tf.memory().numTensors flat over thousands of steps', async () => {
    const out = tempRun();
    const counts: number[] = [];
    await train(
      {
        ...TINY,
        hidden: [8],
        batchSize: 8,
        maxSteps: 2000,
        evalEvery: 1000,
        evalExamples: 16,
        objective: 'piwae',
        k: 4,
        groups: 2,
        gradientEstimator: 'dreg',
      },
      {
        out,
        artifacts: false,
        logEvery: 500,
        events: { onStep: (s) => s.step % 250 === 0 && counts.push(tf.memory().numTensors) },
      },
    );
    expect(counts.length).toBe(8);
    expect(new Set(counts).size, `tensor counts ${counts.join(', ')}`).toBe(1);
  }, 240_000);

  it('openRun rebuilds the trained model from its checksummed checkpoint', async () => {
    const out = tempRun();
    await train(TINY, { out, artifacts: false });
    const opened = await openRun(out);
    expect(opened.step).toBe(8);
    expect(opened.model.latentDim).toBe(4);
    opened.model.dispose();
    await expect(openRun(join(out, 'checkpoint'))).rejects.toThrow(/is not a vaekit run directory/);
  });
});
