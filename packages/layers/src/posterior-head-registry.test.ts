import * as tf from '@tensorflow/tfjs-core';
import { DiagonalNormal } from '@vaekit/distributions';
import { describe, expect, it } from 'vitest';
import { GaussianHead } from './gaussian-head';
import { ImageVAE } from './image-vae';
import { type PosteriorHeadConfig, posteriorHead } from './posterior-head';
import { posteriorHeadFamilies, registerPosteriorHead } from './posterior-head-registry';

// A family from outside the package declares its config type by interface merging.
declare module './posterior-head-registry' {
  interface PosteriorHeadConfigs {
    'test-wide-gaussian': { family: 'test-wide-gaussian'; latentDim: number; scale: number };
  }
}

describe('posterior head registry', () => {
  it('lists the built-in families in the user-facing latent vocabulary', () => {
    expect(posteriorHeadFamilies().slice(0, 4)).toEqual(['gaussian', 'bn', 'bn-su', 'vmf']);
  });

  it('a registered family is built by posteriorHead and by the VAEs, and listed', () => {
    const seen: PosteriorHeadConfig[] = [];
    registerPosteriorHead('test-wide-gaussian', (config, options) => {
      seen.push(config);
      return new GaussianHead({ latentDim: config.latentDim }, options);
    });
    expect(posteriorHeadFamilies()).toContain('test-wide-gaussian');
    const config = { family: 'test-wide-gaussian', latentDim: 3, scale: 2 } as const;
    const head = posteriorHead(config, { name: 'wide' });
    expect(head).toBeInstanceOf(GaussianHead);
    expect(head.layers[0]!.name).toBe('wide_mean');
    expect(seen).toEqual([config]);
    const vae = new ImageVAE({ inputDim: 4, hiddenUnits: [3], head: config, seed: 1 });
    const x = tf.zeros([2, 4]);
    const q = vae.encode(x);
    expect(q).toBeInstanceOf(DiagonalNormal);
    expect(q.eventShape).toEqual([3]);
    tf.dispose(x);
    q.dispose();
    vae.dispose();
  });

  it('refuses a family registered twice (naming the registered ones), or a non-function factory', () => {
    expect(() =>
      registerPosteriorHead('vmf', () => posteriorHead({ family: 'vmf', latentDim: 2 })),
    ).toThrow(
      /registerPosteriorHead family must be a family not registered yet \(registered: 'gaussian', 'bn', 'bn-su', 'vmf'.*\), got 'vmf'/,
    );
    expect(() =>
      registerPosteriorHead('' as 'vmf', () => posteriorHead({ family: 'vmf', latentDim: 2 })),
    ).toThrow(/family must be a non-empty string/);
    expect(() =>
      registerPosteriorHead('gaussian-2' as 'gaussian', 3 as unknown as () => GaussianHead),
    ).toThrow(/factory must be a function/);
    expect(posteriorHeadFamilies()).not.toContain('gaussian-2');
  });
});
