import { writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { posteriorCenter } from '@vaekit/core';
import { runCommand } from './run-command';

/** `vaekit encode <run>`: posterior centres of a split as JSON or CSV. */
export const encodeCommand = runCommand({
  name: 'encode',
  summary:
    'Write the latent code (posterior mean, or mean direction for vMF) of each example of a split,\nas JSON ({ latentDim, codes: number[][] }) or CSV (one row per example).',
  flags: [
    {
      name: 'split',
      type: 'choice',
      choices: ['test', 'validation', 'train'],
      help: 'data split (default test)',
    },
    { name: 'n', type: 'integer', placeholder: '<n>', help: 'first n examples (default: all)' },
    {
      name: 'format',
      type: 'choice',
      choices: ['json', 'csv'],
      help: 'output format (default: from --out, else json)',
    },
    { name: 'out', type: 'string', placeholder: '<file>', help: 'output file (default stdout)' },
  ],
  examples: [
    'vaekit encode runs/mnist-bn-elbo-20261121-120000 --n 1000 --out codes.csv',
    'vaekit encode runs/brown-bn-elbo-20261121-130000 --format json > codes.json',
  ],
  run({ data, model }, values, ctx) {
    const split = data[(values['split'] as 'test' | 'validation' | 'train' | undefined) ?? 'test'];
    const n = Math.min((values['n'] as number | undefined) ?? split.size, split.size);
    const out = values['out'] as string | undefined;
    const format =
      (values['format'] as string | undefined) ?? (out?.endsWith('.csv') ? 'csv' : 'json');
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
    if (out === undefined || out === '-') ctx.stdout.write(text);
    else {
      writeFileSync(out, text);
      ctx.stdout.write(`wrote ${codes.length} codes to ${out}\n`);
    }
  },
});
