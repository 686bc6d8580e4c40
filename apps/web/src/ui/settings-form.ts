import {
  CONFIG_FIELDS,
  type ConfigField,
  DEFAULT_TRAIN_CONFIG,
  LATENT_FAMILIES,
  type LatentFamilySpec,
  type TrainConfig,
} from '@vaekit/core';
import { GRADIENT_ESTIMATORS, objectiveSpec } from '@vaekit/objectives';
import type { TRAIN_SETTING_KEYS, TrainSettings } from '../shared/types';

/**
 * What the training form shows, generated from the registries and the CLI's settings: the
 * latent families of `LATENT_FAMILIES`, the objectives (the choices of the `objective`
 * setting, `@vaekit/objectives`), and for each setting its help, range and whether it applies
 * to the chosen family, objective and task (`CONFIG_FIELDS`' `ignoredBecause`). Registering a
 * family or an objective puts it in the form with no change here. Pure functions, no DOM.
 */

export type SettingKey = (typeof TRAIN_SETTING_KEYS)[number];

/** One entry of a menu: the value, its label, and its description (with the paper) for help. */
export interface Choice {
  value: string;
  label: string;
  description: string;
}

/** The labels the form gives the settings (their help and ranges come from CONFIG_FIELDS). */
export const SETTING_LABELS: Record<SettingKey, string> = {
  latent: 'Latent family',
  latentDim: 'Latent dimension d',
  gamma: 'BN scale γ',
  tau: 'Scaler τ',
  kappa: 'Concentration κ',
  objective: 'Objective',
  k: 'Samples K',
  groups: 'Groups M',
  beta: 'CIWAE weight β',
  gradientEstimator: 'Encoder gradient',
  hidden: 'Hidden units',
  embedding: 'Embedding size',
  wordDropout: 'Word dropout',
  batchSize: 'Batch size',
  lr: 'Learning rate',
  clipNorm: 'Gradient clip',
  evalEvery: 'Evaluate every (steps)',
  seed: 'Seed',
};

/** The symbols of the latent families' parameters, for run labels (`BN-VAE γ=0.5`). */
const SYMBOLS: Record<string, string> = { gamma: 'γ', tau: 'τ', kappa: 'κ' };

/**
 * Help of the settings whose meaning differs in the browser (the CLI's `hidden` is a list of
 * layers; its `evalEvery` 0 means once per epoch, which a run of steps does not have).
 */
const BROWSER_HELP: Partial<Record<SettingKey, string>> = {
  hidden: 'units of the hidden layer (MLP) or of the LSTM',
  evalEvery: 'held-out loss, KL, active units and samples every n steps',
};

/** The CLI's help of a setting for the form: `--latent bn` reads as the family's label. */
export function settingHelp(key: SettingKey): string {
  return (
    BROWSER_HELP[key] ??
    configField(key).help.replace(/--latent ([a-z0-9-]+)/g, (flag, name: string) =>
      LATENT_FAMILIES.has(name) ? LATENT_FAMILIES.get(name).label : flag,
    )
  );
}

/** Spinner steps of the real-valued settings (integers step by 1). */
const STEPS: Partial<Record<SettingKey, number>> = {
  gamma: 0.05,
  tau: 0.05,
  kappa: 1,
  beta: 0.05,
  wordDropout: 0.05,
  lr: 0.0001,
  clipNorm: 0.5,
};

/** The CLI's description of a setting. */
export function configField(key: keyof TrainConfig): ConfigField {
  const field = CONFIG_FIELDS.find((f) => f.key === key);
  if (field === undefined) throw new Error(`no setting '${key}' in CONFIG_FIELDS`);
  return field;
}

/** The latent families, in registration order, as the family menu lists them. */
export function latentChoices(): Choice[] {
  return LATENT_FAMILIES.list().map((f) => ({
    value: f.name,
    label: f.label,
    description: `${f.description} (${f.reference})`,
  }));
}

/** The objectives, as the objective menu lists them. */
export function objectiveChoices(): Choice[] {
  return configField('objective').choices!().map((name) => {
    const spec = objectiveSpec(name);
    return {
      value: name,
      label: spec.label,
      description: `${spec.description} (${spec.reference})`,
    };
  });
}

