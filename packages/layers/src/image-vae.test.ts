import * as tf from '@tensorflow/tfjs-core';
import {
  DiagonalNormal,
  HypersphericalUniform,
  StandardNormal,
  klDivergence,
} from '@vaekit/distributions';
import { expectAllClose, expectNoLeaks, mulberry32 } from '@vaekit/test-utils';
import { describe, expect, it } from 'vitest';
import { BernoulliLikelihood, type GaussianLikelihood } from './image-likelihoods';
import { ImageVAE, type ImageVAEConfig } from './image-vae';
import { OwnedDiagonalNormal } from './internal/owned-normal';
import type { LatentVariableModel } from './latent-variable-model';
import { registerPrior } from './priors';

declare module './priors' {
  interface PriorConfigs {
    'test-scaled-normal': { kind: 'test-scaled-normal'; scale: number };
  }
}
registerPrior('test-scaled-normal', {
  support: 'euclidean',
  create: ({ scale }, d) => new OwnedDiagonalNormal(tf.zeros([d]), tf.fill([d], scale)),
});

/** Binary 4x4 "images": two prototypes with 10% flipped pixels. */
function images(n: number, seed: number): tf.Tensor3D {
  const u = mulberry32(seed);
  const protos = [
    [1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0],
    [0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1],
  ];
  const data = new Float32Array(n * 16);
  for (let i = 0; i < n; i++) {
    const p = protos[i % 2]!;
    for (let k = 0; k < 16; k++) data[i * 16 + k] = u() < 0.1 ? 1 - p[k]! : p[k]!;
  }
  return tf.tensor3d(data, [n, 4, 4]);
}

/** The artifacts `vae.save` writes, the JSON parts through a JSON round trip (as on disk). */
async function saved(vae: ImageVAE): Promise<tf.io.ModelArtifacts> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await vae.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = JSON.parse(JSON.stringify({ ...a, weightData: undefined }));
      artifacts!.weightData = a.weightData;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return artifacts!;
}

async function roundTrip(vae: ImageVAE): Promise<ImageVAE> {
  return ImageVAE.load(tf.io.fromMemory(await saved(vae)));
}

const config: ImageVAEConfig = {
  inputDim: 16,
  hiddenUnits: [12],
  head: { family: 'bn', latentDim: 3, gamma: 0.7 },
  seed: 1,
};

