import { CONFIG_FIELDS, DEFAULT_TRAIN_CONFIG, LATENT_FAMILIES } from '@vaekit/core';
import { objectiveNames } from '@vaekit/objectives';
import { expect, it } from 'vitest';
import { parseFlags } from './flags';
import { TRAIN_FLAGS, flagsToConfig } from './train-flags';

it('every TrainConfig field has a flag, generated from CONFIG_FIELDS', () => {
  const keys = new Set(TRAIN_FLAGS.map((f) => f.key).filter(Boolean));
  expect(Object.keys(DEFAULT_TRAIN_CONFIG).filter((k) => !keys.has(k as never))).toEqual([]);
  expect(TRAIN_FLAGS.filter((f) => f.key).map((f) => f.name)).toEqual(
    CONFIG_FIELDS.map((f) => f.flag),
  );
});

it('takes its choices from the registries', () => {
  expect(TRAIN_FLAGS.find((f) => f.name === 'latent')!.choices).toEqual(LATENT_FAMILIES.names());
  expect(TRAIN_FLAGS.find((f) => f.name === 'objective')!.choices).toEqual(objectiveNames());
});

it('reads --kappa as a number or learned, and refuses anything else', () => {
  const parse = (argv: string[]) => flagsToConfig(parseFlags(argv, TRAIN_FLAGS).values);
  expect(parse(['--kappa', '20'])).toEqual({ kappa: 20 });
  expect(parse(['--kappa=learned'])).toEqual({ kappa: 'learned' });
  expect(() => parse(['--kappa='])).toThrow(
    "invalid value '' for '--kappa': expected a number >= 0 and <= 1000000 or 'learned'",
  );
  expect(() => parse(['--kappa', 'lots'])).toThrow(
    /expected a number >= 0 and <= 1000000 or 'learned'/,
  );
});
