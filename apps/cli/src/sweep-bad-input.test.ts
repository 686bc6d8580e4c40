import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_TRAIN_CONFIG } from '@vaekit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { snapshotDir, vaekit } from './test-support';

const root = mkdtempSync(join(tmpdir(), 'vaekit-sweep-usage-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(root, name);
  writeFileSync(path, text);
  return path;
}

const TINY = '{ hidden: [8], latentDim: 2, batchSize: 16, maxSteps: 4 }';
const good = file('good.yaml', `base: ${TINY}\ngrid: { objective: [elbo, iwae] }\nseeds: 2\n`);
// A sweep directory that holds another sweep (only its sweep.yaml is needed).
const other = join(root, 'other-sweep');
mkdirSync(other);
writeFileSync(
  join(other, 'sweep.yaml'),
  `name: other\nbase: ${TINY}\ngrid: { objective: [elbo, iwae], k: [1, 5] }\nseeds: 2\n`,
);
const notSweep = join(root, 'not-a-sweep');
mkdirSync(notSweep);
writeFileSync(join(notSweep, 'notes.txt'), 'mine\n');
const never = join(root, 'never');

const keys = Object.keys(DEFAULT_TRAIN_CONFIG).join(', ');

/** Each row: the arguments, and what stderr must say (the file, the key, the valid choices). */
const CASES: [string[], string][] = [
  [
    ['sweep', 'plam', good],
    "unknown sweep command 'plam'. Did you mean 'plan'? Valid: plan, run, results",
  ],
  [['sweep', 'plan'], 'vaekit sweep plan takes one <file>, a sweep file, got none'],
  [['sweep', 'plan', good, good], 'vaekit sweep plan takes one <file>, a sweep file, got'],
  [['sweep', 'plan', join(root, 'missing.yaml')], `${join(root, 'missing.yaml')}: no such file`],
  [['sweep', 'plan', file('s.txt', '')], 's.txt: a sweep file ends in .yaml, .yml or .json'],
  [
    ['sweep', 'plan', file('typo.yaml', 'grid: { K: [1, 5] }')],
    `typo.yaml: grid.K: not a TrainConfig key. Valid keys: ${keys}`,
  ],
  [
    ['sweep', 'plan', file('top.yaml', 'seed: [1]')],
    'top.yaml: seed: unknown key. Valid keys: name, base, grid, zip, seeds, metrics, plot',
  ],
  [
    ['sweep', 'plan', file('range.yaml', 'grid: { objective: [elbo, iwae], k: [1, 0] }')],
    "range.yaml: grid.k: run 'objective=elbo,k=0,seed=0': k: expected an integer >= 1 and <= 100000, got 0",
  ],
  [
    ['sweep', 'plan', file('choice.yaml', 'grid: { latent: [bn, bm] }')],
    "choice.yaml: grid.latent: run 'latent=bm,seed=0': latent: 'bm' is not one of gaussian, bn, bn-su, vmf",
  ],
  [
    ['sweep', 'plan', file('zip.yaml', 'zip: [{ k: [5, 50], groups: [1] }]')],
    'zip.yaml: zip[0].groups: zipped lists must have equal lengths: groups has 1 values, k has 2',
  ],
  [
    ['sweep', 'plan', file('dup.yaml', 'grid: { k: [1, 5, 1] }')],
    'dup.yaml: grid.k[2]: the value 1 appears twice',
  ],
  [
    ['sweep', 'plan', file('metric.yaml', 'metrics: [nll, loss]')],
    "metric.yaml: metrics[1]: 'loss' is not a metric. Valid metrics: nll, elbo, kl, mutualInformation, activeUnits, perplexity, seconds, steps",
  ],
  [
    ['sweep', 'plan', file('plot.yaml', 'grid: { k: [1, 5] }\nplot: { x: lr, metric: nll }')],
    "plot.yaml: plot.x: 'lr' is not an axis of the sweep. Valid axes: k",
  ],
  [['sweep', 'plan', file('yaml.yaml', 'grid: { k: [1, 5 }')], 'yaml.yaml: not valid YAML (line 1'],
  [
    ['sweep', 'run', file('typo2.yaml', 'grid: { objectiv: [elbo] }'), '--out', never],
    'typo2.yaml: grid.objectiv: not a TrainConfig key',
  ],
  [['sweep', 'run', good], 'vaekit sweep run needs --out <dir>'],
  [['sweep', 'run', '--out', never], 'vaekit sweep run takes one <file>, a sweep file, got none'],
  [
    ['sweep', 'run', good, '--out', never, '--workers', '0'],
    "invalid value '0' for '--workers': expected an integer >= 1 and <= 256",
  ],
  [
    ['sweep', 'run', good, '--out', never, '--workers', '1.5'],
    "invalid value '1.5' for '--workers': expected an integer >= 1 and <= 256",
  ],
  [
    ['sweep', 'run', good, '--out', never, '--worker', '2'],
    "unknown option '--worker'. Did you mean '--workers'?",
  ],
  [
    ['sweep', 'run', good, '--out', other],
    `--out ${other}: holds another sweep: grid (its axes or their order) differ from its sweep.yaml`,
  ],
  [
    ['sweep', 'run', good, '--out', notSweep],
    `--out ${notSweep}: is not empty and holds no sweep.yaml: it is not a sweep directory`,
  ],
  [['sweep', 'run', good, '--out', good], `--out ${good}: is a file, not a sweep directory`],
  [['sweep', 'results'], "vaekit sweep results takes one <dir>, a directory of 'vaekit sweep run'"],
  [['sweep', 'results', never], `sweep directory '${never}' does not exist`],
  [
    ['sweep', 'results', notSweep],
    `'${notSweep}' is not a sweep directory (no sweep.yaml); expected the --out of 'vaekit sweep run'`,
  ],
];

describe('vaekit sweep: bad input', () => {
  it.each(CASES)('%j exits 2, names the problem, and writes nothing', async (argv, message) => {
    const before = snapshotDir(root);
    const { code, stdout, stderr } = await vaekit(...argv);
    expect(stderr).toContain(message);
    expect(code).toBe(2);
    expect(stderr).toMatch(/Run 'vaekit sweep --help' for usage\./);
    expect(stdout).toBe('');
    expect(snapshotDir(root)).toEqual(before);
  });

  it('prints help for the command and each subcommand', async () => {
    for (const argv of [
      ['sweep'],
      ['sweep', '--help'],
      ['sweep', 'plan', '--help'],
      ['sweep', 'run', '--help'],
      ['sweep', 'results', '--help'],
    ]) {
      const { code, stdout } = await vaekit(...argv);
      expect(code, argv.join(' ')).toBe(0);
      expect(stdout).toMatch(/^Usage: vaekit sweep/);
    }
    expect((await vaekit('sweep', 'run', '--help')).stdout).toContain('--workers <n>');
  });
});
