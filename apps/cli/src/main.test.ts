import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TINY, vaekit } from './test-support';

const root = mkdtempSync(join(tmpdir(), 'vaekit-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('vaekit', () => {
  it('prints help for every command, with examples', async () => {
    const top = await vaekit('--help');
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/^Usage: vaekit <command>/);
    for (const command of ['train', 'eval', 'sample', 'reconstruct', 'interpolate', 'encode']) {
      const { code, stdout } = await vaekit(command, '--help');
      expect(code, command).toBe(0);
      expect(stdout).toMatch(new RegExp(`^Usage: vaekit ${command}`));
      expect(stdout).toContain('Examples:');
    }
  });

  it.each([
    [
      ['frobnicate'],
      "unknown command 'frobnicate'. Valid commands: train, eval, sample, reconstruct, interpolate, encode",
    ],
    [['train', '--latnt', 'bn'], "unknown option '--latnt'. Did you mean '--latent'?"],
    [
      ['train', '--latent', 'bm'],
      "invalid value 'bm' for '--latent': expected one of gaussian, bn, bn-su, vmf",
    ],
    [
      ['train', '--objective', 'miwae', '--k', '10', '--groups', '3'],
      '--groups: k = 10 is not divisible by groups = 3',
    ],
    [['train', '--k', 'many'], "invalid value 'many' for '--k': expected an integer"],
    [['train', '--kl-anneal', 'sigmoid'], '--kl-anneal: schedule must be one of'],
    [['eval'], 'vaekit eval takes one run directory <run>'],
  ])('exits 2 on bad usage %j, naming the problem and writing nothing', async (argv, message) => {
    const before = readdirSync(root).length;
    const out = argv[0] === 'train' ? ['--out', join(root, 'never')] : [];
    const { code, stderr } = await vaekit(...argv, ...out);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(readdirSync(root).length).toBe(before);
  });

  describe('on a trained run', () => {
    const run = join(root, 'run');
    beforeAll(async () => {
      const { code, stdout, stderr } = await vaekit(
        'train',
        ...TINY,
        '--eval-examples',
        '32',
        '--out',
        run,
        '--quiet',
      );
      expect(code, stderr).toBe(0);
      expect(stdout).toMatch(/done after 4 steps/);
    }, 120_000);

    it('train left a usable run directory', () => {
      for (const f of [
        'config.json',
        'metrics.jsonl',
        'eval.json',
        'samples.png',
        'reconstructions.png',
        'curves.svg',
        'curves.png',
        'model/model.json',
      ]) {
        expect(existsSync(join(run, f)), f).toBe(true);
      }
    });

    it('eval prints the metrics, writes them, and replaces eval.json only by a more thorough one', async () => {
      const trained = readFileSync(join(run, 'eval.json'), 'utf8');
      expect(JSON.parse(trained)).toMatchObject({ split: 'test', examples: 32, k: 100 });
      const quick = await vaekit('eval', run, '--k', '8', '--examples', '40');
      expect(quick.code).toBe(0);
      expect(quick.stdout).toMatch(/NLL\s+\d+\.\d+ nats/);
      expect(quick.stdout).toMatch(/active units\s+\d \/ 2/);
      expect(quick.stdout).toMatch(
        /kept .*eval\.json \(its evaluation is more thorough: test split, K = 100, 32 examples\)/,
      );
      const written = JSON.parse(readFileSync(join(run, 'eval-test-k8-n40.json'), 'utf8'));
      expect(written).toMatchObject({ split: 'test', examples: 40, k: 8, seed: 0 });
      expect(readFileSync(join(run, 'eval.json'), 'utf8')).toBe(trained);

      const thorough = await vaekit('eval', run, '--k', '100', '--examples', '40');
      expect(thorough.code).toBe(0);
      expect(thorough.stdout).toMatch(/wrote .*eval-test-k100-n40\.json and .*eval\.json/);
      const replaced = JSON.parse(readFileSync(join(run, 'eval.json'), 'utf8'));
      expect(replaced).toMatchObject({ split: 'test', examples: 40, k: 100 });
      expect(replaced).toEqual(
        JSON.parse(readFileSync(join(run, 'eval-test-k100-n40.json'), 'utf8')),
      );
    });

    it('eval --threads: the same metrics, bit for bit, on 1 and 3 threads', async () => {
      const metrics = async (threads: string) => {
        const r = await vaekit(
          'eval',
          run,
          '--k',
          '20',
          '--examples',
          '40',
          '--batch-size',
          '10',
          '--threads',
          threads,
        );
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).toContain(`${threads === '1' ? '1 thread' : `${threads} threads`})`);
        const {
          seconds: _s,
          threads: used,
          ...rest
        } = JSON.parse(readFileSync(join(run, 'eval-test-k20-n40.json'), 'utf8'));
        expect(used).toBe(Number(threads));
        return rest;
      };
      const one = await metrics('1');
      expect(await metrics('3')).toEqual(one);
      expect(Number.isFinite(one.nll)).toBe(true);
    }, 120_000);

    it('sample, reconstruct and interpolate write PNGs; encode writes CSV', async () => {
      for (const [command, extra] of [
        ['sample', ['--n', '9']],
        ['reconstruct', ['--n', '8']],
        ['interpolate', ['--steps', '5']],
      ] as const) {
        const out = join(root, `${command}.png`);
        const { code } = await vaekit(command, run, ...extra, '--out', out);
        expect(code, command).toBe(0);
        expect(readFileSync(out).subarray(1, 4).toString()).toBe('PNG');
      }
      const csv = join(root, 'codes.csv');
      expect((await vaekit('encode', run, '--n', '5', '--out', csv)).code).toBe(0);
      const lines = readFileSync(csv, 'utf8').trim().split('\n');
      expect(lines[0]).toBe('z0,z1');
      expect(lines.length).toBe(6);
    });

    it('refuses a corrupt checkpoint by its checksum, changing nothing', async () => {
      const copy = join(root, 'corrupt');
      await vaekit('train', ...TINY, '--out', copy, '--quiet');
      const dir = join(copy, 'checkpoint');
      for (const weights of readdirSync(dir).filter((f) => f.endsWith('.bin'))) {
        const bytes = readFileSync(join(dir, weights));
        bytes[bytes.length - 1] ^= 0xff;
        writeFileSync(join(dir, weights), bytes);
      }
      const evalBefore = readFileSync(join(copy, 'eval.json'), 'utf8');
      const { code, stderr } = await vaekit('eval', copy, '--k', '2');
      expect(code).toBe(1);
      expect(stderr).toMatch(/is corrupt: checksum mismatch/);
      expect(readFileSync(join(copy, 'eval.json'), 'utf8')).toBe(evalBefore);
    }, 120_000);

    it('refuses to train into a non-empty directory that is not a run, as bad usage (exit 2)', async () => {
      const other = join(root, 'other');
      await vaekit('train', '--help');
      const { mkdirSync } = await import('node:fs');
      mkdirSync(other);
      writeFileSync(join(other, 'notes.txt'), 'keep me');
      const { code, stderr } = await vaekit('train', ...TINY, '--out', other);
      expect(code).toBe(2);
      expect(stderr).toMatch(/not a vaekit run/);
      expect(readdirSync(other)).toEqual(['notes.txt']);
    });
  });
});
