/** vitest set-up for this package: activate the backend named by `VAEKIT_TEST_BACKEND`. */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll } from 'vitest';
import { selectBackend } from './select-backend';

beforeAll(async () => {
  // PROD silences tfjs warnings (the cpu banner); IS_TEST's leak check misfires on wasm (#6518).
  tf.env().set('PROD', true);
  await selectBackend(process.env.VAEKIT_TEST_BACKEND ?? 'cpu');
});
