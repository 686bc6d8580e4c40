import * as tf from '@tensorflow/tfjs-core';
import { LATENT_FAMILIES, latentPath, posteriorCenter } from '@vaekit/core';
import { UsageError, describeRange } from '../flags';
import { writeDecoded } from './output';
import { runCommand } from './run-command';

/** `vaekit interpolate <run>`: decode a path between two test inputs. */
export const interpolateCommand = runCommand({
  name: 'interpolate',
  summary: `Encode two test examples, then decode evenly spaced points between their posterior centres:
linear for Euclidean latents, spherical (slerp) for latents on the sphere (vMF). --from and --to
index the test split (0 to its size - 1, checked once the run is opened, before anything is
written). --out must end in .png for an image run and .txt for a text run ('-', standard
output, is for text only). Without --out, images go to <run>/interpolation.png and text to
standard output.`,
  output: 'decoded',
  flags: [
    {
      name: 'from',
      type: 'integer',
      placeholder: '<i>',
      min: 0,
      help: 'index of the first test example (default 0)',
    },
    {
      name: 'to',
      type: 'integer',
      placeholder: '<j>',
      min: 0,
      help: 'index of the second test example (default 1)',
    },
    {
      name: 'steps',
      type: 'integer',
      placeholder: '<n>',
      min: 2,
      max: 1000,
      help: 'points on the path, ends included (default 10)',
    },
    {
      name: 'out',
      type: 'string',
      placeholder: '<file>',
      help: 'output file: .png (image runs), .txt or - (text runs)',
    },
  ],
  examples: [
    'vaekit interpolate runs/mnist-bn-elbo-20261121-120000 --from 3 --to 7',
    'vaekit interpolate runs/brown-vmf-elbo-20261121-130000 --steps 6',
  ],
  validate({ data }, values) {
    const defaults = { from: 0, to: 1 };
    for (const name of ['from', 'to'] as const) {
      const v = (values[name] as number | undefined) ?? defaults[name];
      const max = data.test.size - 1;
      if (v > max) {
        throw new UsageError(
          `invalid value '${v}' for '--${name}': expected ${describeRange({ name, type: 'integer', help: '', min: 0, max })} (the test split has ${data.test.size} examples)`,
        );
      }
    }
  },
  run({ run, data, model, config }, values, ctx) {
    const from = (values['from'] as number | undefined) ?? 0;
    const to = (values['to'] as number | undefined) ?? 1;
    const steps = (values['steps'] as number | undefined) ?? 10;
    const all = data.test.head(Math.max(from, to) + 1);
    const x = tf.gather(all, [from, to]);
    all.dispose();
    const path = tf.tidy(() => {
      const centres = posteriorCenter(model.encode(x, { training: false }));
      const [a, b] = [
        tf.squeeze(tf.slice(centres, 0, 1), [0]),
        tf.squeeze(tf.slice(centres, 1, 1), [0]),
      ];
      return latentPath(
        a as tf.Tensor1D,
        b as tf.Tensor1D,
        steps,
        LATENT_FAMILIES.get(config.latent).spherical,
      );
    });
    x.dispose();
    try {
      writeDecoded(
        model.decodeLatents(path),
        values['out'] as string | undefined,
        steps,
        ctx,
        run.file('interpolation.png'),
      );
    } finally {
      path.dispose();
    }
  },
});
