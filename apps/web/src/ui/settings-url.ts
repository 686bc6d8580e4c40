import { type TrainSettings, TRAIN_SETTING_KEYS } from '../shared/types';
import { estimatorChoices, latentChoices, objectiveChoices } from './settings-form';

/**
 * A training tab's settings in its URL (`#train?latent=vmf&kappa=50&steps=400`): only the
 * settings that differ from the tab's defaults, with the CLI's names (`latentDim`, `k`, ...) and
 * values as the form shows them (`kappa=learned`, `hidden=128`). Pure functions over the form's
 * string values; the form checks a run's settings when it starts (`resolveConfig`).
 */

/** The keys a link may set: the settings the form shows (not `clipNorm`), and `steps`. */
export const URL_SETTING_KEYS = [
  ...TRAIN_SETTING_KEYS.filter((k) => k !== 'clipNorm'),
  'steps',
] as const;
export type UrlSettingKey = (typeof URL_SETTING_KEYS)[number];

/** The form's values of `settings` (strings, as the inputs hold them). */
export function formValues(settings: TrainSettings): Record<UrlSettingKey, string> {
  return Object.fromEntries(
    URL_SETTING_KEYS.map((key) => {
      const v = settings[key];
      return [key, String(Array.isArray(v) ? v[0] : v)];
    }),
  ) as Record<UrlSettingKey, string>;
}

/** The query of the values that differ from the defaults, in {@link URL_SETTING_KEYS} order. */
export function settingsQuery(
  values: Partial<Record<UrlSettingKey, string>>,
  defaults: Record<UrlSettingKey, string>,
): string {
  const params = new URLSearchParams();
  for (const key of URL_SETTING_KEYS) {
    const v = values[key];
    if (v === undefined || v.trim() === '') continue;
    if (v !== defaults[key] && !(Number(v) === Number(defaults[key]) && v.trim() !== ''))
      params.set(key, v);
  }
  return params.toString();
}

const MENUS: Partial<Record<UrlSettingKey, () => string[]>> = {
  latent: () => latentChoices().map((c) => c.value),
  objective: () => objectiveChoices().map((c) => c.value),
  gradientEstimator: () => ['reparameterized', 'dreg'],
};

/**
 * The settings a link's query sets, and what it holds that the form cannot take (unknown
 * keys, values of the wrong kind), each as a sentence.
 */
export function parseSettingsQuery(query: string): {
  values: Partial<Record<UrlSettingKey, string>>;
  problems: string[];
} {
  const values: Partial<Record<UrlSettingKey, string>> = {};
  const problems: string[] = [];
  for (const [key, value] of new URLSearchParams(query)) {
    if (!(URL_SETTING_KEYS as readonly string[]).includes(key)) {
      problems.push(`'${key}' is not a setting of this form`);
      continue;
    }
    const k = key as UrlSettingKey;
    const menu = MENUS[k];
    if (menu) {
      const choices = menu();
      if (!choices.includes(value)) {
        problems.push(`${key}=${value} is not one of ${choices.join(', ')}`);
        continue;
      }
    } else if (!(k === 'kappa' && value === 'learned') && !Number.isFinite(Number(value))) {
      problems.push(`${key}=${value} is not a number`);
      continue;
    } else if (value.trim() === '') {
      problems.push(`${key} has no value`);
      continue;
    }
    values[k] = value;
  }
  if (values.gradientEstimator === 'dreg') {
    const objective = values.objective ?? 'elbo';
    if (!estimatorChoices(objective).some((c) => c.value === 'dreg')) {
      problems.push(`gradientEstimator=dreg does not apply to the objective ${objective}`);
      delete values.gradientEstimator;
    }
  }
  return { values, problems };
}
