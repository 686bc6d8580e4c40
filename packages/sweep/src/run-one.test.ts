import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunDirectory, readCheckpoint } from '@vaekit/trainer';
import { afterAll, describe, expect, it } from 'vitest';
import { RESULT_FILE, RunInterruptedError, readRunOutcome, runDirectory, runOne } from './run-one';
import { planSweep, validateSweep } from './sweep-spec';

const root = mkdtempSync(join(tmpdir(), 'vaekit-run-one-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A run of a few steps: MLP 784-8-2, 4 steps, validation every 2. */
const TINY = {
  hidden: [8],
  latentDim: 2,
  batchSize: 16,
  maxSteps: 4,
  evalEvery: 2,
  evalK: 2,
  evalExamples: 16,
};
const [RUN] = planSweep(validateSweep({ base: TINY, grid: { objective: ['iwae'] }, seeds: [1] }));
const run = RUN!;

describe('runOne', () => {
  const sweepDir = join(root, 'plain');
  let first: Awaited<ReturnType<typeof runOne>>;

  it('trains a planned run into <sweepDir>/runs/<id> and writes result.json', async () => {
    const steps: number[] = [];
    first = await runOne(run, sweepDir, { onStep: (step, total) => steps.push(step, total) });
    const dir = runDirectory(sweepDir, run.id);
    expect(dir).toBe(join(sweepDir, 'runs', 'objective=iwae,seed=1'));
    expect(steps).toEqual([1, 4, 2, 4, 3, 4, 4, 4]);
    expect(first).toMatchObject({ id: run.id, status: 'completed', steps: 4 });
    expect(Object.keys(first.metrics).sort()).toEqual(
      ['activeUnits', 'elbo', 'examples', 'k', 'kl', 'mutualInformation', 'nll'].sort(),
    );
    expect(Number.isFinite(first.metrics['nll'])).toBe(true);
    expect(first.validation?.['nll']).toBeGreaterThan(0);
    expect(first.seconds).toBeGreaterThan(0);
    // A normal run directory: eval.json and the model, as `vaekit eval` needs.
    expect(RunDirectory.isRun(dir)).toBe(true);
    expect(existsSync(join(dir, 'eval.json'))).toBe(true);
    expect(existsSync(join(dir, 'model', 'model.json'))).toBe(true);
    // TensorBoard event files, so `tensorboard --logdir <sweep>` shows every run's curves.
    expect(
      readdirSync(join(dir, 'tensorboard')).some((f) => f.startsWith('events.out.tfevents.')),
    ).toBe(true);
    const saved = JSON.parse(readFileSync(join(dir, RESULT_FILE), 'utf8'));
    expect(saved).toMatchObject({ ...first, values: run.values, config: run.config });
    expect(readRunOutcome(sweepDir, run.id)).toEqual(first);
  });

  it('returns a finished run’s saved result without training it again', async () => {
    const file = join(runDirectory(sweepDir, run.id), RESULT_FILE);
    const before = statSync(file).mtimeMs;
    let stepped = false;
    const again = await runOne(run, sweepDir, { onStep: () => (stepped = true) });
    expect(again).toEqual(first);
    expect(stepped).toBe(false);
    expect(statSync(file).mtimeMs).toBe(before);
  });

  it('an interrupted run throws, keeps its checkpoint, and is resumed to the same result', async () => {
    const dir = join(root, 'interrupted');
    const controller = new AbortController();
    const error = await runOne(run, dir, {
      signal: controller.signal,
      onStep: (step) => step === 2 && controller.abort(),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunInterruptedError);
    expect((error as RunInterruptedError).step).toBe(2);
    expect(readRunOutcome(dir, run.id)).toBeUndefined();
    const steps: number[] = [];
    const logs: string[] = [];
    const resumed = await runOne(run, dir, {
      onStep: (step) => steps.push(step),
      onLog: (m) => logs.push(m),
    });
    expect(steps).toEqual([3, 4]);
    expect(resumed.metrics).toEqual(first.metrics);
    expect(resumed.validation).toEqual(first.validation);
    expect(resumed.steps).toBe(4);
  });

  it('refuses a run directory that holds a run with other settings', async () => {
    const [other] = planSweep(
      validateSweep({ base: { ...TINY, latentDim: 3 }, grid: { objective: ['iwae'] }, seeds: [1] }),
    );
    await expect(runOne(other!, sweepDir)).rejects.toThrow(
      /holds a finished run with other settings \(latentDim 2 -> 3\): run this sweep in a new directory/,
    );
  });

  it('trains on one thread where auto would split a heavy step over the cores', async () => {
    // 16 x (1 + 64) = 1,040 network rows: auto takes 2 threads for a lone run on 2 cores.
    const [heavy] = planSweep(
      validateSweep({
        base: { ...TINY, maxSteps: 1, latent: 'gaussian', k: 64 },
        grid: { objective: ['iwae'] },
        seeds: [1],
      }),
    );
    const dir = join(root, 'threads');
    await runOne(heavy!, dir);
    const saved = await readCheckpoint(
      RunDirectory.open(runDirectory(dir, heavy!.id)).checkpointDir,
    );
    expect(saved.extra).toMatchObject({ threads: 1 });
  });
});
