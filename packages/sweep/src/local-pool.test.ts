import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type SweepEvent, runSweepLocally } from './local-pool';
import { collectResults } from './results';
import { RESULT_FILE, runDirectory } from './run-one';
import { SWEEP_FILE } from './sweep-directory';
import { SweepError, validateSweep } from './sweep-spec';

const root = mkdtempSync(join(tmpdir(), 'vaekit-local-pool-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs of a few steps: MLP 784-8-2, 4 steps, validation every 2. */
const TINY = {
  hidden: [8],
  latentDim: 2,
  batchSize: 16,
  maxSteps: 4,
  evalEvery: 2,
  evalK: 2,
  evalExamples: 16,
};

/** The test sweep: 2 objectives x 3 seeds = 6 tiny runs. */
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

function metricsById(out: string): Record<string, unknown> {
  const json = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8'));
  return Object.fromEntries(
    json.runs.map((r: { id: string; metrics: unknown }) => [r.id, r.metrics]),
  );
}

describe('runSweepLocally', () => {
  const one = join(root, 'one-worker');
  const two = join(root, 'two-workers');
  let table = '';

  it('runs a 6-run sweep on 1 worker, each run in its own run directory', async () => {
    const events: SweepEvent[] = [];
    const result = await runSweepLocally(SPEC, {
      out: one,
      workers: 1,
      onEvent: (e) => events.push(e),
    });
    expect(result.status).toBe('completed');
    expect(result.outcomes.map((o) => o.id)).toEqual(result.runs.map((r) => r.id));
    expect(events[0]).toEqual({
      type: 'start',
      total: 6,
      finished: 0,
      pending: 6,
      workers: 1,
      continued: false,
    });
    const done = events.filter((e) => e.type === 'run-done');
    expect(done.map((e) => e.id)).toEqual(result.runs.map((r) => r.id));
    expect(events.some((e) => e.type === 'step' && e.step === 4 && e.totalSteps === 4)).toBe(true);
    for (const run of result.runs) {
      expect(existsSync(join(runDirectory(one, run.id), 'eval.json'))).toBe(true);
    }
    expect(readFileSync(join(one, SWEEP_FILE), 'utf8')).toContain('pool-test');
    collectResults(SPEC, one);
    table = readFileSync(join(one, 'results.md'), 'utf8');
    expect(table).toContain('6 of 6 runs finished');
    expect(table).toMatch(/\| elbo \| 3 \| \d+\.\d+ ± \d+\.\d+ \|/);
  });

  it('2 workers, interrupted and continued, give the same results table', async () => {
    const controller = new AbortController();
    const first: SweepEvent[] = [];
    const stopped = await runSweepLocally(SPEC, {
      out: two,
      workers: 2,
      signal: controller.signal,
      onEvent: (e) => {
        first.push(e);
        if (e.type === 'run-done') controller.abort();
      },
    });
    expect(stopped.status).toBe('interrupted');
    expect(first.some((e) => e.type === 'stopping')).toBe(true);
    const finished = stopped.outcomes.length;
    expect(finished).toBeGreaterThanOrEqual(1);
    expect(finished).toBeLessThan(6);

    const second: SweepEvent[] = [];
    const continued = await runSweepLocally(SPEC, {
      out: two,
      workers: 2,
      onEvent: (e) => second.push(e),
    });
    expect(continued.status).toBe('completed');
    expect(second[0]).toMatchObject({
      type: 'start',
      finished,
      pending: 6 - finished,
      continued: true,
    });
    expect(second.filter((e) => e.type === 'skipped')).toHaveLength(finished);
    // Runs stopped mid-way resume from their checkpoints: no step is trained twice.
    for (const e of first) {
      if (e.type !== 'run-interrupted') continue;
      const steps = second.flatMap((s) => (s.type === 'step' && s.id === e.id ? [s.step] : []));
      expect(steps.every((step) => step > e.step)).toBe(true);
    }
    collectResults(SPEC, two);
    expect(readFileSync(join(two, 'results.md'), 'utf8')).toBe(table);
    expect(metricsById(two)).toEqual(metricsById(one));
    expect(existsSync(join(two, 'plot.png'))).toBe(true);
  });

  it('a run whose result.json was deleted is done again, the others are skipped', async () => {
    const id = 'objective=iwae,seed=1';
    unlinkSync(join(runDirectory(two, id), RESULT_FILE));
    const events: SweepEvent[] = [];
    const result = await runSweepLocally(SPEC, { out: two, onEvent: (e) => events.push(e) });
    expect(result.status).toBe('completed');
    expect(events.filter((e) => e.type === 'run-start').map((e) => e.id)).toEqual([id]);
    expect(events[0]).toMatchObject({ finished: 5, pending: 1, workers: 1 });
    collectResults(SPEC, two);
    expect(readFileSync(join(two, 'results.md'), 'utf8')).toBe(table);
  });

  it('refuses a directory that holds another sweep, naming the keys, and writes nothing', async () => {
    const other = validateSweep(
      { base: { ...TINY, maxSteps: 8 }, grid: { objective: ['elbo', 'iwae'] }, seeds: 2 },
      'other.yaml',
    );
    const before = readFileSync(join(two, SWEEP_FILE), 'utf8');
    const error = await runSweepLocally(other, { out: two }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SweepError);
    expect((error as Error).message).toBe(
      `${two}: holds another sweep: base.maxSteps, seeds differ from its sweep.yaml. Continue it with the same runs, or choose a new directory`,
    );
    expect(readFileSync(join(two, SWEEP_FILE), 'utf8')).toBe(before);
    // The test's temporary directory holds other files.
    await expect(runSweepLocally(SPEC, { out: root })).rejects.toThrow(
      `${root}: is not empty and holds no sweep.yaml: it is not a sweep directory`,
    );
    expect(existsSync(join(root, SWEEP_FILE))).toBe(false);
  });
});
