import * as tf from '@tensorflow/tfjs-core';
import { DiagonalNormal, StandardNormal, klDivergence } from '@vaekit/distributions';
import { expectAllClose, expectNoLeaks, mulberry32 } from '@vaekit/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LatentVariableModel } from './latent-variable-model';
import { TokenLikelihood } from './lstm-text-decoder';
import { SPECIAL_TOKENS } from './special-tokens';
import { TextVAE, type TextVAEConfig } from './text-vae';

const config: TextVAEConfig = {
  vocabSize: 16,
  embeddingDim: 8,
  hiddenUnits: 10,
  head: { family: 'bn', latentDim: 4, gamma: 0.6 },
  wordDropout: 0.25,
  seed: 3,
};

/** Right-padded sentences `<bos>=2 w.. <eos>=3 <pad>=0..` over words 4..15. */
function sentences(n: number, T: number, seed: number): tf.Tensor2D {
  const u = mulberry32(seed);
  const rows = Array.from({ length: n }, () => {
    const len = 1 + Math.floor(u() * (T - 2));
    const words = Array.from({ length: len }, () => 4 + Math.floor(u() * 12));
    return [2, ...words, 3, ...new Array(T - len - 2).fill(0)];
  });
  return tf.tensor2d(rows, [n, T], 'int32');
}

