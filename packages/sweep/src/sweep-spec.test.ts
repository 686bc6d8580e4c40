import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_TRAIN_CONFIG, resolveConfig } from '@vaekit/core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  SweepError,
  loadSweepFile,
  planSweep,
  runId,
  sweepDifferences,
  sweepNotes,
  sweepToYaml,
  validateSweep,
} from './sweep-spec';

const root = mkdtempSync(join(tmpdir(), 'vaekit-sweep-spec-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(root, name);
  writeFileSync(path, text);
  return path;
}

const EXAMPLE = `name: iwae-family            # optional; default the file name
base: { latentDim: 8, maxSteps: 200 }
grid:
  objective: [elbo, iwae]
  k: [1, 5]
zip:
  - { hidden: [[32], [64, 32]], lr: [0.001, 5e-4] }
seeds: [0, 1, 2]
metrics: [nll, kl, activeUnits]
plot: { x: k, metric: nll, groupBy: objective }
`;

describe('loadSweepFile', () => {
  it('reads the documented YAML example, and plans its runs in a fixed order', () => {
    const spec = loadSweepFile(file('example.yaml', EXAMPLE));
    expect(spec.name).toBe('iwae-family');
    expect(spec.seeds).toEqual([0, 1, 2]);
    expect(spec.plot).toEqual({ x: 'k', metric: 'nll', groupBy: ['objective'], scale: 'auto' });
    const runs = planSweep(spec);
    expect(runs).toHaveLength(2 * 2 * 2 * 3);
    expect(runs.slice(0, 4).map((r) => r.id)).toEqual([
      'objective=elbo,k=1,hidden=32,lr=0.001,seed=0',
      'objective=elbo,k=1,hidden=32,lr=0.001,seed=1',
      'objective=elbo,k=1,hidden=32,lr=0.001,seed=2',
      'objective=elbo,k=1,hidden=64x32,lr=0.0005,seed=0',
    ]);
    expect(runs.at(-1)!.id).toBe('objective=iwae,k=5,hidden=64x32,lr=0.0005,seed=2');
    const last = runs.at(-1)!;
    expect(last.values).toEqual({
      objective: 'iwae',
      k: 5,
      hidden: '64,32',
      lr: 0.0005,
      seed: 2,
    });
    expect(last.config).toEqual(
      resolveConfig({
        latentDim: 8,
        maxSteps: 200,
        objective: 'iwae',
        k: 5,
        hidden: [64, 32],
        lr: 5e-4,
        seed: 2,
      }),
    );
    // Same file, same plan.
    expect(planSweep(loadSweepFile(join(root, 'example.yaml')))).toEqual(runs);
  });

  it('reads JSON, defaults the name to the file name, and takes a seed count', () => {
    const spec = loadSweepFile(
      file('collapse.json', JSON.stringify({ grid: { latent: ['gaussian', 'bn'] }, seeds: 2 })),
    );
    expect(spec.name).toBe('collapse');
    expect(spec.seeds).toEqual([0, 1]);
    expect(planSweep(spec).map((r) => r.id)).toEqual([
      'latent=gaussian,seed=0',
      'latent=gaussian,seed=1',
      'latent=bn,seed=0',
      'latent=bn,seed=1',
    ]);
  });

  it('a sweep with no axes is its seeds; base.seed is the one seed when seeds are not given', () => {
    expect(planSweep(validateSweep({ base: { seed: 7 } })).map((r) => r.id)).toEqual(['seed=7']);
    expect(planSweep(validateSweep({})).map((r) => r.id)).toEqual(['seed=0']);
  });

  it("order: seeds trains every setting's first seed first, the settings in plan order", () => {
    const bySeed = validateSweep({ grid: { k: [1, 5, 20] }, seeds: [7, 3], order: 'seeds' });
    expect(planSweep(bySeed).map((r) => r.id)).toEqual([
      'k=1,seed=7',
      'k=5,seed=7',
      'k=20,seed=7',
      'k=1,seed=3',
      'k=5,seed=3',
      'k=20,seed=3',
    ]);
    const bySetting = validateSweep({ grid: { k: [1, 5, 20] }, seeds: [7, 3] });
    expect(
      planSweep(bySetting)
        .map((r) => r.id)
        .slice(0, 2),
    ).toEqual(['k=1,seed=7', 'k=1,seed=3']);
    // The same runs: a sweep directory started in one order continues in the other.
    expect(sweepDifferences(bySeed, bySetting)).toEqual([]);
    expect(loadSweepFile(file('order.yaml', sweepToYaml(bySeed))).order).toBe('seeds');
  });

  it('sweepToYaml reads back as the same sweep', () => {
    const spec = loadSweepFile(join(root, 'example.yaml'));
    const again = loadSweepFile(file('again.yaml', sweepToYaml(spec)));
    expect({ ...again, source: '' }).toEqual({ ...spec, source: '' });
    expect(sweepDifferences(spec, again)).toEqual([]);
  });
});

describe('bad sweep files name the file, the key and the valid choices', () => {
  const keys = Object.keys(DEFAULT_TRAIN_CONFIG).join(', ');
  const CASES: [string, string, string][] = [
    [
      'unknown top-level key',
      'grdi: { k: [1] }',
      'grdi: unknown key. Valid keys: name, base, grid',
    ],
    [
      'unknown order',
      'order: random',
      "order: 'random' is not an order. Valid orders: settings, seeds",
    ],
    [
      'axis not a TrainConfig key',
      'grid: { K: [1, 5] }',
      `grid.K: not a TrainConfig key. Valid keys: ${keys}`,
    ],
    [
      'base key not a TrainConfig key',
      'base: { latent_dim: 2 }',
      'base.latent_dim: not a TrainConfig key',
    ],
    ['axis not a list', 'grid: { k: 5 }', 'grid.k: expected a non-empty list of values, got 5'],
    ['empty axis', 'grid: { k: [] }', 'grid.k: expected a non-empty list of values, got []'],
    [
      'axis value of the wrong type',
      'grid: { k: [1, { a: 1 }] }',
      'grid.k[1]: expected a string, number or boolean',
    ],
    [
      'list setting with scalars',
      'grid: { hidden: [32] }',
      'grid.hidden[0]: expected a list of numbers',
    ],
    [
      'axis value out of range',
      'grid: { objective: [elbo, iwae], k: [1, 0] }',
      "grid.k: run 'objective=elbo,k=0,seed=0': k: expected an integer >= 1 and <= 100000, got 0",
    ],
    [
      'unknown choice',
      'grid: { latent: [bn, bm] }',
      "grid.latent: run 'latent=bm,seed=0': latent: 'bm' is not one of gaussian, bn, bn-su, vmf",
    ],
    [
      'base value out of range',
      'base: { latentDim: 0 }',
      "base.latentDim: run 'seed=0': latentDim: expected an integer >= 1",
    ],
    [
      'cross-field rule',
      'base: { objective: miwae }\ngrid: { k: [4, 6], groups: [4] }',
      "grid.groups: run 'k=6,groups=4,seed=0': groups: k = 6 is not divisible by groups = 4",
    ],
    [
      'zipped lists of unequal length',
      'zip: [{ k: [5, 50], groups: [1] }]',
      'zip[0].groups: zipped lists must have equal lengths: groups has 1 values, k has 2',
    ],
    [
      'axis in grid and zip',
      'grid: { k: [1] }\nzip: [{ k: [5] }]',
      'zip[0].k: the axis k is also in grid',
    ],
    ['repeated axis value', 'grid: { k: [1, 5, 1] }', 'grid.k[2]: the value 1 appears twice'],
    [
      'seed as an axis',
      'grid: { seed: [1, 2] }',
      "grid.seed: give the seeds with 'seeds', not as an axis",
    ],
    [
      'seeds and base.seed',
      'base: { seed: 1 }\nseeds: 2',
      "base.seed: give the seeds with 'seeds'",
    ],
    ['bad seed', 'seeds: [0, -1]', 'seeds[1]: a seed is an integer >= 0 and <= 4294967295, got -1'],
    ['repeated seed', 'seeds: [3, 3]', 'seeds[1]: the seed 3 appears twice'],
    ['zero seeds', 'seeds: 0', 'seeds: a count of seeds is an integer >= 1 and <= 10000, got 0'],
    [
      'unknown metric',
      'metrics: [nll, NLL]',
      "metrics[1]: 'NLL' is not a metric. Valid metrics: nll, elbo, kl, mutualInformation, activeUnits, perplexity, seconds, steps",
    ],
    [
      'plot against a setting that is not an axis',
      'grid: { k: [1, 5] }\nplot: { x: latentDim, metric: nll }',
      "plot.x: 'latentDim' is not an axis of the sweep. Valid axes: k",
    ],
    [
      'plot of an unknown metric',
      'grid: { k: [1, 5] }\nplot: { x: k, metric: loss }',
      "plot.metric: 'loss' is not a metric",
    ],
    [
      'plot grouped by x',
      'grid: { k: [1, 5], objective: [elbo, iwae] }\nplot: { x: k, groupBy: [k] }',
      "plot.groupBy[0]: 'k' is not an axis other than x. Valid axes: objective",
    ],
    ['not a mapping', '- 1\n- 2', 'expected a mapping with the keys name, base, grid'],
    ['YAML syntax', 'grid: { k: [1, 5 }', 'not valid YAML (line 1'],
    ['duplicate YAML key', 'grid: { k: [1] }\ngrid: { k: [2] }', 'not valid YAML (line 2'],
  ];

  it.each(CASES)('%s', (_what, text, message) => {
    const path = file('bad.yaml', text);
    let error: unknown;
    try {
      loadSweepFile(path);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SweepError);
    expect((error as Error).message.startsWith(`${path}: `)).toBe(true);
    expect((error as Error).message).toContain(message);
  });

  it('a missing file, a directory and another extension', () => {
    expect(() => loadSweepFile(join(root, 'none.yaml'))).toThrow(/none\.yaml: no such file/);
    expect(() => loadSweepFile(file('s.toml', ''))).toThrow(/ends in \.yaml, \.yml or \.json/);
    expect(() => loadSweepFile(file('s.json', '{ "grid": '))).toThrow(/s\.json: not valid JSON/);
  });

  it('runs that would share a directory or a configuration are refused', () => {
    expect(() => validateSweep({ grid: { data: ['text:a b', 'text:a_b'] } }, 'x.yaml')).toThrow(
      /would share the directory runs\/data=text_a_b,seed=0/,
    );
    // An axis that overrides base with its own value.
    expect(() => validateSweep({ base: { k: 5 }, zip: [{ k: [5, 5] }] }, 'x.yaml')).toThrow(
      /zip\[0\]: the value 5 of k appears twice \(at 0 and 1\)/,
    );
    // In a zipped group an axis may repeat a value; its rows must differ.
    const rows = validateSweep({
      zip: [{ latent: ['gaussian', 'gaussian', 'bn'], freeBits: [0, 0.5, 0] }],
    });
    expect(planSweep(rows).map((r) => r.id)).toEqual([
      'latent=gaussian,freeBits=0,seed=0',
      'latent=gaussian,freeBits=0.5,seed=0',
      'latent=bn,freeBits=0,seed=0',
    ]);
    expect(() =>
      validateSweep(
        { zip: [{ latent: ['bn', 'gaussian', 'bn'], gamma: [0.5, 0.5, 0.5] }] },
        'z.yaml',
      ),
    ).toThrow(/z\.yaml: zip\[0\]: rows 0 and 2 \(latent, gamma\) are the same: \["bn",0.5\]/);
    expect(() =>
      validateSweep({ base: { k: 5 }, grid: { k: [5] }, zip: [{ beta: [0.5] }] }, 'x.yaml'),
    ).not.toThrow();
  });
});

describe('runId', () => {
  it('is safe as a directory name and bounded in length', () => {
    expect(runId({ data: 'idx:/data/fashion mnist', hidden: '512,256', seed: 1 })).toBe(
      'data=idx__data_fashion_mnist,hidden=512x256,seed=1',
    );
    const long = runId({ klAnneal: 'x'.repeat(400), seed: 0 });
    expect(long.length).toBeLessThanOrEqual(200);
    expect(long).toMatch(/~[0-9a-f]{8}$/);
    expect(runId({ klAnneal: 'y'.repeat(400), seed: 0 })).not.toBe(long);
  });
});

describe('sweepNotes and sweepDifferences', () => {
  it('names settings that have no effect in some runs', () => {
    const spec = validateSweep({ grid: { latent: ['bn', 'gaussian'], gamma: [0.5, 1] } });
    expect(sweepNotes(spec)).toEqual([
      'gamma has no effect in 2 of 4 runs (latent=gaussian,gamma=0.5,seed=0: it applies to --latent bn, not gaussian)',
    ]);
  });

  it('names the keys in which two sweeps plan different runs, not name, metrics or plot', () => {
    const a = validateSweep({ name: 'a', base: { maxSteps: 4 }, grid: { k: [1, 5] }, seeds: 2 });
    const b = validateSweep({
      name: 'b',
      base: { maxSteps: 8 },
      grid: { k: [1, 50] },
      seeds: 3,
      metrics: ['nll'],
    });
    expect(sweepDifferences(a, b)).toEqual(['base.maxSteps', 'grid.k', 'seeds']);
    expect(sweepDifferences(a, { ...a, name: 'c', metrics: ['kl'] })).toEqual([]);
  });
});
