import { objectiveNames } from '@vaekit/objectives';
import { describe, expect, it } from 'vitest';
import { LATENT_FAMILIES } from '../registry/latent-families';
import { CONFIG_FIELDS } from './config-fields';
import { DEFAULT_TRAIN_CONFIG } from './train-config';
import { resolveConfig } from './validate-config';

describe('CONFIG_FIELDS', () => {
  it('describes every TrainConfig key once, with a kebab-case flag spelled after its key', () => {
    const keys = CONFIG_FIELDS.map((f) => f.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(Object.keys(DEFAULT_TRAIN_CONFIG)).toEqual(keys);
    for (const f of CONFIG_FIELDS) {
      expect(f.flag).toBe(f.key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`));
      expect(f.help.length).toBeGreaterThan(5);
    }
  });

  it('has defaults that are themselves valid (the main job)', () => {
    expect(resolveConfig()).toEqual(DEFAULT_TRAIN_CONFIG);
  });

  it('reads choices from the registries, so a registered entry is a valid choice', () => {
    const latent = CONFIG_FIELDS.find((f) => f.key === 'latent')!;
    expect(latent.choices!()).toEqual(LATENT_FAMILIES.names());
    const objective = CONFIG_FIELDS.find((f) => f.key === 'objective')!;
    expect(objective.choices!()).toEqual(objectiveNames());
  });

  it('says which family and objective settings do not apply', () => {
    const c = resolveConfig({ latent: 'bn' });
    const reason = (key: string) => CONFIG_FIELDS.find((f) => f.key === key)!.ignoredBecause?.(c);
    expect(reason('kappa')).toMatch(/^it applies to --latent vmf.*, not bn$/);
    expect(reason('gamma')).toBeUndefined();
    expect(reason('tau')).toMatch(/--latent bn-su, not bn/);
    expect(reason('groups')).toMatch(/--objective .*miwae.*piwae.*, not elbo/);
    expect(reason('wordDropout')).toBe('it applies to text data only');
    expect(reason('likelihood')).toBeUndefined();
    const text = resolveConfig({ data: 'brown' });
    expect(CONFIG_FIELDS.find((f) => f.key === 'likelihood')!.ignoredBecause!(text)).toBe(
      'it applies to image data only',
    );
  });
});
