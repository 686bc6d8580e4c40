import { CONFIG_FIELDS, type ConfigField } from './config-fields';
import {
  DEFAULT_TRAIN_CONFIG,
  type TrainConfig,
  isTextData,
  resolveModelKind,
} from './train-config';

/** An invalid configuration value: names the field, the value and the valid choices or range. */
export class ConfigError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Merge `partial` over the defaults and check every field against {@link CONFIG_FIELDS}
 * (type, range, choices from the registries, cross-field checks), so a run fails before
 * anything is written. Unknown keys are rejected: a typo in a config file must not be silently
 * ignored.
 *
 * @throws ConfigError naming the field, the bad value and the valid choices or range.
 * @example
 * ```ts
 * resolveConfig({ latent: 'bn-su', tau: 0.6 }).tau; // 0.6
 * resolveConfig({ latent: 'bm' }); // ConfigError: latent: 'bm' is not one of gaussian, bn, bn-su, vmf, ...
 * ```
 */
export function resolveConfig(
  partial: Partial<Record<keyof TrainConfig, unknown>> = {},
): TrainConfig {
  if (partial === null || typeof partial !== 'object' || Array.isArray(partial)) {
    throw new ConfigError(
      'config',
      `config: expected an object of settings, got ${JSON.stringify(partial)}`,
    );
  }
  for (const key of Object.keys(partial)) {
    if (!Object.hasOwn(DEFAULT_TRAIN_CONFIG, key)) {
      throw new ConfigError(
        key,
        `unknown config key '${key}'. Valid keys: ${Object.keys(DEFAULT_TRAIN_CONFIG).join(', ')}`,
      );
    }
  }
  const config = { ...DEFAULT_TRAIN_CONFIG, ...partial } as TrainConfig;
  for (const f of CONFIG_FIELDS) checkType(f, config[f.key]);
  for (const f of CONFIG_FIELDS) {
    const problem = f.check?.(config[f.key] as never, config);
    if (problem !== undefined) throw new ConfigError(f.key, `${f.key}: ${problem}`);
  }
  const kind = resolveModelKind(config);
  if (kind === 'lstm' && !isTextData(config.data)) {
    throw new ConfigError(
      'model',
      `model: 'lstm' needs text data (brown or text:<file>), got data '${config.data}'`,
    );
  }
  if (kind === 'mlp' && isTextData(config.data)) {
    throw new ConfigError('model', `model: 'mlp' needs image data, got data '${config.data}'`);
  }
  return config;
}

/**
 * The settings in `given` that mean nothing for `config` (`--kappa` with `--latent bn`,
 * `--groups` with `--objective elbo`), each with the reason: the CLI prints them rather than
 * silently ignoring them.
 *
 * @example
 * ```ts
 * ignoredSettings(resolveConfig({ latent: 'bn', kappa: 20 }), ['kappa']);
 * // [{ key: 'kappa', reason: 'it applies to --latent vmf, not bn' }]
 * ```
 */
export function ignoredSettings(
  config: TrainConfig,
  given: Iterable<string>,
): { key: keyof TrainConfig; reason: string }[] {
  const out: { key: keyof TrainConfig; reason: string }[] = [];
  for (const key of given) {
    const f = CONFIG_FIELDS.find((c) => c.key === key);
    const reason = f?.ignoredBecause?.(config);
    if (f !== undefined && reason !== undefined) out.push({ key: f.key, reason });
  }
  return out;
}

/** The valid range of a numeric field, as error messages state it. */
export function describeRange(f: ConfigField): string {
  const what = f.type === 'integer' || f.type === 'list' ? 'an integer' : 'a number';
  const lo = f.min === undefined ? '' : `${f.minExclusive ? '>' : '>='} ${f.min}`;
  const hi = f.max === undefined ? '' : `${f.maxExclusive ? '<' : '<='} ${f.max}`;
  const range = [lo, hi].filter(Boolean).join(' and ');
  return range === '' ? what : `${what} ${range}`;
}

function inRange(f: ConfigField, v: number): boolean {
  if (!Number.isFinite(v)) return false;
  if (f.type === 'integer' || f.type === 'list') {
    if (!Number.isInteger(v)) return false;
  }
  if (f.min !== undefined && (f.minExclusive ? v <= f.min : v < f.min)) return false;
  if (f.max !== undefined && (f.maxExclusive ? v >= f.max : v > f.max)) return false;
  return true;
}

function checkType(f: ConfigField, value: unknown): void {
  const fail = (expected: string): never => {
    throw new ConfigError(f.key, `${f.key}: expected ${expected}, got ${show(value)}`);
  };
  switch (f.type) {
    case 'string':
      if (typeof value !== 'string') fail('a string');
      return;
    case 'choice': {
      const choices = f.choices!();
      if (typeof value !== 'string' || !choices.includes(value)) {
        throw new ConfigError(f.key, `${f.key}: '${value}' is not one of ${choices.join(', ')}`);
      }
      return;
    }
    case 'integer':
    case 'number':
      if (typeof value !== 'number' || !inRange(f, value)) fail(describeRange(f));
      return;
    case 'number-or-learned':
      if (value !== 'learned' && (typeof value !== 'number' || !inRange(f, value))) {
        fail(`${describeRange(f)} or 'learned'`);
      }
      return;
    case 'list':
      if (
        !Array.isArray(value) ||
        value.length === 0 ||
        value.some((v) => typeof v !== 'number' || !inRange(f, v))
      ) {
        fail(`a list of ${describeRange(f).replace(/^an integer/, 'integers')} (e.g. 512,256)`);
      }
      return;
  }
}

/** A value as an error message shows it: numbers as JavaScript prints them (`Infinity`, not `null`). */
function show(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  return JSON.stringify(value) ?? String(value);
}

/** One setting that differs between two configurations. */
export interface SettingChange {
  key: keyof TrainConfig;
  from: unknown;
  to: unknown;
  /** Whether a resumed run may take the new value ({@link ConfigField.resumable}). */
  resumable: boolean;
}

/**
 * The settings that differ between a run's saved configuration and the one it is resumed
 * with, each marked resumable or not: a run may change its length, learning rate, clipping,
 * evaluation and checkpoint cadence, patience and backend when resumed, but not what defines
 * its model or data.
 *
 * @example
 * ```ts
 * settingChanges(resolveConfig({ epochs: 3 }), resolveConfig({ epochs: 5, latentDim: 8 }));
 * // [{ key: 'latentDim', from: 32, to: 8, resumable: false }, { key: 'epochs', from: 3, to: 5, resumable: true }]
 * ```
 */
export function settingChanges(before: TrainConfig, after: TrainConfig): SettingChange[] {
  return CONFIG_FIELDS.filter(
    (f) => JSON.stringify(before[f.key]) !== JSON.stringify(after[f.key]),
  ).map((f) => ({
    key: f.key,
    from: before[f.key],
    to: after[f.key],
    resumable: f.resumable === true,
  }));
}
