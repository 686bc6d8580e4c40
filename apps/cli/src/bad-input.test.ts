import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TINY, TINY_TEXT, snapshotDir, vaekit } from './test-support';

// Every command over a run refuses bad input with exit code 2, a message naming the flag (or
// the argument) and what it accepts, and writes nothing: not in the run directories, not at
// --out. Placeholders: IMAGE and TEXT are the two runs, OUT/<name> a file in an empty directory.

const root = mkdtempSync(join(tmpdir(), 'vaekit-bad-input-'));
const runs = { IMAGE: join(root, 'image'), TEXT: join(root, 'text') };
const outDir = join(root, 'out');
const notARun = join(root, 'not-a-run');
afterAll(() => rmSync(root, { recursive: true, force: true }));

beforeAll(async () => {
  mkdirSync(outDir);
  mkdirSync(notARun);
  for (const [run, flags] of [
    [runs.IMAGE, TINY],
    [runs.TEXT, TINY_TEXT],
  ] as const) {
    const { code, stderr } = await vaekit(
      'train',
      ...flags,
      '--eval-examples',
      '16',
      '--eval-k',
      '5',
      '--out',
      run,
      '--quiet',
    );
    expect(code, stderr).toBe(0);
  }
}, 240_000);

const between = (flag: string, lo: number, hi: number) => [
  `'--${flag}'`,
  `expected an integer >= ${lo} and <= ${hi}`,
];
const OUT_IMAGE = ["'--out'", 'expected a file name ending in .png'];
const OUT_TEXT = ["'--out'", "expected a file name ending in .txt, or '-' for standard output"];

/** [argv, what stderr must contain]. */
const ROWS: [string[], string[]][] = [
  // The run directory itself.
  [['eval'], ['takes one run directory <run>', "written by 'vaekit train'"]],
  [['eval', 'IMAGE', 'TEXT'], ['takes one run directory <run>']],
  [
    ['sample', join(root, 'missing')],
    ['does not exist', 'expected <run>'],
  ],
  [
    ['reconstruct', notARun],
    ['is not a vaekit run directory', 'expected <run>'],
  ],
  [
    ['encode', join(runs.IMAGE, 'config.json')],
    ['is not a directory', 'expected <run>'],
  ],
  [
    ['evl', 'IMAGE'],
    ["unknown command 'evl'. Did you mean 'eval'?", 'Valid commands: train, eval'],
  ],
  [['interpolate', 'IMAGE', '--stpes', '3'], ["unknown option '--stpes'. Did you mean '--steps'?"]],

  // eval
  [['eval', 'IMAGE', '--examples', '0'], between('examples', 1, 10_000_000)],
  [['eval', 'IMAGE', '--examples', '-5'], between('examples', 1, 10_000_000)],
  [
    ['eval', 'IMAGE', '--examples='],
    ["invalid value '' for '--examples'", 'expected an integer'],
  ],
  [['eval', 'IMAGE', '--k', '1e9'], between('k', 1, 100_000)],
  [['eval', 'IMAGE', '--k', '0'], between('k', 1, 100_000)],
  [['eval', 'IMAGE', '--k', '0x10'], between('k', 1, 100_000)],
  [['eval', 'IMAGE', '--k', '0o17'], between('k', 1, 100_000)],
  [['eval', 'IMAGE', '--k', '0b11'], between('k', 1, 100_000)],
  [['eval', 'IMAGE', '--k', 'Infinity'], between('k', 1, 100_000)],
  [['eval', 'IMAGE', '--k', 'NaN'], between('k', 1, 100_000)],
  [['eval', 'IMAGE', '--k', ' '], between('k', 1, 100_000)],
  [['eval', 'IMAGE', '--k', '2.5'], between('k', 1, 100_000)],
  [['eval', 'IMAGE', '--k'], ["option '--k' needs a value"]],
  [['eval', 'TEXT', '--batch-size', '0'], between('batch-size', 1, 10_000)],
  [['eval', 'TEXT', '--batch-size', '10001'], between('batch-size', 1, 10_000)],
  [
    ['eval', 'IMAGE', '--split', 'train'],
    ["'--split'", 'expected one of test, validation'],
  ],
  [['eval', 'IMAGE', '--seed', '-1'], between('seed', 0, 4_294_967_295)],
  [['eval', 'IMAGE', '--seed', '4294967296'], between('seed', 0, 4_294_967_295)],
  [
    ['eval', 'IMAGE', '--backend', 'tpu'],
    ["'--backend'", 'expected one of auto, node-gpu'],
  ],
  [['eval', 'IMAGE', '--out', 'OUT/e.json'], ["unknown option '--out'"]],

  // sample
  [['sample', 'IMAGE', '--n', '0'], between('n', 1, 10_000)],
  [['sample', 'IMAGE', '--n', '10001'], between('n', 1, 10_000)],
  [['sample', 'IMAGE', '--n', '-1'], between('n', 1, 10_000)],
  [
    ['sample', 'IMAGE', '--out', '-'],
    ['cannot write a PNG image to standard output', ...OUT_IMAGE],
  ],
  [
    ['sample', 'IMAGE', '--out', 'OUT/x.txt'],
    ['image runs write a PNG image grid', ...OUT_IMAGE],
  ],
  [
    ['sample', 'TEXT', '--out', 'OUT/x.png'],
    ['text runs write sentences as text', ...OUT_TEXT],
  ],
  [
    ['sample', 'TEXT', '--out', 'OUT/x.jpg'],
    ["'--out'", '.png (image runs), or .txt (text runs)'],
  ],
  [
    ['sample', 'IMAGE', '--out', 'OUT'],
    ["'--out'", 'is a directory'],
  ],
  [
    ['sample', 'IMAGE', '--out', 'OUT/missing/x.png'],
    ["'--out'", 'does not exist'],
  ],
  [
    ['sample', 'IMAGE', '--out='],
    ["invalid value '' for '--out'", 'expected a non-empty <file>'],
  ],

  // reconstruct
  [['reconstruct', 'IMAGE', '--n', '0'], between('n', 1, 1000)],
  [['reconstruct', 'IMAGE', '--n', '1e4'], between('n', 1, 1000)],
  [['reconstruct', 'TEXT', '--out', 'OUT/r.png'], OUT_TEXT],
  [
    ['reconstruct', 'IMAGE', '--out', 'OUT/r.csv'],
    ["'--out'", '.png (image runs)'],
  ],

  // interpolate
  [
    ['interpolate', 'IMAGE', '--from', '-1'],
    ["'--from'", 'expected an integer >= 0'],
  ],
  [
    ['interpolate', 'IMAGE', '--to', '1000000'],
    [...between('to', 0, 9999), 'test split has'],
  ],
  [
    ['interpolate', 'TEXT', '--from', '99999'],
    ["'--from'", 'expected an integer >= 0 and <='],
  ],
  [['interpolate', 'IMAGE', '--steps', '1'], between('steps', 2, 1000)],
  [['interpolate', 'IMAGE', '--steps', '1001'], between('steps', 2, 1000)],
  [['interpolate', 'IMAGE', '--steps', '0x10'], between('steps', 2, 1000)],
  [
    ['interpolate', 'IMAGE', '--out', '-'],
    ['cannot write a PNG image', ...OUT_IMAGE],
  ],

  // encode
  [['encode', 'IMAGE', '--n', '-1'], between('n', 1, 10_000_000)],
  [['encode', 'IMAGE', '--n', '0'], between('n', 1, 10_000_000)],
  [
    ['encode', 'IMAGE', '--split', 'all'],
    ["'--split'", 'expected one of test, validation, train'],
  ],
  [
    ['encode', 'IMAGE', '--format', 'xml'],
    ["'--format'", 'expected one of json, csv'],
  ],
  [
    ['encode', 'TEXT', '--out', 'OUT/codes.png'],
    ["'--out'", 'expected a file name ending in .json or .csv'],
  ],
  [
    ['encode', 'IMAGE', '--format', 'csv', '--out', 'OUT/c.json'],
    ['--format csv does not match --out', 'ending in .csv'],
  ],
];