describe('ImageVAE', () => {
  it('implements LatentVariableModel: q(z|x) [B] x [d], prior N(0, I), p(x|z).logProb -> [N]', () => {
    const vae: LatentVariableModel = new ImageVAE(config);
    const x = images(6, 1);
    const q = vae.encode(x, { training: true });
    expect(q).toBeInstanceOf(DiagonalNormal);
    expect([q.batchShape, q.eventShape]).toEqual([[6], [3]]);
    expect(vae.prior).toBeInstanceOf(StandardNormal);
    const z = q.rsample(undefined, { seed: 2 });
    const px = vae.decode(z);
    expect(px).toBeInstanceOf(BernoulliLikelihood);
    expect(px.logProb(x).shape).toEqual([6]);
    // Two samples per image, as an IWAE objective would tile them.
    const z2 = q.rsample(2, { seed: 3 });
    expect(vae.decode(tf.reshape(z2, [12, 3])).logProb(tf.concat([x, x])).shape).toEqual([12]);
    expect(klDivergence(q, vae.prior).shape).toEqual([6]);
  });

  it('splits variables per network: the posterior head and BN scaler belong to the encoder', () => {
    const vae = new ImageVAE(config);
    const enc = new Set(vae.encoderVariables);
    const dec = new Set(vae.decoderVariables);
    expect([...enc].some((v) => dec.has(v))).toBe(false);
    expect(vae.trainableVariables).toHaveLength(enc.size + dec.size);
    // encoder dense (2) + head mean (2) + beta + head logvar (2); decoder: hidden (2) + output (2)
    expect([enc.size, dec.size]).toEqual([7, 4]);
    expect(vae.weightNames()).toContain('posterior_bn/moving_variance');
    const beta = vae.head.layers[1]!.trainableWeights[0]!.read();
    expect(enc.has(beta as tf.Variable)).toBe(true);
  });

  it('trains: Adam steps on the negative ELBO reduce it', () => {
    const vae = new ImageVAE({ ...config, head: { family: 'gaussian', latentDim: 2 } });
    const x = images(32, 5);
    const optimizer = tf.train.adam(0.02);
    const loss = (seed: number) => {
      const q = vae.encode(x, { training: true });
      const elbo = tf.sub(
        vae.decode(q.rsample(undefined, { seed })).logProb(x),
        klDivergence(q, vae.prior),
      );
      return tf.neg(tf.mean(elbo)) as tf.Scalar;
    };
    const first = tf.tidy(() => loss(1000).dataSync()[0]!);
    for (let i = 0; i < 60; i++)
      optimizer.minimize(() => loss(i + 1), false, vae.trainableVariables);
    const last = tf.tidy(() => loss(1000).dataSync()[0]!);
    expect(last).toBeLessThan(first - 2);
    tf.dispose([x]);
    optimizer.dispose();
  });

  it('saves and loads with tf.io: identical outputs, BN running statistics included', async () => {
    for (const head of [config.head, { family: 'bn-su', latentDim: 3, tau: 0.4 } as const]) {
      const vae = new ImageVAE({ ...config, head, likelihood: 'gaussian' });
      const x = images(8, 7);
      for (let i = 0; i < 3; i++) vae.encode(x, { training: true }).dispose(); // moves the running statistics
      const loaded = await roundTrip(vae);
      expect(loaded.config).toEqual(vae.config);
      const a = vae.encode(x) as DiagonalNormal;
      const b = loaded.encode(x) as DiagonalNormal;
      expect(Array.from(b.loc.dataSync())).toEqual(Array.from(a.loc.dataSync()));
      expect(Array.from(b.scale.dataSync())).toEqual(Array.from(a.scale.dataSync()));
      const pa = vae.decode(a.loc) as GaussianLikelihood;
      const pb = loaded.decode(a.loc) as GaussianLikelihood;
      expect(Array.from(pb.logProb(x).dataSync())).toEqual(Array.from(pa.logProb(x).dataSync()));
      loaded.dispose();
    }
  });

  it("loads models saved with the old family names ('bn-gaussian', 'bn-su-gaussian') as 'bn', 'bn-su'", async () => {
    for (const [head, old] of [
      [config.head, 'bn-gaussian'],
      [{ family: 'bn-su', latentDim: 3, tau: 0.4 } as const, 'bn-su-gaussian'],
    ] as const) {
      const vae = new ImageVAE({ ...config, head });
      const x = images(8, 3);
      for (let i = 0; i < 2; i++) vae.encode(x, { training: true }).dispose();
      const artifacts = await saved(vae);
      // What @vaekit/layers 0.1 wrote: the old family name.
      const topology = artifacts.modelTopology as { config: { head: { family: string } } };
      expect(topology.config.head.family).toBe(head.family);
      topology.config.head.family = old;
      delete (topology.config as { prior?: unknown }).prior; // 0.1 had no prior setting

      const loaded = await ImageVAE.load(tf.io.fromMemory(artifacts));
      expect(loaded.config.head).toEqual(head);
      expect(loaded.config.prior).toEqual({ kind: 'standard-normal' });
      expect(loaded.head.config.family).toBe(head.family);
      const a = vae.encode(x) as DiagonalNormal;
      const b = loaded.encode(x) as DiagonalNormal;
      expect(Array.from(b.loc.dataSync())).toEqual(Array.from(a.loc.dataSync()));
      expect(Array.from(b.scale.dataSync())).toEqual(Array.from(a.scale.dataSync()));
      tf.dispose([x]);
      vae.dispose();
      loaded.dispose();
    }
  });

  it("uses the head family's default prior: N(0, I) for Gaussian families, uniform on the sphere for vMF", () => {
    const bn = new ImageVAE(config);
    expect(bn.prior).toBeInstanceOf(StandardNormal);
    expect(bn.prior.eventShape).toEqual([3]);
    expect(bn.config.prior).toEqual({ kind: 'standard-normal' });
    const vmf = new ImageVAE({ ...config, head: { family: 'vmf', latentDim: 3, kappa: 5 } });
    expect(vmf.prior).toBeInstanceOf(HypersphericalUniform);
    expect(vmf.config.prior).toEqual({ kind: 'hyperspherical-uniform' });
    bn.dispose();
    vmf.dispose();
  });

  it('saves an explicit prior config with the model and restores it on load', async () => {
    const vae = new ImageVAE({
      ...config,
      head: { family: 'gaussian', latentDim: 2 },
      prior: { kind: 'test-scaled-normal', scale: 2.5 },
    });
    expect(vae.config.prior).toEqual({ kind: 'test-scaled-normal', scale: 2.5 });
    expectAllClose((vae.prior as DiagonalNormal).scale, [2.5, 2.5]);
    const artifacts = await saved(vae);
    const topology = artifacts.modelTopology as { config: { prior: unknown } };
    expect(topology.config.prior).toEqual({ kind: 'test-scaled-normal', scale: 2.5 });
    const loaded = await ImageVAE.load(tf.io.fromMemory(artifacts));
    expect(loaded.config).toEqual(vae.config);
    expect(loaded.prior).toBeInstanceOf(OwnedDiagonalNormal);
    expectAllClose((loaded.prior as DiagonalNormal).scale, [2.5, 2.5]);
    // The explicit built-in prior round-trips too.
    const sphere = new ImageVAE({
      ...config,
      head: { family: 'vmf', latentDim: 3, kappa: 5 },
      prior: { kind: 'hyperspherical-uniform' },
    });
    const back = await roundTrip(sphere);
    expect(back.config.prior).toEqual({ kind: 'hyperspherical-uniform' });
    expect(back.prior).toBeInstanceOf(HypersphericalUniform);
    for (const m of [vae, loaded, sphere, back]) m.dispose();
  });

  it("refuses a prior whose support is not the posterior's, naming both", () => {
    expect(
      () =>
        new ImageVAE({
          ...config,
          head: { family: 'vmf', latentDim: 3 },
          prior: { kind: 'standard-normal' },
        }),
    ).toThrow(
      "ImageVAE prior must be a prior on the unit sphere S^{d-1}, the support of the 'vmf' posterior ('hyperspherical-uniform'), got 'standard-normal', a prior on Euclidean space R^d",
    );
    expect(() => new ImageVAE({ ...config, prior: { kind: 'hyperspherical-uniform' } })).toThrow(
      /ImageVAE prior must be a prior on Euclidean space R\^d, the support of the 'bn' posterior \('standard-normal', 'test-scaled-normal'\), got 'hyperspherical-uniform', a prior on the unit sphere/,
    );
    expect(
      () =>
        new ImageVAE({
          ...config,
          prior: { kind: 'laplace' } as unknown as ImageVAEConfig['prior'],
        }),
    ).toThrow(
      /prior kind must be one of 'standard-normal', 'hyperspherical-uniform'.*, got 'laplace'/,
    );
  });

  it('gaussian likelihood with a fixed scale is the closed form', () => {
    const vae = new ImageVAE({ ...config, likelihood: 'gaussian', gaussianScale: 0.5 });
    const z = tf.zeros([1, 3]);
    const px = vae.decode(z) as GaussianLikelihood;
    const x = tf.ones([1, 16]);
    const mu = px.mean().dataSync();
    let expected = 0;
    for (let k = 0; k < 16; k++)
      expected += -0.5 * (Math.log(2 * Math.PI) + Math.log(0.25) + (1 - mu[k]!) ** 2 / 0.25);
    expectAllClose(px.logProb(x), [expected], { rtol: 1e-5 });
    expect(vae.decoderVariables).toHaveLength(4);
  });

  it('leaks no tensors and validates its config', async () => {
    const vae = new ImageVAE(config);
    const x = images(4, 9);
    await expectNoLeaks(() => {
      const q = vae.encode(x, { training: true });
      const z = q.mean();
      const px = vae.decode(z) as BernoulliLikelihood;
      const lp = px.logProb(x);
      tf.dispose([z]);
      q.dispose();
      px.dispose();
      return lp;
    });
    expect(() => new ImageVAE({ ...config, likelihood: 'poisson' as 'bernoulli' })).toThrow(
      /likelihood must be 'bernoulli' or 'gaussian'/,
    );
    expect(() => new ImageVAE({ ...config, hiddenUnits: [] })).toThrow(
      /hiddenUnits must be a non-empty list/,
    );
    await expect(ImageVAE.load('nowhere://x')).rejects.toThrow(
      /load target must be a URL with a registered tf.io handler/,
    );
    x.dispose();
  });
});
