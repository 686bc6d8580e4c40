import type * as tf from '@tensorflow/tfjs-core';
import { CONFIG_FIELDS, ConfigError, LATENT_FAMILIES, type LatentFamilySpec } from '@vaekit/core';
import { elbo, objectiveNames, objectiveSpec, registerObjective } from '@vaekit/objectives';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, trainConfig } from '../shared/types';
import {
  estimatorChoices,
  familyHint,
  latentChoices,
  numberField,
  objectiveChoices,
  runLabel,
  settingApplies,
} from './settings-form';

// A family registered by a test, as `power-spherical` will be: the form must offer it with no
// change to the web app.
LATENT_FAMILIES.register({
  name: 'test-sphere',
  label: 'Test sphere',
  description: 'a spherical family registered by a test',
  reference: 'Nobody 2026, "Testing"',
  parameters: ['kappa'],
  spherical: true,
  factorizedKL: false,
  minLatentDim: 2,
  batchStatistics: false,
  headConfig: ({ latentDim, kappa }) =>
    kappa === 'learned'
      ? { family: 'vmf', latentDim, learnKappa: true }
      : { family: 'vmf', latentDim, kappa },
  klFloor: ({ latentDim }) => latentDim / 4,
} as LatentFamilySpec);

const image = { task: 'image' as const, objective: 'elbo' as const };

describe('the training form, generated from the registries', () => {
  it('offers every latent family of LATENT_FAMILIES, a newly registered one included', () => {
    const choices = latentChoices();
    expect(choices.map((c) => c.value)).toEqual(LATENT_FAMILIES.names());
    for (const f of LATENT_FAMILIES.list()) {
      const choice = choices.find((c) => c.value === f.name)!;
      expect(choice.label).toBe(f.label);
      expect(choice.description).toContain(f.description);
      expect(choice.description).toContain(f.reference);
    }
    expect(choices.at(-1)).toEqual({
      value: 'test-sphere',
      label: 'Test sphere',
      description: 'a spherical family registered by a test (Nobody 2026, "Testing")',
    });
  });

  it("shows a family's own parameters only (its `parameters`)", () => {
    const shown = (latent: string) =>
      (['gamma', 'tau', 'kappa'] as const).filter((p) => settingApplies(p, { ...image, latent }));
    for (const f of LATENT_FAMILIES.list()) expect(shown(f.name)).toEqual([...f.parameters]);
    expect(shown('test-sphere')).toEqual(['kappa']);
    expect(shown('bn')).toEqual(['gamma']);
    expect(familyHint({ ...DEFAULT_SETTINGS, latent: 'test-sphere', latentDim: 8 })).toBe(
      'a spherical family registered by a test (Nobody 2026, "Testing"). Its KL to the prior stays at or above 2.0 nats with these settings.',
    );
    const settings = { ...DEFAULT_SETTINGS, latent: 'test-sphere', kappa: 7, latentDim: 3 };
    expect(runLabel(settings)).toBe('Test sphere κ=7, d=3, ELBO');
    expect(trainConfig(settings).latent).toBe('test-sphere');
  });

  it('offers every objective with its label, and its options only (M, β, DReG)', () => {
    const choices = objectiveChoices();
    expect(choices.map((c) => c.value)).toEqual(objectiveNames());
    for (const name of objectiveNames()) {
      const spec = objectiveSpec(name);
      expect(choices.find((c) => c.value === name)!.label).toBe(spec.label);
      const s = { ...image, latent: 'gaussian', objective: name as 'elbo' };
      expect(settingApplies('groups', s)).toBe(spec.uses.includes('groups'));
      expect(settingApplies('beta', s)).toBe(spec.uses.includes('beta'));
      expect(estimatorChoices(name).some((e) => e.value === 'dreg')).toBe(
        spec.dregSurrogate !== undefined,
      );
    }
    expect(settingApplies('groups', { ...image, latent: 'bn', objective: 'miwae' })).toBe(true);
    expect(settingApplies('beta', { ...image, latent: 'bn', objective: 'iwae' })).toBe(false);
  });

  it('offers a newly registered objective', () => {
    const unregister = registerObjective({
      name: 'test-midpoint',
      label: 'Midpoint',
      reference: 'A test',
      description: 'the ELBO, under another name',
      uses: ['k', 'beta'],
      bound: (logWeights: tf.Tensor) => elbo(logWeights),
    });
    try {
      expect(objectiveChoices().at(-1)).toEqual({
        value: 'test-midpoint',
        label: 'Midpoint',
        description: 'the ELBO, under another name (A test)',
      });
      const s = { ...image, latent: 'bn', objective: 'test-midpoint' as 'elbo' };
      expect(settingApplies('beta', s)).toBe(true);
      expect(settingApplies('groups', s)).toBe(false);
    } finally {
      unregister();
    }
  });

  it('shows text settings on the text page only, and takes ranges and help from CONFIG_FIELDS', () => {
    const s = { latent: 'bn', objective: 'elbo' as const };
    expect(settingApplies('embedding', { ...s, task: 'image' })).toBe(false);
    expect(settingApplies('wordDropout', { ...s, task: 'text' })).toBe(true);
    for (const key of ['gamma', 'tau', 'latentDim', 'beta', 'seed'] as const) {
      const f = CONFIG_FIELDS.find((c) => c.key === key)!;
      expect(numberField(key)).toMatchObject({ min: f.min, max: f.max });
      expect(numberField(key).help).toBe(
        f.help.replace(/--latent (bn-su|bn)/, (_, name) => LATENT_FAMILIES.get(name).label),
      );
    }
    expect(numberField('gamma').help).toMatch(/^fixed BN scale for BN-VAE;/);
    expect(numberField('latentDim').step).toBe(1);
  });

  it("checks a run's settings by the CLI's rules, naming the setting", () => {
    expect(trainConfig(DEFAULT_SETTINGS)).toMatchObject({ data: 'mnist', maxSteps: 1000 });
    const bad = { ...DEFAULT_SETTINGS, objective: 'miwae' as const, k: 5, groups: 2 };
    expect(() => trainConfig(bad)).toThrow(ConfigError);
    try {
      trainConfig(bad);
    } catch (error) {
      expect((error as ConfigError).field).toBe('groups');
    }
    expect(() => trainConfig({ ...DEFAULT_SETTINGS, latent: 'vmf', latentDim: 1 })).toThrow(
      /latentDim: --latent vmf needs latentDim >= 2/,
    );
  });
});