/** The encoder gradient estimators an objective takes (DReG only where it has a surrogate). */
export function estimatorChoices(objective: string): Choice[] {
  const dreg = objectiveSpec(objective).dregSurrogate !== undefined;
  return GRADIENT_ESTIMATORS.filter((e) => e !== 'dreg' || dreg).map((e) => ({
    value: e,
    label: e === 'dreg' ? 'DReG (Tucker et al. 2018)' : 'reparameterised (pathwise)',
    description:
      e === 'dreg'
        ? 'doubly reparameterised gradients for the encoder (Tucker et al. 2018)'
        : 'the pathwise gradient of the bound',
  }));
}

/** The form's choices and task, as a config whose `ignoredBecause` answers can be asked. */
function configOf(s: Pick<TrainSettings, 'task' | 'latent' | 'objective'>): TrainConfig {
  return {
    ...DEFAULT_TRAIN_CONFIG,
    latent: s.latent,
    objective: s.objective,
    data: s.task === 'image' ? 'mnist' : 'brown',
  };
}

/**
 * Whether a setting applies to a task, latent family and objective: γ to BN-VAE, κ to the
 * spherical families, M to MIWAE and PIWAE, the embedding to text... (`CONFIG_FIELDS`'
 * `ignoredBecause`, from the families' `parameters` and the objectives' options). The form
 * hides the others, and a run uses their defaults.
 */
export function settingApplies(
  key: SettingKey,
  s: Pick<TrainSettings, 'task' | 'latent' | 'objective'>,
): boolean {
  if (key === 'gradientEstimator') return estimatorChoices(s.objective).length > 1;
  return configField(key).ignoredBecause?.(configOf(s)) === undefined;
}

/** A number input's attributes and help: the setting's range and help (CONFIG_FIELDS). */
export function numberField(key: SettingKey): {
  min?: number;
  max?: number;
  step: number | 'any';
  help: string;
} {
  const f = configField(key);
  const integer = f.type === 'integer' || f.type === 'list';
  return {
    ...(f.min !== undefined ? { min: f.min } : {}),
    ...(f.max !== undefined ? { max: f.max } : {}),
    step: integer ? 1 : (STEPS[key] ?? 'any'),
    help: settingHelp(key),
  };
}

/** The family's spec, when it is registered. */
function family(name: string): LatentFamilySpec | undefined {
  return LATENT_FAMILIES.has(name) ? LATENT_FAMILIES.get(name) : undefined;
}

/**
 * What the form says under the family menu: its description, paper and the KL floor it keeps
 * (its `klFloor` for these settings).
 */
export function familyHint(
  s: Pick<TrainSettings, 'latent' | 'latentDim' | 'gamma' | 'tau' | 'kappa'>,
): string {
  const spec = family(s.latent);
  if (spec === undefined) return '';
  let floor: number | undefined;
  try {
    floor = spec.klFloor(s);
  } catch {
    floor = undefined;
  }
  const kl =
    floor === undefined || !Number.isFinite(floor)
      ? ''
      : ` Its KL to the prior stays at or above ${floor.toFixed(1)} nats with these settings.`;
  return `${spec.description} (${spec.reference}).${kl}`;
}

/** A short label of a run: `BN-VAE γ=0.5, d=16, IWAE K=5`. */
export function runLabel(s: TrainSettings): string {
  const spec = family(s.latent);
  const parameters = (spec?.parameters ?? []).map((p) => ` ${SYMBOLS[p] ?? p}=${s[p]}`).join('');
  const objective =
    s.objective === 'elbo' && s.k === 1
      ? objectiveSpec('elbo').label
      : `${objectiveSpec(s.objective).label} K=${s.k}`;
  const dropout = s.task === 'text' && s.wordDropout > 0 ? `, dropout ${s.wordDropout}` : '';
  return `${spec?.label ?? s.latent}${parameters}, d=${s.latentDim}, ${objective}${dropout}`;
}
