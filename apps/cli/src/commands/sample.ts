import { sampleFromPrior } from '@vaekit/core';
import { writeDecoded } from './output';
import { runCommand } from './run-command';

/** `vaekit sample <run>`: decode draws from the prior. */
export const sampleCommand = runCommand({
  name: 'sample',
  summary: `Decode samples z ~ p(z) from the prior: an image grid PNG (pixel means), or sentences
(greedy decoding) for text models. --out must end in .png for an image run and .txt for a text
run ('-', standard output, is for sentences only). Without --out, images go to
<run>/samples-n<n>-seed<seed>.png (never over the samples.png 'vaekit train' wrote) and
sentences to standard output. Files are replaced whole (written to a temporary file, then
renamed).`,
  output: 'decoded',
  flags: [
    {
      name: 'n',
      type: 'integer',
      placeholder: '<n>',
      min: 1,
      max: 10_000,
      help: 'number of samples (default 64 images, 10 sentences)',
    },
    {
      name: 'out',
      type: 'string',
      placeholder: '<file>',
      help: 'output file: .png (image runs), .txt or - (text runs)',
    },
  ],
  examples: [
    'vaekit sample runs/mnist-bn-elbo-20261121-120000 --n 100 --out samples.png',
    'vaekit sample runs/brown-bn-elbo-20261121-130000 --n 5 --seed 3',
    'vaekit sample runs/brown-bn-elbo-20261121-130000 --n 100 --out sentences.txt',
  ],
  run({ run, model }, values, ctx) {
    const n = (values['n'] as number | undefined) ?? (model.kind === 'image' ? 64 : 10);
    const seed = (values['seed'] as number | undefined) ?? 0;
    const decoded = sampleFromPrior(model, n, seed);
    writeDecoded(
      decoded,
      values['out'] as string | undefined,
      Math.ceil(Math.sqrt(n)),
      ctx,
      run.file(`samples-n${n}-seed${seed}.png`),
    );
  },
});
