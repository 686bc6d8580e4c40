import { DEFAULT_TRAIN_CONFIG } from '@vaekit/trainer';
import { expect, it } from 'vitest';
import { TRAIN_FLAGS } from './train-flags';

it('every TrainConfig field has a flag', () => {
  const keys = new Set(TRAIN_FLAGS.map((f) => f.key).filter(Boolean));
  expect(Object.keys(DEFAULT_TRAIN_CONFIG).filter((k) => !keys.has(k as never))).toEqual([]);
});
