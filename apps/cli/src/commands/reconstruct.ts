import * as tf from '@tensorflow/tfjs-core';
import { reconstruct } from '@vaekit/core';
import { writeDecoded } from './output';
import { clampToSplit, runCommand } from './run-command';

/** `vaekit reconstruct <run>`: encode test examples and decode their posterior centres. */
export const reconstructCommand = runCommand({
  name: 'reconstruct',
  summary: `Encode the first n test examples and decode the centre of each posterior (mean, or mean
direction for vMF). Images: originals in odd rows, reconstructions below. Text: > original,
< reconstruction. --n larger than the test split uses the whole split, with a note. --out must
end in .png for an image run and .txt for a text run ('-', standard output, is for text only).
Without --out, images go to <run>/reconstructions-n<n>.png (never over the reconstructions.png
'vaekit train' wrote) and text to standard output.`,
  output: 'decoded',
  flags: [
    {
      name: 'n',
      type: 'integer',
      placeholder: '<n>',
      min: 1,
      max: 1000,
      help: 'examples (default 32 images, 10 sentences)',
    },
    {
      name: 'out',
      type: 'string',
      placeholder: '<file>',
      help: 'output file: .png (image runs), .txt or - (text runs)',
    },
  ],
  examples: [
    'vaekit reconstruct runs/mnist-bn-elbo-20261121-120000 --n 16',
    'vaekit reconstruct runs/brown-vmf-elbo-20261121-130000',
  ],
  validate({ data, model }, values, ctx) {
    values['n'] = clampToSplit(
      'n',
      (values['n'] as number | undefined) ?? (model.kind === 'image' ? 32 : 10),
      data.test.size,
      'test',
      ctx,
    );
  },
  run({ run, data, model }, values, ctx) {
    const n = values['n'] as number;
    const x = data.test.head(n);
    try {
      const recon = reconstruct(model, x);
      if (model.kind === 'image') {
        const originals = tf
          .tidy(() => tf.unstack(tf.reshape(x, [x.shape[0]!, -1])))
          .map((t) => {
            const v = t.dataSync() as Float32Array;
            t.dispose();
            return v;
          });
        const rows: Float32Array[] = [];
        for (let r = 0; r < originals.length; r += 8) {
          rows.push(...originals.slice(r, r + 8), ...(recon as Float32Array[]).slice(r, r + 8));
        }
        writeDecoded(
          rows,
          values['out'] as string | undefined,
          8,
          ctx,
          run.file(`reconstructions-n${n}.png`),
        );
      } else {
        const ids = x.arraySync() as number[][];
        const lines = ids.map(
          (row, i) => `> ${data.vocabulary!.decode(row).join(' ')}\n< ${(recon as string[])[i]}`,
        );
        writeDecoded(lines, values['out'] as string | undefined, 1, ctx, '');
      }
    } finally {
      x.dispose();
    }
  },
});
