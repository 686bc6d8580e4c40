import * as tf from '@tensorflow/tfjs-core';
import { LATENT_FAMILIES, latentPath, posteriorCenter } from '@vaekit/core';
import { UsageError } from '../flags';
import { writeDecoded } from './output';
import { runCommand } from './run-command';

/** `vaekit interpolate <run>`: decode a path between two test inputs. */
export const interpolateCommand = runCommand({
  name: 'interpolate',
  summary:
    'Encode two test examples, then decode evenly spaced points between their posterior centres:\nlinear for Euclidean latents, spherical (slerp) for latents on the sphere (vMF).',
  flags: [
    {
      name: 'from',
      type: 'integer',
      placeholder: '<i>',
      help: 'index of the first test example (default 0)',
    },
    {
      name: 'to',
      type: 'integer',
      placeholder: '<j>',
      help: 'index of the second test example (default 1)',
    },
    {
      name: 'steps',
      type: 'integer',
      placeholder: '<n>',
      help: 'points on the path, ends included (default 10)',
    },
    {
      name: 'out',
      type: 'string',
      placeholder: '<file>',
      help: 'output file (default <run>/interpolation.png; text to stdout)',
    },
  ],
  examples: [
    'vaekit interpolate runs/mnist-bn-elbo-20261121-120000 --from 3 --to 7',
    'vaekit interpolate runs/brown-vmf-elbo-20261121-130000 --steps 6',
  ],
  run({ run, data, model, config }, values, ctx) {
    const from = (values['from'] as number | undefined) ?? 0;
    const to = (values['to'] as number | undefined) ?? 1;
    const steps = (values['steps'] as number | undefined) ?? 10;
    for (const [name, v] of [
      ['from', from],
      ['to', to],
    ] as const) {
      if (v < 0 || v >= data.test.size)
        throw new UsageError(`--${name} must be in [0, ${data.test.size}), got ${v}`);
    }
    if (steps < 2) throw new UsageError(`--steps must be >= 2, got ${steps}`);
    const x = data.test.head(Math.max(from, to) + 1);
    const path = tf.tidy(() => {
      const centres = posteriorCenter(model.encode(x, { training: false }));
      const [a, b] = [
        tf.squeeze(tf.slice(centres, from, 1), [0]),
        tf.squeeze(tf.slice(centres, to, 1), [0]),
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
