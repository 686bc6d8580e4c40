import * as tf from '@tensorflow/tfjs-core';
import { HypersphericalUniform, VonMisesFisher, klDivergence } from '@vaekit/distributions';
import { expectAllClose, expectNoLeaks, normalSamples } from '@vaekit/test-utils';
import { describe, expect, it } from 'vitest';
import { ImageVAE } from './image-vae';
import { TextVAE } from './text-vae';
import { vmfHead } from './vmf-head';

describe('vmfHead', () => {
  it('gives a vMF posterior with unit mean directions and a constant KL when kappa is fixed', () => {
    const head = vmfHead({ latentDim: 5, kappa: 30, seed: 1 });
    const h = tf.tensor2d(Float32Array.from(normalSamples(4 * 7, 2)), [4, 7]);
    const q = head.apply(h) as VonMisesFisher;
    expect(q).toBeInstanceOf(VonMisesFisher);
    expect([q.batchShape, q.eventShape]).toEqual([[4], [5]]);
    expectAllClose(tf.norm(q.meanDirection, 'euclidean', -1), [1, 1, 1, 1], { rtol: 1e-5 });
    expect(head.support).toBe('sphere');
    expect(head.defaultPrior).toEqual({ kind: 'hyperspherical-uniform' });
    const prior = new HypersphericalUniform({ dim: 5 });
    const kl = klDivergence(q, prior).dataSync();
    // The KL does not depend on the features: the same for every row, and for other inputs.
    const other = klDivergence(head.apply(tf.mul(h, -3)), prior).dataSync();
    for (let i = 1; i < 4; i++) expect(kl[i]).toBeCloseTo(kl[0]!, 4);
    expect(other[0]).toBeCloseTo(kl[0]!, 4);
    expect(kl[0]).toBeGreaterThan(0);
    // Samples lie on the sphere; the direction gets a gradient through rsample.
    const z = q.rsample(3, { seed: 4 });
    expectAllClose(tf.norm(z, 'euclidean', -1), new Float64Array(12).fill(1), { rtol: 1e-4 });
    const { grads } = tf.variableGrads(
      () =>
        tf.sum(tf.mul(head.apply(h).rsample(undefined, { seed: 5 }), tf.ones([4, 5]))) as tf.Scalar,
      head.trainableVariables,
    );
    expect(Object.keys(grads)).toHaveLength(2);
  });

  it('learns a per-example concentration softplus(.) + kappaMin, trained through the implicit gradient', () => {
    const head = vmfHead({ latentDim: 4, learnKappa: true, kappaMin: 2, seed: 3 });
    const h = tf.tensor2d(Float32Array.from(normalSamples(3 * 6, 6)), [3, 6]);
    const q = head.apply(h) as VonMisesFisher;
    const kappa = (q.concentration as tf.Tensor).dataSync();
    expect(kappa.length).toBe(3);
    for (const k of kappa) expect(k).toBeGreaterThan(2);
    const kappaVars = head.layers[1]!.trainableWeights.map((w) => w.read() as tf.Variable);
    const { grads } = tf.variableGrads(
      () =>
        tf.sum(tf.mul(head.apply(h).rsample(undefined, { seed: 7 }), tf.ones([3, 4]))) as tf.Scalar,
      kappaVars,
    );
    expect(
      Math.max(...Object.values(grads).map((g) => tf.max(tf.abs(g)).dataSync()[0]!)),
    ).toBeGreaterThan(0);
    expect(() => vmfHead({ latentDim: 4, learnKappa: true, kappa: 3 })).toThrow(
      /kappa must be left out when learnKappa is true/,
    );
    expect(() => vmfHead({ latentDim: 1 })).toThrow(/latentDim must be an integer >= 2/);
  });

  it('plugs into ImageVAE and TextVAE (Xu & Durrett 2018), with save/load', async () => {
    const image = new ImageVAE({
      inputDim: 6,
      hiddenUnits: [5],
      head: { family: 'vmf', latentDim: 3, learnKappa: true },
      seed: 1,
    });
    const x = tf.tensor2d(
      Float32Array.from(normalSamples(12, 8), (v) => (v > 0 ? 1 : 0)),
      [2, 6],
    );
    const q = image.encode(x);
    expect(q).toBeInstanceOf(VonMisesFisher);
    expect(image.decode(q.rsample(undefined, { seed: 1 })).logProb(x).shape).toEqual([2]);
    let artifacts: tf.io.ModelArtifacts | undefined;
    await image.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const loaded = await ImageVAE.load(tf.io.fromMemory(artifacts!));
    const qa = image.encode(x) as VonMisesFisher;
    const qb = loaded.encode(x) as VonMisesFisher;
    expect(Array.from(qb.meanDirection.dataSync())).toEqual(
      Array.from(qa.meanDirection.dataSync()),
    );
    expect(Array.from((qb.concentration as tf.Tensor).dataSync())).toEqual(
      Array.from((qa.concentration as tf.Tensor).dataSync()),
    );
    const text = new TextVAE({
      vocabSize: 10,
      embeddingDim: 4,
      hiddenUnits: 5,
      head: { family: 'vmf', latentDim: 3, kappa: 20 },
      seed: 2,
    });
    const tokens = tf.tensor2d([[1, 5, 2, 0]], undefined, 'int32');
    expect(text.encode(tokens)).toBeInstanceOf(VonMisesFisher);
    expect(text.prior).toBeInstanceOf(HypersphericalUniform);
  });

  it('leaks no tensors', async () => {
    const head = vmfHead({ latentDim: 3, learnKappa: true, seed: 9 });
    const h = tf.ones([2, 4]);
    head.apply(h).dispose();
    await expectNoLeaks(() => head.apply(h).dispose());
    const fixed = vmfHead({ latentDim: 3 });
    fixed.apply(h).dispose();
    // Zero features (zero bias at initialisation) have no direction: e_1.
    const zero = tf.zeros([1, 4]);
    const q0 = fixed.apply(zero) as VonMisesFisher;
    expectAllClose(q0.meanDirection, [1, 0, 0], { atol: 1e-7 });
    q0.dispose();
    zero.dispose();
    await expectNoLeaks(() => fixed.apply(h).dispose());
    h.dispose();
  });
});
