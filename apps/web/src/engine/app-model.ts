import * as tf from '@tensorflow/tfjs-core';
import type { Decoded as RunDecoded, RunModel, TrainConfig } from '@vaekit/core';
import { ImageVAE } from '@vaekit/layers';
import type { Decoded, ModelBundle } from '../shared/types';

/** The side of a model's square images, or `undefined` (text, or images that are not square). */
export function imageSide(model: RunModel): number | undefined {
  if (!(model.vae instanceof ImageVAE)) return undefined;
  const pixels = model.vae.config.inputDim;
  const side = Math.round(Math.sqrt(pixels));
  return side * side === pixels ? side : undefined;
}

/**
 * What `RunModel.decodeLatents` (or `sampleFromPrior`, `reconstruct`) gave, as the message the
 * page draws: images in one buffer, or the sentences.
 */
export function decodedMessage(model: RunModel, decoded: RunDecoded): Decoded {
  if (model.kind === 'text') return { kind: 'text', sentences: decoded as string[] };
  const images = decoded as Float32Array[];
  const pixels = images[0]?.length ?? 0;
  const data = new Float32Array(images.length * pixels);
  for (const [i, image] of images.entries()) data.set(image, i * pixels);
  const side = imageSide(model) ?? 1;
  return { kind: 'image', data, n: images.length, height: side, width: pixels / side };
}

/**
 * A model as the explorer loads it (and as a run directory's `model/` holds it): the tf.io
 * artifacts of `RunModel.save`, one weights buffer, and `vaekit.json` with the run's config
 * and, for text, the vocabulary.
 */
export async function modelBundle(model: RunModel, config: TrainConfig): Promise<ModelBundle> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const { weightData, ...artifacts } = saved!;
  const parts = Array.isArray(weightData) ? weightData : [weightData!];
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    bytes.set(new Uint8Array(p), offset);
    offset += p.byteLength;
  }
  return {
    artifacts: artifacts as Record<string, unknown>,
    weightData: bytes.buffer,
    vaekit: {
      format: 'vaekit-model',
      kind: model.kind,
      config: { ...config },
      ...(model.vocabulary ? { vocabulary: model.vocabulary.toJSON() } : {}),
    },
  };
}
