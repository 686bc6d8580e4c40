/**
 * Peak memory of `vaekit train` and `vaekit eval`, each a process of its own (peak resident set
 * from GNU time), as K and the number of evaluated examples grow: the NLL is evaluated in chunks
 * of bounded size (`nllChunkSize`), so memory should not grow with either.
 *
 *   node --conditions=@vaekit/source --import tsx bench/memory.ts
 *
 * Models: the MLP VAE of the suite (784-512-256-32, MNIST) and an LSTM text VAE (Brown corpus,
 * vocabulary 5,000, sentences of <= 30 words), each trained for a few steps (memory, not quality,
 * is measured). Needs /usr/bin/time (Debian package `time`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync('/usr/bin/time'))
  throw new Error('bench/memory.ts needs /usr/bin/time (apt-get install time)');
const dir = mkdtempSync(join(tmpdir(), 'vaekit-memory-'));

/** Run the CLI under GNU time: wall seconds and peak resident set (MiB). */
function vaekit(args: string[]): { seconds: number; peakMiB: number } {
  const started = performance.now();
  const r = spawnSync(
    '/usr/bin/time',
    [
      '-f',
      'peak-rss-kib %M',
      process.execPath,
      '--conditions=@vaekit/source',
      '--import',
      'tsx',
      'apps/cli/src/bin.ts',
      ...args,
    ],
    { cwd: root, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 },
  );
  const seconds = (performance.now() - started) / 1000;
  const match = /peak-rss-kib (\d+)/.exec(r.stderr);
  if (r.status !== 0 || !match) {
    throw new Error(
      `vaekit ${args.join(' ')} failed (exit ${r.status}):\n${r.stderr.slice(-2000)}`,
    );
  }
  return { seconds, peakMiB: Number(match[1]) / 1024 };
}

const rows: string[] = [
  '| command | K | examples | wall (s) | peak RSS (MiB) |',
  '|---|---:|---:|---:|---:|',
];
function row(
  what: string,
  k: number | string,
  examples: number | string,
  m: { seconds: number; peakMiB: number },
) {
  rows.push(
    `| ${what} | ${k} | ${examples} | ${m.seconds.toFixed(1)} | ${Math.round(m.peakMiB).toLocaleString('en')} |`,
  );
  console.log(rows.at(-1));
}

try {
  const image = join(dir, 'image');
  row(
    '`vaekit train` MNIST MLP, 100 steps of 128',
    10,
    100,
    vaekit([
      'train',
      '--data',
      'mnist',
      '--hidden',
      '512,256',
      '--latent-dim',
      '32',
      '--batch-size',
      '128',
      '--max-steps',
      '100',
      '--eval-k',
      '10',
      '--eval-examples',
      '100',
      '--out',
      image,
    ]),
  );
  for (const [k, n] of [
    [50, 500],
    [500, 500],
    [5000, 500],
    [500, 5000],
  ] as const) {
    row(
      '`vaekit eval` MNIST MLP',
      k,
      n,
      vaekit(['eval', image, '--k', String(k), '--examples', String(n)]),
    );
  }
  const text = join(dir, 'text');
  row(
    '`vaekit train` Brown LSTM, 20 steps of 32',
    10,
    64,
    vaekit([
      'train',
      '--data',
      'brown',
      '--hidden',
      '64',
      '--embedding',
      '32',
      '--latent-dim',
      '16',
      '--vocab-size',
      '5000',
      '--max-length',
      '30',
      '--batch-size',
      '32',
      '--max-steps',
      '20',
      '--eval-k',
      '10',
      '--eval-examples',
      '64',
      '--out',
      text,
    ]),
  );
  for (const [k, n] of [
    [20, 64],
    [100, 64],
    [500, 64],
    [100, 640],
  ] as const) {
    row(
      '`vaekit eval` Brown LSTM (batch 32)',
      k,
      n,
      vaekit(['eval', text, '--k', String(k), '--examples', String(n), '--batch-size', '32']),
    );
  }
  console.log(`\n${rows.join('\n')}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
