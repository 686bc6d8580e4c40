import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Distribution } from '@vaekit/distributions';
import type { PosteriorHead } from '../posterior-head';
import { migrateVAEConfig } from './migrate-config';
import { assignWeights, loadArtifacts, saveModel } from './persistence';
import { check } from './validate';
import { namedWeightsOf, trainableVariablesOf } from './variables';

/** A part of a VAE built from tfjs-layers layers. */
interface LayeredPart {
  readonly layers: tfl.layers.Layer[];
}

/**
 * What {@link ImageVAE} and {@link TextVAE} share: an encoder, a posterior head and a decoder
 * made of tfjs-layers layers, split into the inference network (encoder and head, the BN-VAE
 * scaler included) and the generative network (decoder), with named weights and tf.io saving.
 */
export abstract class VAEBase<Config extends object> {
  /** The configuration with its defaults filled in (plain JSON). */
  abstract readonly config: Config;
  abstract readonly encoder: LayeredPart;
  abstract readonly head: PosteriorHead;
  abstract readonly decoder: LayeredPart;
  abstract readonly prior: Distribution;
  /** The model kind stored with saved weights (`'ImageVAE'`, `'TextVAE'`). */
  protected abstract readonly kind: string;

  /** Every layer: the encoder's, the posterior head's, then the decoder's. */
  get layers(): tfl.layers.Layer[] {
    return [...this.encoder.layers, ...this.head.layers, ...this.decoder.layers];
  }

  /** The inference network's trainable variables (phi): encoder and posterior head. */
  get encoderVariables(): tf.Variable[] {
    return trainableVariablesOf([...this.encoder.layers, ...this.head.layers]);
  }

  /** The generative network's trainable variables (theta). */
  get decoderVariables(): tf.Variable[] {
    return trainableVariablesOf(this.decoder.layers);
  }

  /** `encoderVariables` then `decoderVariables`. */
  get trainableVariables(): tf.Variable[] {
    return [...this.encoderVariables, ...this.decoderVariables];
  }

  /** Copies of every weight (batch-norm running statistics included), in `weightNames()` order. */
  getWeights(): tf.Tensor[] {
    return namedWeightsOf(this.layers).map(({ weight }) => tf.clone(weight.read()));
  }

  /** Set every weight, in `weightNames()` order. */
  setWeights(weights: tf.Tensor[]): void {
    const names = this.weightNames();
    check(
      weights.length === names.length,
      'setWeights weights',
      `a list of ${names.length} tensors`,
      `${weights.length} tensors`,
    );
    assignWeights(this.layers, Object.fromEntries(names.map((n, i) => [n, weights[i]!])));
  }

  /** Names of the weights, `<layer>/<weight>`. */
  weightNames(): string[] {
    return namedWeightsOf(this.layers).map(({ name }) => name);
  }

  /**
   * Save the config and all weights with tf.io (a URL such as `'indexeddb://vae'`, or any
   * IOHandler: `tf.io.withSaveHandler`, `tf.io.browserFiles`, ...).
   */
  save(target: string | tf.io.IOHandler): Promise<tf.io.SaveResult> {
    return saveModel(this.kind, this.config, this.layers, target);
  }

  /** Free the weights and the prior. */
  dispose(): void {
    for (const layer of this.layers) layer.dispose();
    this.prior.dispose();
  }
}

/**
 * Load a model saved by {@link VAEBase.save}: migrate its config to the current names
 * ({@link migrateVAEConfig}), rebuild the model from it, then assign the weights.
 */
export async function loadVAE<M extends VAEBase<object>>(
  kind: string,
  target: string | tf.io.IOHandler,
  build: (config: object) => M,
): Promise<M> {
  const { config, weights } = await loadArtifacts(kind, target);
  const vae = build(migrateVAEConfig(config) as object);
  assignWeights(vae.layers, weights);
  tf.dispose(Object.values(weights));
  return vae;
}
