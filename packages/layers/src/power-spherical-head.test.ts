import * as tf from '@tensorflow/tfjs-core';
import { HypersphericalUniform, PowerSpherical, klDivergence } from '@vaekit/distributions';
import { expectAllClose, expectNoLeaks, normalSamples } from '@vaekit/test-utils';
import { describe, expect, it } from 'vitest';
import { ImageVAE } from './image-vae';
import { posteriorHead } from './posterior-head';
import { powerSphericalHead } from './power-spherical-head';

describe('powerSphericalHead', () => {
  it('gives a Power Spherical posterior on the sphere, with a constant KL when kappa is fixed', () => {
    const head = powerSphericalHead({ latentDim: 5, kappa: 30, seed: 1 });
    const h = tf.tensor2d(Float32Array.from(normalSamples(4 * 7, 2)), [4, 7]);
    const q = head.apply(h) as PowerSpherical;
    expect(q).toBeInstanceOf(PowerSpherical);
    expect([q.batchShape, q.eventShape]).toEqual([[4], [5]]);
    expectAllClose(tf.norm(q.meanDirection, 'euclidean', -1), [1, 1, 1, 1], { rtol: 1e-5 });
    expect(head.support).toBe('sphere');
    expect(head.defaultPrior).toEqual({ kind: 'hyperspherical-uniform' });
    // KL = -H + log|S^4|: the same for every row and every input.
    const prior = new HypersphericalUniform({ dim: 5 });
    const kl = klDivergence(q, prior).dataSync();
    const other = klDivergence(head.apply(tf.mul(h, -3)), prior).dataSync();
    for (let i = 1; i < 4; i++) expect(kl[i]).toBeCloseTo(kl[0]!, 5);
    expect(other[0]).toBeCloseTo(kl[0]!, 5);
    expect(kl[0]).toBeGreaterThan(0);
    // Samples lie on the sphere; the direction's layer gets a gradient through rsample.
    const z = q.rsample(3, { seed: 4 });
    expectAllClose(tf.norm(z, 'euclidean', -1), new Float64Array(12).fill(1), { rtol: 1e-4 });
    const { grads } = tf.variableGrads(
      () =>
        tf.sum(tf.mul(head.apply(h).rsample(undefined, { seed: 5 }), tf.ones([4, 5]))) as tf.Scalar,
      head.trainableVariables,
    );
    expect(Object.keys(grads)).toHaveLength(2);
    for (const g of Object.values(grads)) expect(tf.any(tf.notEqual(g, 0)).dataSync()[0]).toBe(1);
  });

  it('learns a per-example concentration, trained through the reparameterised Beta draw', () => {
    const head = powerSphericalHead({ latentDim: 4, learnKappa: true, kappaMin: 2, seed: 3 });
    const h = tf.tensor2d(Float32Array.from(normalSamples(3 * 6, 6)), [3, 6]);
    const q = head.apply(h) as PowerSpherical;
    for (const k of (q.concentration as tf.Tensor).dataSync()) expect(k).toBeGreaterThan(2);
    const kappaVars = head.layers[1]!.trainableWeights.map((w) => w.read() as tf.Variable);
    const { grads } = tf.variableGrads(
      () =>
        tf.sum(tf.mul(head.apply(h).rsample(undefined, { seed: 7 }), tf.ones([3, 4]))) as tf.Scalar,
      kappaVars,
    );
    const largest = Math.max(...Object.values(grads).map((g) => tf.max(tf.abs(g)).dataSync()[0]!));
    expect(largest).toBeGreaterThan(0);
    expect(Number.isFinite(largest)).toBe(true);
  });

  it('names its family in errors, and is built by posteriorHead from its JSON config', () => {
    expect(() => powerSphericalHead({ latentDim: 1 })).toThrow(
      /power-spherical head latentDim must be an integer >= 2/,
    );
    expect(() => powerSphericalHead({ latentDim: 3, kappa: -1 })).toThrow(
      /power-spherical head kappa must be a finite number >= 0/,
    );
    const head = posteriorHead({ family: 'power-spherical', latentDim: 3, kappa: 10 });
    expect(head.config).toEqual({ family: 'power-spherical', latentDim: 3, kappa: 10 });
  });

  it('plugs into ImageVAE, saves and loads with the same outputs, and draws leak nothing', async () => {
    const vae = new ImageVAE({
      inputDim: 6,
      hiddenUnits: [5],
      head: { family: 'power-spherical', latentDim: 3, kappa: 20 },
      seed: 2,
    });
    const x = tf.tensor2d([
      [0, 1, 0, 1, 1, 0],
      [1, 1, 0, 0, 1, 1],
    ]);
    expect(vae.prior).toBeInstanceOf(HypersphericalUniform);
    let saved: tf.io.ModelArtifacts | undefined;
    await vae.save(
      tf.io.withSaveHandler(async (a) => {
        saved = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const loaded = await ImageVAE.load(tf.io.fromMemory(saved!));
    const direction = (m: ImageVAE) =>
      tf.tidy(() => (m.encode(x) as PowerSpherical).meanDirection.arraySync());
    expect(direction(loaded)).toEqual(direction(vae));
    tf.tidy(() => vae.encode(x).rsample(2, { seed: 1 })).dispose();
    await expectNoLeaks(() => tf.tidy(() => vae.encode(x).rsample(2, { seed: 1 })));
    x.dispose();
    vae.dispose();
    loaded.dispose();
  });
});