describe('bad input: exit 2, a message naming the flag and its valid values, nothing written', () => {
  it.each(ROWS)('vaekit %j', async (argv, needles) => {
    const args = argv.map((a) =>
      a === 'IMAGE' || a === 'TEXT' ? runs[a] : a.replace(/^OUT/, outDir),
    );
    const before = snapshotDir(root);
    const { code, stdout, stderr } = await vaekit(...args);
    expect(code, stderr).toBe(2);
    for (const needle of needles) expect(stderr).toContain(needle);
    expect(stderr).toMatch(/Run 'vaekit (\w+ )?--help' for usage\./);
    expect(stdout).toBe('');
    expect(snapshotDir(root)).toEqual(before);
    expect(readdirSync(outDir)).toEqual([]);
    expect(existsSync('-')).toBe(false);
  });
});

describe('outputs that are accepted', () => {
  it("'-' and .txt take sentences and codes; files are whole and named in the output", async () => {
    const sentences = await vaekit('sample', runs.TEXT, '--n', '3', '--out', '-');
    expect(sentences.code, sentences.stderr).toBe(0);
    expect(sentences.stdout.trim().split('\n')).toHaveLength(3);

    const file = join(outDir, 'recon.txt');
    const recon = await vaekit('reconstruct', runs.TEXT, '--n', '2', '--out', file);
    expect(recon.code, recon.stderr).toBe(0);
    expect(recon.stdout).toBe(`wrote ${file}\n`);
    expect(readFileSync(file, 'utf8')).toMatch(/^> .*\n< .*\n> .*\n< .*\n$/);

    const codes = await vaekit('encode', runs.TEXT, '--n', '2', '--out', '-', '--format', 'csv');
    expect(codes.code, codes.stderr).toBe(0);
    expect(codes.stdout.trim().split('\n')).toEqual([
      'z0,z1',
      expect.stringMatching(/^-?[\d.e-]+,-?[\d.e-]+$/),
      expect.stringMatching(/^-?[\d.e-]+,-?[\d.e-]+$/),
    ]);
    // No temporary files left beside the outputs.
    expect(readdirSync(outDir)).toEqual(['recon.txt']);
    rmSync(file);
  });

  it('a count larger than the split is clamped to it, with a note', async () => {
    const before = snapshotDir(runs.IMAGE);
    const { code, stdout, stderr } = await vaekit(
      'encode',
      runs.IMAGE,
      '--split',
      'validation',
      '--n',
      '9000000',
    );
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(
      /note: --n 9000000 is more than the (\d+) examples of the validation split; using all \1/,
    );
    const n = Number(/using all (\d+)/.exec(stderr)![1]);
    expect(JSON.parse(stdout).codes).toHaveLength(n);
    expect(snapshotDir(runs.IMAGE)).toEqual(before);
  });
});
