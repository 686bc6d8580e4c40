import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { vaekit } from './test-support';

const root = mkdtempSync(join(tmpdir(), 'vaekit-train-usage-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const notARun = join(root, 'not-a-run');
mkdirSync(notARun);
writeFileSync(join(notARun, 'notes.txt'), 'mine\n');
const badConfig = join(root, 'bad-config.json');
writeFileSync(badConfig, JSON.stringify({ constructor: 1 }));

/** Each row: the arguments, and what stderr must say (the flag and its valid range or choices). */
const CASES: [string[], string][] = [
  [
    ['--seed', '1e20'],
    "invalid value '1e20' for '--seed': expected an integer >= 0 and <= 4294967295",
  ],
  [['--k', '1e9'], "invalid value '1e9' for '--k': expected an integer >= 1 and <= 100000"],
  [
    ['--latent-dim', '1e9'],
    "invalid value '1e9' for '--latent-dim': expected an integer >= 1 and <= 4096",
  ],
  [
    ['--hidden', '512,1000000000'],
    "for '--hidden': expected a comma-separated list of integers >= 1 and <= 16384",
  ],
  [
    ['--latent', 'vmf', '--kappa', '1e30'],
    "invalid value '1e30' for '--kappa': expected a number >= 0 and <= 1000000 or 'learned'",
  ],
  [['--gamma', '1e30'], "invalid value '1e30' for '--gamma': expected a number > 0 and <= 1000"],
  [['--gamma', '0'], "invalid value '0' for '--gamma': expected a number > 0 and <= 1000"],
  [
    ['--kappa='],
    "invalid value '' for '--kappa': expected a number >= 0 and <= 1000000 or 'learned'",
  ],
  [
    ['--kappa', 'Infinity'],
    "invalid value 'Infinity' for '--kappa': expected a number >= 0 and <= 1000000 or 'learned'",
  ],
  [
    ['--latent', 'bm'],
    "invalid value 'bm' for '--latent': expected one of gaussian, bn, bn-su, vmf",
  ],
  [
    ['--data', 'cifar'],
    "data: 'cifar' is not one of mnist, fashion-mnist, idx:<dir>, brown, text:<file>",
  ],
  [['--data', 'idx:'], "data: 'idx:' needs a directory: write idx:<dir>"],
  [
    ['--latent', 'vmf', '--latent-dim', '1'],
    '--latent-dim: --latent vmf needs latentDim >= 2, got 1',
  ],
  [['--tau', '1'], "invalid value '1' for '--tau': expected a number > 0 and < 1"],
  [
    ['--batch-size', '1'],
    "invalid value '1' for '--batch-size': expected an integer >= 2 and <= 1000000",
  ],
  [['--config', badConfig], "unknown config key 'constructor'"],
  [['--config', join(root, 'missing.json')], 'cannot read config file'],
  [['--resume', join(root, 'nowhere')], `--resume ${join(root, 'nowhere')}: no such directory`],
  [['--resume', notARun], `--resume ${notARun}: not a vaekit run directory`],
  [['--out', notARun], `--out ${notARun} is not empty and is not a vaekit run`],
  [['--epochs', '0'], '--epochs: set epochs >= 1 or maxSteps >= 1 (both are 0)'],
];

describe('vaekit train: bad input', () => {
  it.each(CASES)(
    '%j exits 2, names the flag and its range, and writes nothing',
    async (argv, message) => {
      const before = readdirSync(root).sort();
      const hasOut = argv.includes('--out') || argv.includes('--resume');
      const { code, stderr } = await vaekit(
        'train',
        ...argv,
        ...(hasOut ? [] : ['--out', join(root, 'never')]),
      );
      expect(code, stderr).toBe(2);
      expect(stderr).toContain(message);
      expect(readdirSync(root).sort()).toEqual(before);
      expect(readdirSync(notARun)).toEqual(['notes.txt']);
    },
  );

  it('names settings that have no effect with the chosen model', async () => {
    const out = join(root, 'ignored');
    const { code, stderr } = await vaekit(
      'train',
      '--latent',
      'bn',
      '--kappa',
      '20',
      '--groups',
      '2',
      '--k',
      '2',
      '--hidden',
      '8',
      '--latent-dim',
      '2',
      '--max-steps',
      '1',
      '--eval-k',
      '2',
      '--eval-examples',
      '8',
      '--out',
      out,
    );
    expect(code, stderr).toBe(0);
    expect(stderr).toContain('note: --kappa has no effect here: it applies to --latent vmf');
    expect(stderr).toContain('note: --groups has no effect here: it applies to --objective miwae');
    rmSync(out, { recursive: true, force: true });
  });
});
