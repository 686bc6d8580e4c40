import { extname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { posteriorCenter } from '@vaekit/core';
import { UsageError } from '../flags';
import { writeOutput } from './output';
import { clampToSplit, runCommand } from './run-command';

type Split = 'test' | 'validation' | 'train';

/** `vaekit encode <run>`: posterior centres of a split as JSON or CSV. */
export const encodeCommand = runCommand({
  name: 'encode',
  summary: `Write the latent code (posterior mean, or mean direction for vMF) of each example of a split,
as JSON ({ latentDim, codes: number[][] }) or CSV (one row per example). --out must end in .json
or .csv (the format follows it; a different --format is refused), or be '-' for standard
output. --n larger than the split encodes the whole split, with a note. A file is replaced
whole (written to a temporary file, then renamed).`,
  output: 'codes',
  flags: [
    {
      name: 'split',
      type: 'choice',
      choices: ['test', 'validation', 'train'],
      help: 'data split (default test)',
    },
    {
      name: 'n',
      type: 'integer',
      placeholder: '<n>',
      min: 1,
      max: 10_000_000,
      help: 'first n examples of the split (default: all)',
    },
    {
      name: 'format',
      type: 'choice',
      choices: ['json', 'csv'],
      help: 'output format (default: from --out, else json)',
    },
    {
      name: 'out',
      type: 'string',
      placeholder: '<file>',
      help: 'output file, .json or .csv, or - (default stdout)',
    },
  ],
  examples: [
    'vaekit encode runs/mnist-bn-elbo-20261121-120000 --n 1000 --out codes.csv',
    'vaekit encode runs/brown-bn-elbo-20261121-130000 --format json > codes.json',
  ],
  check(values) {
    const out = values['out'] as string | undefined;
    const format = values['format'] as string | undefined;
    const fromOut = out === undefined || out === '-' ? undefined : extname(out).toLowerCase();
    if (format !== undefined && fromOut !== undefined && fromOut !== `.${format}`) {
      throw new UsageError(
        `--format ${format} does not match --out ${out}: expected a file name ending in .${format}, or leave out --format`,
      );
    }
  },
  validate({ data }, values, ctx) {
    const split = (values['split'] as Split | undefined) ?? 'test';
    values['n'] = clampToSplit(
      'n',
      values['n'] as number | undefined,
      data[split].size,
      split,
      ctx,
    );
  },
  run({ data, model }, values, ctx) {
    const split = data[(values['split'] as Split | undefined) ?? 'test'];
    const n = values['n'] as number;
    const out = (values['out'] as string | undefined) ?? '-';
    const format =
      (values['format'] as string | undefined) ??
      (extname(out).toLowerCase() === '.csv' ? 'csv' : 'json');
    const codes: number[][] = [];
    const all = split.head(n);
    try {
      for (let start = 0; start < n; start += 256) {
        const size = Math.min(256, n - start);
        const z = tf.tidy(() =>
          posteriorCenter(model.encode(tf.slice(all, start, size), { training: false })),
        );
        codes.push(...(z.arraySync() as number[][]));
        z.dispose();
      }
    } finally {
      all.dispose();
    }
    const text =
      format === 'csv'
        ? `${Array.from({ length: model.latentDim }, (_, j) => `z${j}`).join(',')}\n${codes.map((c) => c.join(',')).join('\n')}\n`
        : `${JSON.stringify({ latentDim: model.latentDim, codes })}\n`;
    writeOutput(out, text, ctx);
    if (out !== '-') ctx.stdout.write(`wrote ${codes.length} codes to ${out}\n`);
  },
});
