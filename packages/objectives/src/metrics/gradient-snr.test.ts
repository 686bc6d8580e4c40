import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@vaekit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { perturbedModel } from '../testing/fixtures';
import type { LinearGaussianModel } from '../testing/linear-gaussian-model';
import { type GradientSNRSummary, gradientSNR, objectiveGradientSNR } from './gradient-snr';

describe('gradientSNR', () => {
  it('estimates |mean| / std per parameter and summarises each group', () => {
    // Group a: mean 1, std 0.5 (SNR 2); group b: mean -3, std 1 (SNR 3), plus a constant entry.
    const result = gradientSNR(
      (i) => ({
        a: [tf.randomNormal([4], 1, 0.5, 'float32', 100 + i)],
        b: [tf.randomNormal([2], -3, 1, 'float32', 900 + i), tf.tensor1d([7])],
      }),
      { draws: 400 },
    );
    expect(result.a!.parameters).toBe(4);
    expect(result.a!.snr).toBeGreaterThan(1.7);
    expect(result.a!.snr).toBeLessThan(2.3);
    expect(result.b!.parameters).toBe(3);
    expect(result.b!.perParameter[2]).toBe(Number.POSITIVE_INFINITY); // zero variance: left out
    expect(result.b!.snr).toBeGreaterThan(2.6);
    expect(result.b!.snr).toBeLessThan(3.4);
    expect(result.b!.mean[2]).toBeCloseTo(7, 5);
  });

  it('disposes the draws it is given and rejects inconsistent groups', async () => {
    await expectNoLeaks(() => gradientSNR((i) => ({ g: [tf.scalar(i)] }), { draws: 3 }));
    expect(() => gradientSNR((i) => ({ g: [tf.ones([i + 1])] }), { draws: 3 })).toThrow(
      /gradients of group 'g' must be of the same size on every draw/,
    );
    expect(() => gradientSNR(() => ({}), { draws: 1 })).toThrow(/^draws must be an integer >= 2/);
  });
});

describe('objectiveGradientSNR on the linear-Gaussian model (Rainforth et al.; Tucker et al.)', () => {
  let model: LinearGaussianModel;
  let x: tf.Tensor;
  const ks = [1, 10, 100];
  const draws = 200;
  const iwaeSNR: Record<number, { encoder: GradientSNRSummary; decoder: GradientSNRSummary }> = {};
  const dregSNR: Record<number, GradientSNRSummary> = {};
  beforeAll(() => {
    // Encoder a little off the (mean-field) optimum, one fixed data point, fixed seeds.
    model = perturbedModel(0.1);
    x = model.sample(1, 3);
    const variables = { encoder: model.encoderVariables, decoder: model.decoderVariables };
    for (const k of ks) {
      const iw = objectiveGradientSNR(model, x, { objective: 'iwae', k }, variables, {
        draws,
        seed: 1,
      });
      iwaeSNR[k] = { encoder: iw.encoder!, decoder: iw.decoder! };
      const dreg = objectiveGradientSNR(
        model,
        x,
        { objective: 'iwae', k, gradientEstimator: 'dreg' },
        { encoder: model.encoderVariables, decoder: [] },
        { draws, seed: 1 },
      );
      dregSNR[k] = dreg.encoder!;
    }
    const row = (f: (k: number) => number) =>
      ks.map((k) => `K=${k}: ${f(k).toFixed(3)}`).join(', ');
    console.info(
      `[${tf.getBackend()}] encoder SNR, IWAE: ${row((k) => iwaeSNR[k]!.encoder.snr)}\n` +
        `[${tf.getBackend()}] encoder SNR, DReG: ${row((k) => dregSNR[k]!.snr)}\n` +
        `[${tf.getBackend()}] decoder SNR, IWAE: ${row((k) => iwaeSNR[k]!.decoder.snr)}`,
    );
  });
  afterAll(() => {
    x.dispose();
    model.dispose();
  });

  it("the inference network's SNR falls with K under IWAE, roughly like 1/sqrt(K)", () => {
    const snr = ks.map((k) => iwaeSNR[k]!.encoder.snr);
    expect(snr[1]!).toBeLessThan(snr[0]!);
    expect(snr[2]!).toBeLessThan(snr[1]!);
    expect(snr[2]!).toBeLessThan(0.5 * snr[0]!);
  });

  it('does not fall under DReG', () => {
    const snr = ks.map((k) => dregSNR[k]!.snr);
    expect(snr[1]!).toBeGreaterThanOrEqual(0.8 * snr[0]!);
    expect(snr[2]!).toBeGreaterThanOrEqual(0.8 * snr[0]!);
    // And at K = 100 it is far above IWAE's.
    expect(snr[2]!).toBeGreaterThan(5 * iwaeSNR[100]!.encoder.snr);
  });

  it("the generative network's SNR rises with K under IWAE", () => {
    const snr = ks.map((k) => iwaeSNR[k]!.decoder.snr);
    expect(snr[1]!).toBeGreaterThan(snr[0]!);
    expect(snr[2]!).toBeGreaterThan(snr[1]!);
  });

  it('DReG is unbiased: its mean encoder gradient matches the IWAE one within the noise', () => {
    for (const k of [10, 100]) {
      const a = iwaeSNR[k]!.encoder;
      const b = dregSNR[k]!;
      let agree = 0;
      for (let i = 0; i < a.parameters; i++) {
        const se = Math.hypot(a.std[i]!, b.std[i]!) / Math.sqrt(draws);
        if (Math.abs(a.mean[i]! - b.mean[i]!) <= 3.5 * se) agree++;
      }
      expect(agree).toBeGreaterThanOrEqual(a.parameters - 1);
    }
  });
});
