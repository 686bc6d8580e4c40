/**
 * vitest setup of @vaekit/layers, run after the shared `@vaekit/test-utils/setup`: switches off
 * tfjs's IS_TEST kernel leak check once the backend is up (see vitest.config.ts for why). The
 * cpu backend prints its banner on first use unless IS_TEST is set, so one tensor is made first.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll } from 'vitest';

beforeAll(() => {
  tf.zeros([1]).dispose();
  tf.env().set('IS_TEST', false);
});
