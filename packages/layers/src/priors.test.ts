import * as tf from '@tensorflow/tfjs-core';
import {
  type Distribution,
  HypersphericalUniform,
  StandardNormal,
  logSphereSurfaceArea,
} from '@vaekit/distributions';
import { expectAllClose } from '@vaekit/test-utils';
import { describe, expect, it } from 'vitest';
import { OwnedDiagonalNormal } from './internal/owned-normal';
import { posteriorHead } from './posterior-head';
import { posteriorHeadFamilies } from './posterior-head-registry';
import { type PriorConfig, createPrior, priorKinds, priorSupport, registerPrior } from './priors';

declare module './priors' {
  interface PriorConfigs {
    'test-wide-normal': { kind: 'test-wide-normal'; scale: number };
  }
}

describe('createPrior', () => {
  it('standard-normal is N(0, I_d): log p(0) = -d/2 log(2 pi)', () => {
    const p = createPrior({ kind: 'standard-normal' }, 4);
    expect(p).toBeInstanceOf(StandardNormal);
    expect([p.batchShape, p.eventShape]).toEqual([[], [4]]);
    const zero = tf.zeros([1, 4]);
    expectAllClose(p.logProb(zero), [-2 * Math.log(2 * Math.PI)], { rtol: 1e-6 });
    tf.dispose(zero);
    p.dispose();
  });

  it('hyperspherical-uniform is uniform on S^{d-1}: log p(z) = -log |S^{d-1}| (4 pi for d = 3)', () => {
    const p = createPrior({ kind: 'hyperspherical-uniform' }, 3);
    expect(p).toBeInstanceOf(HypersphericalUniform);
    expect(p.eventShape).toEqual([3]);
    const z = tf.tensor2d([[0, 0.6, 0.8]]);
    expectAllClose(p.logProb(z), [-Math.log(4 * Math.PI)], { rtol: 1e-6 });
    expect(logSphereSurfaceArea(3)).toBeCloseTo(Math.log(4 * Math.PI), 12);
    tf.dispose(z);
    p.dispose();
  });

  it('names the registered kinds for an unknown one, and passes bad dimensions to the distribution', () => {
    expect(() => createPrior({ kind: 'laplace' } as unknown as PriorConfig, 2)).toThrow(
      /prior kind must be one of 'standard-normal', 'hyperspherical-uniform'(, '[^']+')*, got 'laplace'$/,
    );
    expect(() => createPrior(undefined as unknown as PriorConfig, 2)).toThrow(
      /prior kind must be one of .*got undefined/,
    );
    expect(() => createPrior({ kind: 'standard-normal' }, 0)).toThrow(
      /dim must be a positive integer/,
    );
    expect(() => createPrior({ kind: 'hyperspherical-uniform' }, 1)).toThrow(/dim/);
  });
});

describe('prior registry', () => {
  it('declares the support of each built-in kind', () => {
    expect(priorKinds().slice(0, 2)).toEqual(['standard-normal', 'hyperspherical-uniform']);
    expect(priorSupport({ kind: 'standard-normal' })).toBe('euclidean');
    expect(priorSupport({ kind: 'hyperspherical-uniform' })).toBe('sphere');
  });

  it('each head family has a default prior of its own support: N(0, I) for Gaussians, uniform on the sphere for vMF', () => {
    const expected: Record<string, [string, PriorConfig]> = {
      gaussian: ['euclidean', { kind: 'standard-normal' }],
      bn: ['euclidean', { kind: 'standard-normal' }],
      'bn-su': ['euclidean', { kind: 'standard-normal' }],
      vmf: ['sphere', { kind: 'hyperspherical-uniform' }],
    };
    const settings: Record<string, object> = { bn: { gamma: 0.5 } };
    for (const family of posteriorHeadFamilies().filter((f) => f in expected)) {
      const head = posteriorHead({ family, latentDim: 3, ...settings[family] } as never);
      expect([head.support, head.defaultPrior]).toEqual(expected[family]);
      expect(priorSupport(head.defaultPrior)).toBe(head.support);
    }
    expect(Object.keys(expected).every((f) => posteriorHeadFamilies().includes(f as never))).toBe(
      true,
    );
  });

  it('registers a new kind (with its support), then builds it; refuses duplicates and bad registrations', () => {
    const created: [PriorConfig, number][] = [];
    registerPrior('test-wide-normal', {
      support: 'euclidean',
      create: (config, latentDim): Distribution => {
        created.push([config, latentDim]);
        return new OwnedDiagonalNormal(tf.zeros([latentDim]), tf.fill([latentDim], config.scale));
      },
    });
    expect(priorKinds()).toContain('test-wide-normal');
    const p = createPrior({ kind: 'test-wide-normal', scale: 3 }, 2) as OwnedDiagonalNormal;
    expect(created).toEqual([[{ kind: 'test-wide-normal', scale: 3 }, 2]]);
    expectAllClose(p.scale, [3, 3]);
    p.dispose();
    expect(() =>
      registerPrior('standard-normal', {
        support: 'euclidean',
        create: (_c, d) => new StandardNormal({ dim: d }),
      }),
    ).toThrow(
      /registerPrior kind must be a kind not registered yet \(registered: 'standard-normal', 'hyperspherical-uniform'.*\), got 'standard-normal'/,
    );
    expect(() =>
      registerPrior('test-torus' as 'standard-normal', {
        support: 'torus' as 'sphere',
        create: (_c, d) => new StandardNormal({ dim: d }),
      }),
    ).toThrow(/registerPrior support must be 'euclidean' or 'sphere', got torus/);
    expect(() =>
      registerPrior('test-none' as 'standard-normal', {
        support: 'euclidean',
        create: undefined as never,
      }),
    ).toThrow(/registerPrior create must be a function/);
    expect(priorKinds()).not.toContain('test-torus');
    expect(priorKinds()).not.toContain('test-none');
  });
});
