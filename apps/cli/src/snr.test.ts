import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SNR_ESTIMATORS, parseEstimators, snrObjectiveOptions } from './commands/snr';
import { TINY, snapshotDir, vaekit } from './test-support';

const root = mkdtempSync(join(tmpdir(), 'vaekit-snr-'));
const run = join(root, 'run');
const outDir = join(root, 'out');
afterAll(() => rmSync(root, { recursive: true, force: true }));

beforeAll(async () => {
  mkdirSync(outDir);
  const { code, stderr } = await vaekit(
    'train',
    ...TINY,
    '--eval-examples',
    '16',
    '--eval-k',
    '5',
    '--out',
    run,
    '--quiet',
  );
  expect(code, stderr).toBe(0);
}, 120_000);

interface NetworkSNR {
  snr: number | null;
  median: number | null;
  parameters: number;
}

describe('vaekit snr', () => {
  it('writes the SNR of both networks for every estimator and K, with a line each', async () => {
    const out = join(outDir, 'snr.json');
    const { code, stdout, stderr } = await vaekit(
      'snr',
      run,
      '--k',
      '1,4',
      '--draws',
      '5',
      '--examples',
      '4',
      '--seed',
      '3',
      '--out',
      out,
    );
    expect(code, stderr).toBe(0);
    const record = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown> & {
      results: Record<string, unknown>[];
    };
    expect(Object.keys(record).sort()).toEqual(
      ['draws', 'examples', 'innerK', 'results', 'run', 'seed', 'split', 'step'].sort(),
    );
    expect(record).toMatchObject({
      split: 'test',
      examples: 4,
      draws: 5,
      seed: 3,
      innerK: 1,
      step: 4,
    });
    expect(record.results.map((r) => `${r['estimator']}:${r['k']}`)).toEqual(
      SNR_ESTIMATORS.flatMap((e) => [`${e}:1`, `${e}:4`]),
    );
    for (const r of record.results) {
      const grouped = r['estimator'] === 'miwae' || r['estimator'] === 'piwae';
      expect(r['groups']).toBe(grouped ? r['k'] : undefined);
      expect(r['seconds']).toBeGreaterThanOrEqual(0);
      for (const network of ['encoder', 'decoder']) {
        const s = r[network] as NetworkSNR;
        expect(Object.keys(s).sort()).toEqual(['median', 'parameters', 'snr']);
        expect(s.parameters).toBeGreaterThan(0);
        expect(s.snr).toBeGreaterThan(0);
        expect(s.median).toBeGreaterThan(0);
      }
    }
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toContain('gradient SNR of');
    expect(lines[1]).toMatch(/^estimator/);
    expect(lines.slice(2, -1).map((l) => l.split(/\s+/).slice(0, 2).join(':'))).toEqual(
      SNR_ESTIMATORS.flatMap((e) => [`${e}:1`, `${e}:4`]),
    );
    expect(lines.at(-1)).toBe(`wrote ${out}`);
  });

  it('writes <run>/snr-step<S>.json by default, with the grouped estimators in groups of --inner-k', async () => {
    const { code, stderr } = await vaekit(
      'snr',
      run,
      '--k',
      '4',
      '--estimators',
      'piwae,miwae',
      '--inner-k',
      '2',
      '--draws',
      '2',
      '--examples',
      '2',
    );
    expect(code, stderr).toBe(0);
    const record = JSON.parse(readFileSync(join(run, 'snr-step4.json'), 'utf8')) as {
      innerK: number;
      results: { estimator: string; k: number; groups: number }[];
    };
    expect(record.innerK).toBe(2);
    expect(record.results.map((r) => [r.estimator, r.k, r.groups])).toEqual([
      ['piwae', 4, 2],
      ['miwae', 4, 2],
    ]);
  });

  it.each([
    [
      ['--k', '0'],
      ["invalid value '0' for '--k'", 'integers >= 1 and <= 100000'],
    ],
    [
      ['--k', '1,200000'],
      ["'--k'", 'integers >= 1 and <= 100000'],
    ],
    [
      ['--estimators', 'foo'],
      ["'--estimators'", "unknown estimator 'foo'", 'iwae, dreg, miwae, piwae'],
    ],
    [
      ['--inner-k', '3', '--k', '4'],
      ["invalid value '4' in '--k'", 'not divisible by --inner-k 3'],
    ],
    [
      ['--draws', '1'],
      ["'--draws'", 'expected an integer >= 2 and <= 100000'],
    ],
    [
      ['--examples', '0'],
      ["'--examples'", 'expected an integer >= 1 and <= 10000'],
    ],
    [
      ['--out', 'snr.csv'],
      ["'--out'", 'expected a file name ending in .json'],
    ],
  ])('exits 2 on %j, naming the flag, and writes nothing', async (argv, messages) => {
    const before = snapshotDir(root);
    const { code, stderr } = await vaekit('snr', run, ...argv);
    expect(code).toBe(2);
    for (const m of messages) expect(stderr).toContain(m);
    expect(snapshotDir(root)).toEqual(before);
  });

  it('has --help with every flag and its range, and is listed in the main help', async () => {
    const { code, stdout } = await vaekit('snr', '--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: vaekit snr <run>/);
    for (const flag of ['--k', '--estimators', '--inner-k', '--examples', '--draws', '--out'])
      expect(stdout).toContain(flag);
    expect((await vaekit('--help')).stdout).toContain('snr <run>');
  });

  it('builds the objective options of each estimator', () => {
    expect(snrObjectiveOptions('iwae', 5, 1)).toEqual({ objective: 'iwae', k: 5, training: false });
    expect(snrObjectiveOptions('dreg', 5, 1)).toMatchObject({ gradientEstimator: 'dreg', k: 5 });
    expect(snrObjectiveOptions('miwae', 6, 3)).toMatchObject({ objective: 'miwae', groups: 2 });
    expect(snrObjectiveOptions('piwae', 6, 1)).toMatchObject({ objective: 'piwae', groups: 6 });
    expect(() => snrObjectiveOptions('piwae', 6, 4)).toThrow(/not divisible/);
    expect(parseEstimators('dreg, iwae,dreg')).toEqual(['dreg', 'iwae']);
    expect(existsSync(join(outDir, 'snr.csv'))).toBe(false);
  });
});