describe('TextVAE', () => {
  let x: tf.Tensor2D;
  beforeAll(() => {
    x = sentences(6, 7, 1);
  });

  it('implements LatentVariableModel: q(z|x) [B] x [d], N(0, I) prior, token likelihood [N]', () => {
    const vae: LatentVariableModel = new TextVAE(config);
    const q = vae.encode(x, { training: true });
    expect(q).toBeInstanceOf(DiagonalNormal);
    expect([q.batchShape, q.eventShape]).toEqual([[6], [4]]);
    expect(vae.prior).toBeInstanceOf(StandardNormal);
    const px = vae.decode(q.rsample(undefined, { seed: 1 }), { training: true, seed: 2 });
    expect(px).toBeInstanceOf(TokenLikelihood);
    expect(px.logProb(x).shape).toEqual([6]);
    expect(klDivergence(q, vae.prior).shape).toEqual([6]);
  });

  it('uses SPECIAL_TOKENS (<pad> 0, <unk> 1, <bos> 2, <eos> 3) by default, in every part', () => {
    const vae = new TextVAE(config);
    const { pad, unk, bos, eos } = SPECIAL_TOKENS;
    expect([vae.config.padId, vae.config.unkId, vae.config.bosId, vae.config.eosId]).toEqual([
      0, 1, 2, 3,
    ]);
    expect(vae.encoder.config.padId).toBe(pad);
    const { padId, unkId, bosId, eosId } = vae.decoder.config;
    expect({ padId, unkId, bosId, eosId }).toEqual({
      padId: pad,
      unkId: unk,
      bosId: bos,
      eosId: eos,
    });
    // Explicit ids still win.
    const custom = new TextVAE({ ...config, padId: 3, unkId: 2, bosId: 1, eosId: 0 });
    expect([custom.decoder.bosId, custom.decoder.eosId, custom.encoder.config.padId]).toEqual([
      1, 0, 3,
    ]);
  });

  it('masks padding in the encoder and the likelihood: extra <pad> columns change nothing', () => {
    const vae = new TextVAE(config);
    const padded = tf.concat([x, tf.zeros([6, 4], 'int32')], 1);
    const a = vae.encode(x) as DiagonalNormal;
    const b = vae.encode(padded) as DiagonalNormal;
    expectAllClose(b.loc, a.loc, { rtol: 1e-5, atol: 1e-6 });
    expectAllClose(vae.decode(a.loc).logProb(padded), vae.decode(a.loc).logProb(x), { rtol: 1e-5 });
  });

  it('splits the variables: encoder (embedding, LSTM, head with BN beta) and decoder', () => {
    const vae = new TextVAE(config);
    // encoder: embedding 1 + LSTM 3 + head mean 2 + beta 1 + logvar 2; decoder: embedding 1 + init 2 + LSTM 3 + output 2
    expect([vae.encoderVariables.length, vae.decoderVariables.length]).toEqual([9, 8]);
    const enc = new Set(vae.encoderVariables);
    expect(vae.decoderVariables.some((v) => enc.has(v))).toBe(false);
  });

  it('trains: Adam on the negative ELBO lowers it; save/load then gives identical outputs and generations', async () => {
    const vae = new TextVAE({
      ...config,
      head: { family: 'bn-su', latentDim: 4, tau: 0.5 },
    });
    const data = sentences(16, 7, 2);
    const optimizer = tf.train.adam(0.01);
    const loss = (step: number) => {
      const q = vae.encode(data, { training: true });
      const logLik = vae
        .decode(q.rsample(undefined, { seed: step }), { training: true, seed: step })
        .logProb(data);
      return tf.neg(tf.mean(tf.sub(logLik, klDivergence(q, vae.prior)))) as tf.Scalar;
    };
    const first = tf.tidy(() => loss(1000).dataSync()[0]!);
    for (let i = 0; i < 25; i++)
      optimizer.minimize(() => loss(i + 1), false, vae.trainableVariables);
    const last = tf.tidy(() => loss(1000).dataSync()[0]!);
    expect(last).toBeLessThan(first - 1);

    let artifacts: tf.io.ModelArtifacts | undefined;
    await vae.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const loaded = await TextVAE.load(tf.io.fromMemory(artifacts!));
    expect(loaded.config).toEqual(vae.config);
    // A model saved by @vaekit/layers 0.1 names the family 'bn-su-gaussian': it loads as 'bn-su'.
    const legacy = JSON.parse(JSON.stringify({ ...artifacts!, weightData: undefined }));
    legacy.modelTopology.config.head.family = 'bn-su-gaussian';
    const migrated = await TextVAE.load(
      tf.io.fromMemory({ ...legacy, weightData: artifacts!.weightData }),
    );
    expect(migrated.config).toEqual(vae.config);
    expect(migrated.head.config.family).toBe('bn-su');
    const z0 = tf.zeros([2, 4]);
    expect(migrated.generate(z0, { maxLength: 6 })).toEqual(vae.generate(z0, { maxLength: 6 }));
    tf.dispose(z0);
    migrated.dispose();
    const qa = vae.encode(data) as DiagonalNormal;
    const qb = loaded.encode(data) as DiagonalNormal;
    expect(Array.from(qb.loc.dataSync())).toEqual(Array.from(qa.loc.dataSync()));
    expect(Array.from(qb.scale.dataSync())).toEqual(Array.from(qa.scale.dataSync()));
    const la = vae.decode(qa.loc, { training: true, seed: 5 }).logProb(data);
    const lb = loaded.decode(qa.loc, { training: true, seed: 5 }).logProb(data);
    expect(Array.from(lb.dataSync())).toEqual(Array.from(la.dataSync()));
    for (const method of ['greedy', 'sample', 'beam'] as const) {
      expect(loaded.generate(qa.loc, { method, seed: 7, maxLength: 6 })).toEqual(
        vae.generate(qa.loc, { method, seed: 7, maxLength: 6 }),
      );
    }
    optimizer.dispose();
    loaded.dispose();
  });

  it('generates reproducibly from a seed: z from the prior, then sampling', () => {
    const vae = new TextVAE(config);
    const draw = () =>
      vae.generate(vae.prior.sample(3, { seed: 11 }), { method: 'sample', seed: 12, maxLength: 6 });
    expect(draw()).toEqual(draw());
  });

  it('leaks no tensors and validates its config', async () => {
    const vae = new TextVAE(config);
    await expectNoLeaks(() => {
      const q = vae.encode(x, { training: true });
      const z = q.rsample(2, { seed: 1 });
      const flat = tf.reshape(z, [12, 4]);
      const xx = tf.concat([x, x]);
      const lp = vae.decode(flat, { training: true, seed: 1 }).logProb(xx);
      tf.dispose([z, flat, xx]);
      q.dispose();
      return lp;
    });
    expect(() => new TextVAE({ ...config, vocabSize: 4 })).toThrow(
      /vocabSize must be an integer >= 5/,
    );
    expect(() => new TextVAE({ ...config, wordDropout: 2 })).toThrow(
      /wordDropout must be a number in \[0, 1\]/,
    );
    expect(
      () => new TextVAE({ ...config, head: { family: 'bn', latentDim: 4, gamma: -1 } }),
    ).toThrow(/gamma/);
    expect(
      () =>
        new TextVAE({
          ...config,
          head: { family: 'vmf', latentDim: 4 },
          prior: { kind: 'standard-normal' },
        }),
    ).toThrow(
      /TextVAE prior must be a prior on the unit sphere .*'vmf' posterior.*got 'standard-normal'/,
    );
  });
});
