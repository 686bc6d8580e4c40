import * as tf from '@tensorflow/tfjs-core';
import { DiagonalNormal, HypersphericalUniform, VonMisesFisher } from '@vaekit/distributions';
import { describe, expect, it } from 'vitest';
import type { LatentVariableModel } from './model';
import { disposeObjectiveGradients, objectiveGradients } from './objective-gradients';
import type { ObjectiveOptions } from './objective-options';
import { linearGaussianModel } from './testing';

/**
 * DReG (Tucker et al. 2018) is an unbiased estimator of the IWAE bound's gradient in the encoder's
 * parameters, for any fully reparameterised posterior: E[DReG] = E[reparameterised IWAE]. Checked
 * by Monte Carlo: each call averages B = 400 independent draws (one example repeated), S = 16
 * calls with fixed seeds give a mean and its standard error per encoder coordinate.
 */
const B = 400;
const S = 16;

interface Fixture {
  model: LatentVariableModel;
  encoder: tf.Variable[];
  decoder: tf.Variable[];
  x: tf.Tensor;
}

/** Per encoder coordinate: the mean over S calls and its standard error. */
function encoderGradient(f: Fixture, options: ObjectiveOptions): { mean: number[]; se: number[] } {
  const rows: Float32Array[] = [];
  for (let seed = 1; seed <= S; seed++) {
    const g = objectiveGradients(f.model, f.x, { ...options, seed, training: true }, f);
    rows.push(
      tf.tidy(
        () =>
          tf
            .concat(f.encoder.map((v) => tf.reshape(g.encoderGrads[v.name]!, [-1])))
            .dataSync() as Float32Array,
      ),
    );
    disposeObjectiveGradients(g);
  }
  const n = rows[0]!.length;
  const mean = Array.from({ length: n }, (_, j) => rows.reduce((a, r) => a + r[j]!, 0) / S);
  const se = mean.map((m, j) =>
    Math.sqrt(rows.reduce((a, r) => a + (r[j]! - m) ** 2, 0) / (S - 1) / S),
  );
  return { mean, se };
}

/** The largest |difference| / standard error over the coordinates. */
function worstZ(a: { mean: number[]; se: number[] }, b: { mean: number[]; se: number[] }): number {
  return Math.max(
    ...a.mean.map((m, j) => Math.abs(m - b.mean[j]!) / Math.hypot(a.se[j]!, b.se[j]!)),
  );
}

function vmfFixture(): Fixture & { dispose(): void } {
  const [D, DIM] = [4, 3];
  const E = tf.variable(tf.randomNormal([D, DIM], 0, 0.7, 'float32', 1));
  const e = tf.variable(tf.randomNormal([DIM], 0, 0.1, 'float32', 2));
  const logKappa = tf.variable(tf.scalar(Math.log(5)));
  const G = tf.variable(tf.randomNormal([DIM, D], 0, 0.7, 'float32', 3));
  const g = tf.variable(tf.zeros([D]));
  const model: LatentVariableModel = {
    prior: new HypersphericalUniform({ dim: DIM }),
    encode: (x) => {
      const raw = tf.add(tf.matMul(x, E), e);
      return new VonMisesFisher({
        meanDirection: tf.div(raw, tf.norm(raw, 'euclidean', -1, true)),
        concentration: tf.exp(logKappa),
      });
    },
    decode: (z) =>
      new DiagonalNormal({ loc: tf.add(tf.matMul(z, G), g), scale: tf.fill([D], 0.5) }),
  };
  const x = tf.tile(tf.tensor2d([[0.8, -0.4, 1.1, 0.2]]), [B, 1]);
  return {
    model,
    encoder: [E, e, logKappa],
    decoder: [G, g],
    x,
    dispose: () => tf.dispose([E, e, logKappa, G, g, x]),
  };
}

describe('DReG is unbiased for the IWAE encoder gradient (Monte Carlo)', () => {
  it('Gaussian posterior: E[DReG] = E[IWAE] to 4 standard errors; IWAE and ELBO differ', () => {
    const m = linearGaussianModel({
      W: [
        [1, 0.5],
        [0.3, -1],
        [0.7, 0.7],
      ],
      b: [0, 0.5, -0.5],
      s: 0.4,
    });
    const x = tf.tile(tf.tensor2d([[1.2, -0.3, 0.4]]), [B, 1]);
    const f = { model: m, encoder: m.encoderVariables, decoder: m.decoderVariables, x };
    const iwae = encoderGradient(f, { objective: 'iwae', k: 4 });
    const dreg = encoderGradient(f, { objective: 'iwae', k: 4, gradientEstimator: 'dreg' });
    const elbo = encoderGradient(f, { objective: 'elbo' });
    expect(worstZ(dreg, iwae)).toBeLessThan(4);
    // The check has power: a different objective's gradient is far outside it.
    expect(worstZ(elbo, iwae)).toBeGreaterThan(6);
    x.dispose();
    m.dispose();
  }, 120_000);

  it('von Mises-Fisher posterior with a learned concentration: E[DReG] = E[IWAE]', () => {
    const f = vmfFixture();
    const iwae = encoderGradient(f, { objective: 'iwae', k: 4 });
    const dreg = encoderGradient(f, { objective: 'iwae', k: 4, gradientEstimator: 'dreg' });
    const elbo = encoderGradient(f, { objective: 'elbo' });
    expect(worstZ(dreg, iwae)).toBeLessThan(4);
    expect(worstZ(elbo, iwae)).toBeGreaterThan(6);
    f.dispose();
  }, 120_000);
});
