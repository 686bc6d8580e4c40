import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Distribution } from '@vaekit/distributions';
import type {
  HeadApplyOptions,
  PosteriorHead,
  PosteriorHeadConfig,
  PosteriorHeadOptions,
} from '../posterior-head';
import type { LatentSupport, PriorConfig } from '../priors';
import { check } from './validate';
import { trainableVariablesOf } from './variables';
import { deriveSeed } from '@vaekit/distributions';

/** Shared plumbing of the posterior heads: layer naming, seeding, weights. */
export abstract class HeadBase<C extends PosteriorHeadConfig> implements PosteriorHead {
  readonly config: C;
  readonly latentDim: number;
  readonly name: string;
  abstract readonly layers: tfl.layers.Layer[];
  private readonly seed: number | undefined;
  private seedIndex = 0;

  protected constructor(config: C, options: PosteriorHeadOptions) {
    check(
      Number.isInteger(config.latentDim) && config.latentDim >= 1,
      `${config.family} head latentDim`,
      'a positive integer',
      config.latentDim,
    );
    this.config = { ...config };
    this.latentDim = config.latentDim;
    this.name = options.name ?? 'posterior';
    this.seed = options.seed;
  }

  /** A Dense projection named `<name>_<role>`, seeded. */
  protected dense(role: string, units: number): tfl.layers.Layer {
    return tfl.layers.dense({
      units,
      name: `${this.name}_${role}`,
      kernelInitializer: tfl.initializers.glorotUniform({
        seed: deriveSeed(this.seed, this.seedIndex++),
      }),
    });
  }

  get trainableVariables(): tf.Variable[] {
    return trainableVariablesOf(this.layers);
  }

  abstract readonly support: LatentSupport;
  abstract readonly defaultPrior: PriorConfig;
  abstract apply(features: tf.Tensor, options?: HeadApplyOptions): Distribution;
}
