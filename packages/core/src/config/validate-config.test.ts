import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAIN_CONFIG, resolveModelKind } from './train-config';
import { ConfigError, ignoredSettings, resolveConfig } from './validate-config';

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
    [{ data: 'idx:' }, "data: 'idx:' needs a directory: write idx:<dir>"],
    [{ k: 10, groups: 3 }, 'groups: k = 10 is not divisible by groups = 3'],
    [{ beta: 1.5 }, 'beta: expected a number >= 0 and <= 1, got 1.5'],
    [{ tau: 1 }, 'tau: expected a number > 0 and < 1, got 1'],
    [{ gamma: 0 }, 'gamma: expected a number > 0 and <= 1000, got 0'],
    [
      { kappa: Infinity },
      "kappa: expected a number >= 0 and <= 1000000 or 'learned', got Infinity",
    ],
    [{ kappa: 'lots' }, `kappa: expected a number >= 0 and <= 1000000 or 'learned', got "lots"`],
    [{ seed: 1e20 }, 'seed: expected an integer >= 0 and <= 4294967295, got 100000000000000000000'],
    [{ k: 1e9 }, 'k: expected an integer >= 1 and <= 100000, got 1000000000'],
    [{ latentDim: 1e9 }, 'latentDim: expected an integer >= 1 and <= 4096, got 1000000000'],
    [
      { hidden: [512, 1e9] },
      'hidden: expected a list of integers >= 1 and <= 16384 (e.g. 512,256), got [512, 1000000000]',
    ],
    [{ hidden: [] }, 'hidden: expected a list of integers'],
    [{ latent: 'vmf', latentDim: 1 }, 'latentDim: --latent vmf needs latentDim >= 2, got 1'],
    [{ batchSize: 1 }, 'batchSize: expected an integer >= 2 and <= 1000000, got 1'],
    [{ model: 'lstm' }, "model: 'lstm' needs text data (brown or text:<file>), got data 'mnist'"],
    [
      { klAnneal: 'linear:x' },
      'klAnneal: schedule must be one of none, constant:<w>, linear:<steps>[:<start>] or cyclical',
    ],
    [{ latent: 'vmf', freeBits: 0.1 }, 'freeBits: free bits need a factorised KL'],
    [{ epochs: 0 }, 'epochs: set epochs >= 1 or maxSteps >= 1 (both are 0)'],
    [
      { latent: 'gaussian', freeBits: 0.5, threads: 2 },
      'threads: must be 0 or 1 with --free-bits (free bits act on the whole batch',
    ],
    [{ batchSize: 4, threads: 8 }, 'threads: must be at most --batch-size (4)'],
    [{ threads: -1 }, 'threads: expected an integer >= 0 and <= 256, got -1'],
  ])('rejects %j', (partial, message) => {
    expect(() => resolveConfig(partial)).toThrow(ConfigError);
    expect(() => resolveConfig(partial)).toThrow(message);
  });

  it('rejects unknown keys, listing the valid ones, including inherited names', () => {
    expect(() => resolveConfig({ lantent: 'bn' } as never)).toThrow(
      /unknown config key 'lantent'. Valid keys: data, model, latent/,
    );
    expect(() => resolveConfig(JSON.parse('{"constructor": 1}'))).toThrow(
      /unknown config key 'constructor'/,
    );
    expect(() => resolveConfig(JSON.parse('{"__proto__": {"latent": "x"}}'))).toThrow(
      /unknown config key '__proto__'/,
    );
    expect(() => resolveConfig([] as never)).toThrow('config: expected an object of settings');
  });

  it('names the given settings that do not apply', () => {
    const c = resolveConfig({ latent: 'bn', kappa: 20, objective: 'elbo', groups: 1 });
    expect(ignoredSettings(c, ['kappa', 'groups', 'gamma', 'seed']).map((i) => i.key)).toEqual([
      'kappa',
      'groups',
    ]);
  });
});
