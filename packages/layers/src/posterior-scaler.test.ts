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
import { numericGradient, pick } from './internal/numeric-gradient';
import { PosteriorScaler, posteriorScaler } from './posterior-scaler';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe('posteriorScaler', () => {
  it('returns [mean, std] with batch moments (0, gamma_mu^2) and (0, gamma_sigma^2); KL >= d/2 gamma_mu^2 >= d/2 tau', () => {
    for (const [b, d, tau, seed] of [
      [2, 3, 0.5, 1],
      [16, 8, 0.1, 2],
      [64, 32, 0.9, 3],
    ] as const) {
      const scaler = posteriorScaler({ tau });
      const meanRaw = offsetScaledColumns(b, d, seed);
      const stdRaw = offsetScaledColumns(b, d, seed + 100);
      scaler.apply([meanRaw, stdRaw], { training: true });
      const theta = Float32Array.from(normalSamples(d, seed + 5), (x) => 3 * x);
      scaler.setWeights([tf.tensor1d(theta), ...scaler.getWeights().slice(1)]);
      const [mean, std] = scaler.apply([meanRaw, stdRaw], { training: true }) as tf.Tensor[];
      const gammaMu2 = Float64Array.from(theta, (t) => tau + (1 - tau) * sigmoid(t));
      const gammaSigma2 = Float64Array.from(theta, (t) => (1 - tau) * sigmoid(-t));
      const m = columnMoments(mean!);
      const s = columnMoments(std!);
      expectAllClose(m.mean, new Float64Array(d), { atol: 1e-5 });
      expectAllClose(m.variance, gammaMu2, { rtol: 1e-4 });
      expectAllClose(s.mean, new Float64Array(d), { atol: 1e-5 });
      expectAllClose(s.variance, gammaSigma2, { rtol: 1e-4 });
      // The aggregate posterior's second moment is the prior's: E[mu^2] + E[sigma^2] = 1.
      expectAllClose(
        Float64Array.from(m.variance, (v, j) => v + s.variance[j]!),
        new Float64Array(d).fill(1),
        { rtol: 1e-4 },
      );
      const bound = 0.5 * gammaMu2.reduce((a, g) => a + g, 0);
      expect(bound).toBeGreaterThanOrEqual((d / 2) * tau);
      expect(scaler.klLowerBound()).toBeCloseTo(bound, 4);
      // Su's sigma (the std head, sign irrelevant) and arbitrary sigmas both respect the bound.
      for (const sigma of [
        tf.abs(std!),
        tf.exp(tf.tensor2d(Float32Array.from(normalSamples(b * d, seed + 9)), [b, d])),
      ]) {
        const kl = klDivergence(
          new DiagonalNormal({ loc: mean!, scale: tf.maximum(sigma, 1e-12) }),
          new StandardNormal({ dim: d }),
        );
        expect(tf.mean(kl).dataSync()[0]!).toBeGreaterThanOrEqual(bound * (1 - 1e-4));
      }
      tf.dispose([meanRaw, stdRaw, mean!, std!]);
      scaler.dispose();
    }
  });

  it('initialises theta at 0 (gamma_mu^2 = (1 + tau)/2) and trains it: the gradient reaches theta', () => {
    const scaler = posteriorScaler({ tau: 0.5 });
    const a = offsetScaledColumns(8, 4, 5);
    const b = offsetScaledColumns(8, 4, 6);
    scaler.apply([a, b], { training: true });
    const [gammaMu, gammaSigma] = scaler.scales();
    expectAllClose(gammaMu, new Float64Array(4).fill(Math.sqrt(0.75)), { rtol: 1e-6 });
    expectAllClose(gammaSigma, new Float64Array(4).fill(Math.sqrt(0.25)), { rtol: 1e-6 });
    expect(scaler.trainableWeights.map((w) => w.originalName.split('/').pop())).toEqual(['theta']);
    const theta = scaler.trainableWeights[0]!.read() as tf.Variable;
    const optimizer = tf.train.sgd(0.1);
    optimizer.minimize(
      () => {
        const [mean] = scaler.apply([a, b], { training: true }) as tf.Tensor[];
        return tf.neg(tf.mean(tf.square(mean!))) as tf.Scalar; // push gamma_mu up
      },
      false,
      [theta],
    );
    expect(Math.min(...theta.dataSync())).toBeGreaterThan(0);
    tf.dispose([a, b, gammaMu, gammaSigma]);
    optimizer.dispose();
  });

  it('has gradients that match finite differences (both inputs and theta)', () => {
    const scaler = posteriorScaler({ tau: 0.3, momentum: 1 });
    const a = tf.tensor2d(Float32Array.from(normalSamples(15, 31)), [5, 3]);
    const b = tf.tensor2d(Float32Array.from(normalSamples(15, 32)), [5, 3]);
    scaler.apply([a, b], { training: true });
    const w1 = tf.tensor2d(Float32Array.from(normalSamples(15, 33)), [5, 3]);
    const w2 = tf.tensor2d(Float32Array.from(normalSamples(15, 34)), [5, 3]);
    const thetaVar = scaler.trainableWeights[0]!.read() as tf.Variable;
    thetaVar.assign(tf.tensor1d([0.5, -1, 0.2]));
    const loss = (x: tf.Tensor, y: tf.Tensor) =>
      tf.tidy(() => {
        const [mean, std] = scaler.apply([x, y], { training: true }) as tf.Tensor[];
        return tf.add(
          tf.sum(tf.mul(tf.square(tf.add(mean!, 0.3)), w1)),
          tf.sum(tf.mul(tf.square(tf.sub(std!, 0.2)), w2)),
        );
      });
    const [da, db] = tf.grads((x: tf.Tensor, y: tf.Tensor) => loss(x, y))([a, b]);
    const indices = [0, 3, 7, 14];
    const tol = { rtol: 2e-2, atol: 2e-3 };
    expectAllClose(
      pick(da!, indices),
      numericGradient((x) => loss(x, b), a, { indices }),
      tol,
    );
    expectAllClose(
      pick(db!, indices),
      numericGradient((y) => loss(a, y), b, { indices }),
      tol,
    );
    const { grads } = tf.variableGrads(() => loss(a, b) as tf.Scalar, [thetaVar]);
    const thetaValue = thetaVar.clone();
    const numeric = numericGradient((t) => {
      thetaVar.assign(t);
      return loss(a, b);
    }, thetaValue);
    thetaVar.assign(thetaValue);
    expectAllClose(grads[thetaVar.name]!, numeric, tol);
    tf.dispose([a, b, w1, w2, da!, db!, thetaValue, ...Object.values(grads)]);
  });

  it('uses running statistics when training is false', () => {
    const scaler = posteriorScaler({ momentum: 0 });
    const a = offsetScaledColumns(16, 4, 41);
    const b = offsetScaledColumns(16, 4, 42);
    const train = scaler.apply([a, b], { training: true }) as tf.Tensor[];
    const infer = scaler.apply([a, b]) as tf.Tensor[];
    expectAllClose(infer[0]!, train[0]!, { rtol: 1e-4, atol: 1e-5 });
    expectAllClose(infer[1]!, train[1]!, { rtol: 1e-4, atol: 1e-5 });
    tf.dispose([a, b, ...train, ...infer]);
  });

  it('throws clear errors for tau outside (0, 1), a single input and a batch of one', () => {
    for (const tau of [0, 1, -0.1, 1.5, Number.NaN]) {
      expect(() => posteriorScaler({ tau })).toThrow(
        /tau must be a number in the open interval \(0, 1\)/,
      );
    }
    const scaler = posteriorScaler();
    const one = tf.ones([1, 3]);
    expect(() => scaler.apply([one, one], { training: true })).toThrow(/at least 2 rows/);
    expect(() => scaler.apply(one, { training: true })).toThrow(/\[meanRaw, stdRaw\]/);
    one.dispose();
  });

  it('works in a functional model with two outputs and survives save/load', async () => {
    const input = tfl.input({ shape: [6] });
    const dense = (seed: number) =>
      tfl.layers.dense({ units: 3, kernelInitializer: tfl.initializers.glorotUniform({ seed }) });
    const outputs = posteriorScaler({ tau: 0.4, momentum: 0.5 }).apply([
      dense(1).apply(input) as tfl.SymbolicTensor,
      dense(2).apply(input) as tfl.SymbolicTensor,
    ]) as tfl.SymbolicTensor[];
    expect(outputs.map((o) => o.shape)).toEqual([
      [null, 3],
      [null, 3],
    ]);
    const model = tfl.model({ inputs: input, outputs });
    const x = offsetScaledColumns(10, 6, 51);
    const scaler = model.layers.find(
      (l) => l instanceof PosteriorScaler,
    ) as unknown as PosteriorScaler;
    const heads = [model.layers[1]!.apply(x), model.layers[2]!.apply(x)] as tf.Tensor[];
    tf.dispose(scaler.apply(heads, { training: true }) as tf.Tensor[]);
    (scaler.trainableWeights[0]!.read() as tf.Variable).assign(tf.tensor1d([1, -2, 0.5]));
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(artifacts!));
    const before = model.predict(x) as tf.Tensor[];
    const after = loaded.predict(x) as tf.Tensor[];
    for (let k = 0; k < 2; k++)
      expect(Array.from(after[k]!.dataSync())).toEqual(Array.from(before[k]!.dataSync()));
    tf.dispose([x, ...heads, ...before, ...after]);
    model.dispose();
    loaded.dispose();
  });

  it('leaks no tensors', async () => {
    const scaler = posteriorScaler();
    const a = offsetScaledColumns(4, 3, 61);
    scaler.apply([a, a], { training: true });
    await expectNoLeaks(() => scaler.apply([a, a], { training: true }));
    await expectNoLeaks(() => scaler.apply([a, a]));
    await expectNoLeaks(() => scaler.scales());
    a.dispose();
  });
});
