import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAIN_CONFIG, resolveModelKind } from './train-config';
import { ConfigError, resolveConfig } from './validate-config';

describe('resolveConfig', () => {
  it('fills defaults: the main job is a BN-VAE on MNIST', () => {
    const c = resolveConfig();
    expect(c).toEqual(DEFAULT_TRAIN_CONFIG);
    expect(c.latent).toBe('bn');
    expect(resolveModelKind(c)).toBe('mlp');
    expect(resolveModelKind(resolveConfig({ data: 'brown' }))).toBe('lstm');
  });

  it.each([
    [{ latent: 'bm' }, "latent: 'bm' is not one of gaussian, bn, bn-su, vmf"],
    [{ objective: 'vae' }, "objective: 'vae' is not one of elbo, iwae, miwae, ciwae, piwae"],
    [
      { data: 'cifar' },
      "data: 'cifar' is not one of mnist, fashion-mnist, idx:<dir>, brown, text:<file>",
    ],
    [{ k: 10, groups: 3 }, 'groups: k = 10 is not divisible by groups = 3'],
    [{ beta: 1.5 }, 'beta: expected a number in [0, 1], got 1.5'],
    [{ tau: 1 }, 'tau: expected a number in (0, 1), got 1'],
    [{ gamma: 0 }, 'gamma: expected a number > 0, got 0'],
    [{ batchSize: 1 }, 'batchSize: expected an integer >= 2, got 1'],
    [{ model: 'lstm' }, "model: 'lstm' needs text data (brown or text:<file>), got data 'mnist'"],
    [
      { klAnneal: 'linear:x' },
      'klAnneal: schedule must be one of none, constant:<w>, linear:<steps>[:<start>] or cyclical',
    ],
    [{ latent: 'vmf', freeBits: 0.1 }, 'freeBits: free bits need a factorised KL'],
    [{ epochs: 0 }, 'epochs: set epochs >= 1 or maxSteps >= 1 (both are 0)'],
  ])('rejects %j', (partial, message) => {
    expect(() => resolveConfig(partial)).toThrow(ConfigError);
    expect(() => resolveConfig(partial)).toThrow(message);
  });

  it('rejects unknown keys, listing the valid ones', () => {
    expect(() => resolveConfig({ lantent: 'bn' } as never)).toThrow(
      /unknown config key 'lantent'. Valid keys: data, model, latent/,
    );
  });
});
