import { sampleFromPrior } from '@vaekit/core';
import { writeDecoded } from './output';
import { runCommand } from './run-command';

/** `vaekit sample <run>`: decode draws from the prior. */
export const sampleCommand = runCommand({
  name: 'sample',
  summary:
    'Decode samples z ~ p(z) from the prior: an image grid PNG (pixel means), or sentences\n(greedy decoding) for text models.',
  flags: [
    {
      name: 'n',
      type: 'integer',
      placeholder: '<n>',
      help: 'number of samples (default 64 images, 10 sentences)',
    },
    {
      name: 'out',
      type: 'string',
      placeholder: '<file>',
      help: 'output file (default <run>/samples.png; sentences go to stdout)',
    },
  ],
  examples: [
    'vaekit sample runs/mnist-bn-elbo-20261121-120000 --n 100 --out samples.png',
    'vaekit sample runs/brown-bn-elbo-20261121-130000 --n 5 --seed 3',
  ],
  run({ run, model }, values, ctx) {
    const n = (values['n'] as number | undefined) ?? (model.kind === 'image' ? 64 : 10);
    const decoded = sampleFromPrior(model, n, (values['seed'] as number | undefined) ?? 0);
    writeDecoded(
      decoded,
      values['out'] as string | undefined,
      Math.ceil(Math.sqrt(n)),
      ctx,
      run.file('samples.png'),
    );
  },
});
