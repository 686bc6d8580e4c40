import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { DiagonalNormal, StandardNormal, klDivergence } from '@vaekit/distributions';
import {
  columnMoments,
  expectAllClose,
  expectNoLeaks,
  normalSamples,
  offsetScaledColumns,
} from '@vaekit/test-utils';
import { describe, expect, it } from 'vitest';
import { FixedGammaBatchNorm, fixedGammaBatchNorm } from './fixed-gamma-batch-norm';
import { numericGradient, pick } from './internal/numeric-gradient';

describe('fixedGammaBatchNorm', () => {
  it('gives each coordinate batch mean beta and batch variance gamma^2 in training mode, so KL >= d/2 (beta^2 + gamma^2)', () => {
    for (const [b, d, gamma, seed] of [
      [2, 3, 0.5, 1],
      [16, 8, 1.0, 2],
      [64, 32, 0.3, 3],
    ] as const) {
      const bn = fixedGammaBatchNorm({ gamma });
      const x = offsetScaledColumns(b, d, seed);
      bn.apply(x, { training: true }); // builds
      const beta = Float32Array.from(normalSamples(d, seed + 7));
      bn.setWeights([tf.tensor1d(beta), ...bn.getWeights().slice(1)]);
      const mu = bn.apply(x, { training: true }) as tf.Tensor;
      const { mean, variance } = columnMoments(mu);
      expectAllClose(mean, beta, { rtol: 1e-4, atol: 1e-4 * gamma });
      // eps = 1e-8 shrinks the variance by v / (v + eps); the smallest raw variance here is 1e-2.
      expectAllClose(variance, new Float64Array(d).fill(gamma * gamma), { rtol: 1e-4 });
      let bound = 0;
      for (let j = 0; j < d; j++) bound += 0.5 * (beta[j]! ** 2 + gamma * gamma);
      // Any posterior scale: sigma from 0.05 to 5.
      const sigma = tf.exp(tf.tensor2d(Float32Array.from(normalSamples(b * d, seed + 9)), [b, d]));
      const kl = klDivergence(
        new DiagonalNormal({ loc: mu, scale: sigma }),
        new StandardNormal({ dim: d }),
      );
      const meanKL = tf.mean(kl).dataSync()[0]!;
      expect(meanKL).toBeGreaterThanOrEqual(bound * (1 - 1e-4));
      // With sigma = 1 the bound is attained: it is the exact value, not a loose inequality.
      const klAtOne = klDivergence(
        new DiagonalNormal({ loc: mu, scale: tf.ones([d]) }),
        new StandardNormal({ dim: d }),
      );
      expect(tf.mean(klAtOne).dataSync()[0]!).toBeCloseTo(bound, 2);
      tf.dispose([x, mu, sigma, kl, klAtOne]);
      bn.dispose();
    }
  });

  it('keeps running statistics with momentum and uses them when training is false', () => {
    const bn = fixedGammaBatchNorm({ gamma: 0.7, momentum: 0.9 });
    const x = offsetScaledColumns(32, 4, 11);
    (bn.apply(x, { training: true }) as tf.Tensor).dispose();
    const [, movingMean, movingVariance] = bn.getWeights();
    const { mean, variance } = columnMoments(x);
    expectAllClose(
      movingMean!,
      Float64Array.from(mean, (m) => 0.1 * m),
      { rtol: 1e-5, atol: 1e-6 },
    );
    expectAllClose(
      movingVariance!,
      Float64Array.from(variance, (v) => 0.9 + 0.1 * v),
      { rtol: 1e-5 },
    );
    // With momentum 0 the running statistics are the last batch's: inference reproduces training.
    const bn0 = fixedGammaBatchNorm({ gamma: 0.7, momentum: 0 });
    const trained = bn0.apply(x, { training: true }) as tf.Tensor;
    const inferred = bn0.apply(x, { training: false }) as tf.Tensor;
    expectAllClose(inferred, trained, { rtol: 1e-4, atol: 1e-5 });
    // Inference is a per-row map: a batch of one is fine and matches the batch result.
    const one = bn0.apply(tf.slice(x, [3, 0], [1, 4])) as tf.Tensor;
    expectAllClose(one, tf.slice(inferred, [3, 0], [1, 4]), { rtol: 1e-6, atol: 1e-7 });
    tf.dispose([x, trained, inferred, one]);
  });

  it('has gradients that match finite differences (input and beta)', () => {
    const bn = fixedGammaBatchNorm({ gamma: 0.8, momentum: 1 });
    const x = tf.tensor2d(Float32Array.from(normalSamples(18, 21)), [6, 3]);
    bn.apply(x, { training: true });
    bn.setWeights([tf.tensor1d([0.2, -0.4, 0.1]), ...bn.getWeights().slice(1)]);
    const w = tf.tensor2d(Float32Array.from(normalSamples(18, 22)), [6, 3]);
    // A nonlinear loss so the gradient through the batch statistics matters.
    const loss = (input: tf.Tensor, beta?: tf.Tensor) =>
      tf.tidy(() => {
        if (beta) bn.setWeights([beta, ...bn.getWeights().slice(1)]);
        const y = bn.apply(input, { training: true }) as tf.Tensor;
        return tf.sum(tf.mul(tf.square(tf.add(y, 0.5)), w));
      });
    const betaVar = bn.trainableWeights[0]!.read() as tf.Variable;
    const { grads } = tf.variableGrads(() => loss(x) as tf.Scalar, [betaVar]);
    const dx = tf.grad((input: tf.Tensor) => loss(input))(x);
    const indices = [0, 4, 8, 11, 17];
    expectAllClose(
      pick(dx, indices),
      numericGradient((input) => loss(input), x, { h: 1e-2, indices }),
      {
        rtol: 2e-2,
        atol: 2e-3,
      },
    );
    const betaValue = betaVar.clone();
    const numericBeta = numericGradient((b) => loss(x, b), betaValue, { h: 1e-2 });
    expectAllClose(grads[betaVar.name]!, numericBeta, { rtol: 1e-2, atol: 1e-3 });
    tf.dispose([x, w, dx, betaValue, ...Object.values(grads)]);
  });

  it('does not train beta when learnBeta is false', () => {
    const bn = fixedGammaBatchNorm({ gamma: 1, learnBeta: false });
    bn.build([null, 5]);
    expect(bn.trainableWeights).toHaveLength(0);
    expect(bn.nonTrainableWeights.map((w) => w.originalName.split('/').pop())).toEqual([
      'beta',
      'moving_mean',
      'moving_variance',
    ]);
    expect(bn.klLowerBound()).toBeCloseTo(2.5, 6);
  });

  it('throws clear errors for gamma <= 0 and for training on a batch of one', () => {
    expect(() => fixedGammaBatchNorm({ gamma: 0 })).toThrow(
      /gamma must be a finite number > 0, got 0/,
    );
    expect(() => fixedGammaBatchNorm({ gamma: -1 })).toThrow(/gamma/);
    expect(() => fixedGammaBatchNorm({ gamma: Number.NaN })).toThrow(/gamma/);
    expect(() => fixedGammaBatchNorm({ gamma: 1, momentum: 1.5 })).toThrow(
      /momentum must be in \[0, 1\]/,
    );
    const bn = fixedGammaBatchNorm({ gamma: 1 });
    const x = tf.ones([1, 4]);
    expect(() => bn.apply(x, { training: true })).toThrow(/at least 2 rows/);
    x.dispose();
  });

  it('serialises inside a tf.sequential model: save/load gives identical outputs', async () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({
          units: 6,
          inputShape: [5],
          kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
        }),
        fixedGammaBatchNorm({ gamma: 0.6, momentum: 0.5 }),
      ],
    });
    const x = offsetScaledColumns(8, 5, 31);
    for (let i = 0; i < 3; i++) (model.apply(x, { training: true }) as tf.Tensor).dispose();
    const bn = model.layers[1] as FixedGammaBatchNorm;
    // tfjs-layers' container ignores `training`; the layer itself honours it.
    (bn.apply(model.layers[0]!.apply(x) as tf.Tensor, { training: true }) as tf.Tensor).dispose();
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(artifacts!));
    expect(loaded.layers[1]).toBeInstanceOf(FixedGammaBatchNorm);
    expect((loaded.layers[1] as FixedGammaBatchNorm).gamma).toBe(0.6);
    const a = model.predict(x) as tf.Tensor;
    const b = loaded.predict(x) as tf.Tensor;
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([x, a, b]);
    model.dispose();
    loaded.dispose();
  });

  it('leaks no tensors', async () => {
    const bn = fixedGammaBatchNorm({ gamma: 0.5 });
    const x = offsetScaledColumns(4, 3, 41);
    bn.apply(x, { training: true });
    await expectNoLeaks(() => bn.apply(x, { training: true }));
    await expectNoLeaks(() => bn.apply(x));
    x.dispose();
  });
});
