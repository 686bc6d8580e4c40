import * as tf from '@tensorflow/tfjs-core';
import { posteriorCenter } from '@vaekit/trainer';
import { UsageError } from '../flags';
import { writeDecoded } from './output';
import { runCommand } from './run-command';

/**
 * Points between latents `a` and `b`: linear `(1-t) a + t b` for Euclidean latents, or spherical
 * `slerp(a, b; t) = sin((1-t) w)/sin w a + sin(t w)/sin w b` (w the angle between them;
 * Shoemake 1985) for vMF latents, which stays on the sphere.
 */
export function interpolateLatents(
  a: tf.Tensor1D,
  b: tf.Tensor1D,
  steps: number,
  spherical: boolean,
): tf.Tensor2D {
  return tf.tidy(() => {
    const t = tf.reshape(tf.linspace(0, 1, steps), [steps, 1]);
    if (!spherical) return tf.add(tf.mul(tf.sub(1, t), a), tf.mul(t, b)) as tf.Tensor2D;
    const cos = Math.min(1, Math.max(-1, tf.sum(tf.mul(a, b)).dataSync()[0]!));
    const omega = Math.acos(cos);
    if (omega < 1e-6) return tf.add(tf.mul(tf.sub(1, t), a), tf.mul(t, b)) as tf.Tensor2D;
    const wa = tf.div(tf.sin(tf.mul(tf.sub(1, t), omega)), Math.sin(omega));
    const wb = tf.div(tf.sin(tf.mul(t, omega)), Math.sin(omega));
    return tf.add(tf.mul(wa, a), tf.mul(wb, b)) as tf.Tensor2D;
  });
}

/** `vaekit interpolate <run>`: decode a path between two test inputs. */
export const interpolateCommand = runCommand({
  name: 'interpolate',
  summary:
    'Encode two test examples, then decode evenly spaced points between their posterior centres:\nlinear for Gaussian latents, spherical (slerp) for vMF latents.',
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
      return interpolateLatents(a as tf.Tensor1D, b as tf.Tensor1D, steps, config.latent === 'vmf');
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
