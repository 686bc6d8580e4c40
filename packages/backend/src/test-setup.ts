/** vitest set-up for this package: activate the backend named by `VAEKIT_TEST_BACKEND`. */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll } from 'vitest';
import { selectBackend } from './select-backend';

beforeAll(async () => {
  tf.env().set('IS_TEST', true);
  await selectBackend(process.env.VAEKIT_TEST_BACKEND ?? 'cpu');
});
