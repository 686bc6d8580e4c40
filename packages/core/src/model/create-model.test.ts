import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@vaekit/test-utils';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../config/train-config';
import { Vocabulary } from '../data/vocabulary';
import { type RunModel, createModel, loadRunModel } from './create-model';

/** The tf.io artifacts of a saved model, as a run directory's model/ (or the web app's export) holds them. */
async function saved(model: RunModel): Promise<tf.io.ModelArtifacts> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return artifacts!;
}

const config = (settings: Partial<TrainConfig>): TrainConfig => ({
  ...DEFAULT_TRAIN_CONFIG,
  ...settings,
});

const shapes = (model: RunModel) => {
  const weights = model.namedWeights();
  const out = weights.map((w) => [w.name, w.tensor.shape]);
  tf.dispose(weights.map((w) => w.tensor));
  return out;
};

describe('createModel and loadRunModel', () => {
  it('a saved image model loads with the same weights, and decodes the same images', async () => {
    const model = createModel(config({ latent: 'vmf', kappa: 20, latentDim: 3, hidden: [16] }), {
      kind: 'image',
      imageShape: [4, 4],
    });
    expect(model.vae.head.config.family).toBe('vmf');
    expect(model.vocabulary).toBeUndefined();
    const loaded = await loadRunModel(tf.io.fromMemory(await saved(model)), { kind: 'image' });
    expect([loaded.kind, loaded.latentDim]).toEqual(['image', 3]);
    expect(shapes(loaded)).toEqual(shapes(model));
    const z = tf.tensor2d([[1, 0, 0]]);
    expect(Array.from((loaded.decodeLatents(z) as Float32Array[])[0]!)).toEqual(
      Array.from((model.decodeLatents(z) as Float32Array[])[0]!),
    );
    z.dispose();
    model.dispose();
    loaded.dispose();
  });

  it('a saved text model loads with its vocabulary and length cap; a wrong vocabulary is refused', async () => {
    const vocabulary = Vocabulary.build([
      ['the', 'cat', 'sat'],
      ['a', 'dog'],
    ]);
    const settings = config({ latent: 'gaussian', latentDim: 2, hidden: [8], embedding: 4 });
    const model = createModel(settings, { kind: 'text', vocabulary, maxLength: 5 });
    const artifacts = await saved(model);
    const loaded = await loadRunModel(tf.io.fromMemory(artifacts), {
      kind: 'text',
      vocabulary,
      maxLength: 5,
    });
    expect([loaded.kind, loaded.maxLength, loaded.vocabulary]).toEqual(['text', 6, vocabulary]);
    expect(shapes(loaded)).toEqual(shapes(model));
    const z = tf.tensor2d([[0.5, -1]]);
    expect(loaded.decodeLatents(z)).toEqual(model.decodeLatents(z));
    z.dispose();
    const other = Vocabulary.build([['x']]);
    await expect(
      loadRunModel(tf.io.fromMemory(artifacts), { kind: 'text', vocabulary: other, maxLength: 5 }),
    ).rejects.toThrow(/the vocabulary has 5 tokens but the model's output layer 9/);
    model.dispose();
    loaded.dispose();
  });

  it('loading leaks no tensors', async () => {
    const model = createModel(config({ latentDim: 2, hidden: [4] }), {
      kind: 'image',
      imageShape: [2, 2],
    });
    const artifacts = await saved(model);
    model.dispose();
    await expectNoLeaks(async () => {
      (await loadRunModel(tf.io.fromMemory(artifacts), { kind: 'image' })).dispose();
    });
  });
});
