import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import * as internal from './internal/index';
import * as layers from './index';

describe('@vaekit/layers entry points', () => {
  it('the public entry exports the models, heads, layers, likelihoods, priors, registries and tokens', () => {
    expect(Object.keys(layers).sort()).toEqual(
      [
        'BNGaussianHead',
        'BNSuGaussianHead',
        'BernoulliLikelihood',
        'FixedGammaBatchNorm',
        'FusedLSTM',
        'GaussianHead',
        'GaussianLikelihood',
        'ImageVAE',
        'LSTMTextDecoder',
        'LSTMTextEncoder',
        'MLPDecoder',
        'MLPEncoder',
        'PosteriorScaler',
        'PowerSphericalHead',
        'SPECIAL_TOKENS',
        'SPECIAL_TOKEN_NAMES',
        'TextVAE',
        'TokenEmbedding',
        'TokenLikelihood',
        'VMFHead',
        'bnGaussianHead',
        'bnSuGaussianHead',
        'createPrior',
        'fixedGammaBatchNorm',
        'fusedLSTM',
        'gaussianHead',
        'generateTokens',
        'posteriorHead',
        'posteriorHeadFamilies',
        'posteriorScaler',
        'powerSphericalHead',
        'priorKinds',
        'priorSupport',
        'registerPosteriorHead',
        'registerPrior',
        'tokenEmbedding',
        'vmfHead',
      ].sort(),
    );
  });

  it('the building blocks are in @vaekit/layers/internal only', () => {
    const names = Object.keys(internal).sort();
    expect(names).toEqual(
      [
        'HeadBase',
        'LEGACY_POSTERIOR_FAMILIES',
        'OwnedDiagonalNormal',
        'SphericalHeadBase',
        'bernoulliLogProb',
        'categoricalLogProb',
        'embeddingLookup',
        'migrateVAEConfig',
        'nonPadRows',
        'nonPadTokenLogProb',
        'wordDropout',
      ].sort(),
    );
    for (const name of names) expect(Object.keys(layers)).not.toContain(name);
  });

  it('loading the entry registers the layer classes, the head families and the priors (its side effects)', () => {
    const classes = tf.serialization.SerializationMap.getMap().classNameMap;
    for (const cls of [
      layers.FusedLSTM,
      layers.TokenEmbedding,
      layers.PosteriorScaler,
      layers.FixedGammaBatchNorm,
    ]) {
      expect(classes[cls.className]?.[0]).toBe(cls);
    }
    expect(layers.posteriorHeadFamilies()).toEqual([
      'gaussian',
      'bn',
      'bn-su',
      'vmf',
      'power-spherical',
    ]);
    expect(layers.priorKinds()).toEqual(['standard-normal', 'hyperspherical-uniform']);
  });
});
