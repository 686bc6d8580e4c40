/**
 * vitest setup file: activates the backend named by `VAEKIT_TEST_BACKEND` (`wasm` or `cpu`,
 * set per vitest project by the shared config) before each test file runs.
 */
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@vaekit/backend';
import { beforeAll } from 'vitest';

beforeAll(async () => {
  // PROD silences tfjs warnings such as the cpu backend's 'install tfjs-node' banner. (Not
  // IS_TEST: its kernel leak check misreports tensors saved by tf.customGrad on wasm, #6518.)
  tf.env().set('PROD', true);
  const backend = process.env.VAEKIT_TEST_BACKEND ?? 'cpu';
  const selection = await selectBackend(backend);
  if (tf.getBackend() !== selection.tfjsName) {
    throw new Error(`test backend ${backend} did not activate (active: ${tf.getBackend()})`);
  }
});
