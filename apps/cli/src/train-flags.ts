import { CONFIG_FIELDS, type ConfigField, type TrainConfig } from '@vaekit/core';
import type { FlagSpec } from './flags';

/** A default as help text shows it: `512,256`, `0.001`, `auto`. */
function showDefault(value: unknown): string {
  return Array.isArray(value) ? value.join(',') : String(value);
}

/** The flag of a configuration field: generated, so flags and settings cannot drift apart. */
function fieldFlag(f: ConfigField): FlagSpec {
  return {
    name: f.flag,
    key: f.key,
    type: f.type,
    ...(f.choices ? { choices: f.choices() } : {}),
    ...(f.placeholder ? { placeholder: f.placeholder } : {}),
    ...(f.min !== undefined ? { min: f.min, minExclusive: f.minExclusive === true } : {}),
    ...(f.max !== undefined ? { max: f.max, maxExclusive: f.maxExclusive === true } : {}),
    help: `${f.help} (default ${showDefault(f.default)})`,
  };
}

/**
 * The flags of `vaekit train`: one per field of `CONFIG_FIELDS` (`@vaekit/core`), with its
 * choices read from the registries, then the flags of the command itself.
 */
export const TRAIN_FLAGS: readonly FlagSpec[] = [
  ...CONFIG_FIELDS.map(fieldFlag),
  {
    name: 'out',
    type: 'string',
    placeholder: '<dir>',
    help: 'run directory (default runs/<data>-<latent>-<objective>-<time>)',
  },
  {
    name: 'resume',
    type: 'string',
    placeholder: '<dir>',
    help: 'continue the run in <dir> from its checkpoint',
  },
  {
    name: 'config',
    type: 'string',
    placeholder: '<file.json>',
    help: 'read settings from a JSON file; flags override it',
  },
  {
    name: 'tensorboard',
    type: 'boolean',
    help: 'also write TensorBoard event files to <run>/tensorboard/ (tensorboard --logdir runs/)',
  },
  { name: 'quiet', type: 'boolean', help: 'print only errors and the final summary' },
  { name: 'help', type: 'boolean', help: 'show this help' },
];

/** Turn parsed flag values into a partial TrainConfig (keys of the flags that were given). */
export function flagsToConfig(values: Record<string, unknown>): Partial<TrainConfig> {
  const partial: Partial<Record<keyof TrainConfig, unknown>> = {};
  for (const spec of TRAIN_FLAGS) {
    if (spec.key !== undefined && spec.name in values) partial[spec.key] = values[spec.name];
  }
  return partial as Partial<TrainConfig>;
}
