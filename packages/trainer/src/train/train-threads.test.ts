import { availableParallelism } from 'node:os';
import { resolveConfig } from '@vaekit/core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseThreads } from '../parallel/choose-threads';
import { PARALLEL_EVALUATION_SAMPLES } from './run-artifacts';
import { TINY, finalWeights, metricRows as rows, tempRuns } from './__fixtures__/runs';
import { train } from './train';

const tempRun = tempRuns('vaekit-train-threads-');
/** A Gaussian IWAE run: 128 network rows a step, so auto picks one thread. */
const RUN = { ...TINY, latent: 'gaussian', objective: 'iwae', k: 3 } as const;

describe('train with data-parallel threads', () => {
  it('is deterministic for a thread count, and a resumed run keeps its count', async () => {
    const starts: { threads: number; threadsReason: string }[] = [];
    const onStart = ({ threads, threadsReason }: (typeof starts)[number]) =>
      starts.push({ threads, threadsReason });
    const a = tempRun();
    const b = tempRun();
    const single = tempRun();
    await train({ ...RUN, threads: 2 }, { out: a, logEvery: 2, events: { onStart } });
    const controller = new AbortController();
    const first = await train(
      { ...RUN, threads: 2 },
      {
        out: b,
        logEvery: 2,
        signal: controller.signal,
        events: { onStep: (s) => s.step === 5 && controller.abort() },
      },
    );
    expect(first.status).toBe('interrupted');
    // Resumed with auto (which would pick one thread for this step): the run keeps its two.
    const resumed = await train(
      { ...RUN, threads: 0 },
      { out: b, resume: true, logEvery: 2, events: { onStart } },
    );
    expect(resumed.status).toBe('completed');
    expect(rows(b).join('\n')).toEqual(rows(a).join('\n'));
    expect(await finalWeights(b)).toEqual(await finalWeights(a));
    await train({ ...RUN, threads: 0 }, { out: single, logEvery: 2, events: { onStart } });
    expect(starts).toEqual([
      { threads: 2, threadsReason: 'as configured' },
      { threads: 2, threadsReason: 'auto: kept from the checkpoint (a run keeps its shards)' },
      {
        threads: 1,
        threadsReason: chooseThreads(resolveConfig(RUN), availableParallelism()).reason,
      },
    ]);
    // One thread draws other samples (the shards' seeds), so another trajectory, as good.
    const [two, one] = [rows(a), rows(single)].map((r) => r.map((x) => JSON.parse(x)));
    expect(one.map((r) => r.step)).toEqual(two!.map((r) => r.step));
    expect(JSON.stringify(one)).not.toEqual(JSON.stringify(two));
    const last = (r: { split: string; nll?: number }[]) =>
      r.filter((x) => x.split === 'validation').at(-1)!.nll!;
    expect(Math.abs(last(one!) - last(two!))).toBeLessThan(0.05 * Math.abs(last(one!)));
  }, 120_000);

  it('splits a large test evaluation over worker threads, to the one-thread result', async () => {
    // 16,000 x 64 samples: past PARALLEL_EVALUATION_SAMPLES, so 2 cores take 2 worker threads.
    const config = { ...RUN, maxSteps: 2, testK: 16_000, testExamples: 64 };
    expect(config.testK * config.testExamples).toBeGreaterThanOrEqual(PARALLEL_EVALUATION_SAMPLES);
    const [one, two] = [tempRun(), tempRun()];
    const logs: string[] = [];
    await train(config, { out: one, cores: 1, events: { onLog: (m) => logs.push(m) } });
    expect(logs.some((m) => m.includes('worker threads'))).toBe(false);
    await train(config, { out: two, cores: 2, events: { onLog: (m) => logs.push(m) } });
    expect(logs).toContain(
      'test evaluation (K = 16000) on 2 worker threads (the result does not depend on them)',
    );
    const read = (dir: string) => JSON.parse(readFileSync(join(dir, 'eval.json'), 'utf8'));
    expect(read(two)).toEqual(read(one));
    expect(read(one)).toMatchObject({ k: 16_000, examples: 64 });
  }, 180_000);
});
