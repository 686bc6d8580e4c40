import { packageTests } from '../../vitest.base';

const config = packageTests();

// After the shared setup has activated the backend, switch off tfjs's test-mode kernel leak
// check (IS_TEST): on wasm it reports the tensors that every `tf.customGrad` op saves for its
// backward pass as leaked (wasm's Identity kernel copies), which makes training any
// tf.layers.dense (tfjs's fused matMul is a customGrad) throw under tf.grad. Leaks are checked
// with tf.memory() in the tests (expectNoLeaks) instead. See src/internal/test-setup.ts.
for (const project of (config.test?.projects ?? []) as { test: { setupFiles: string[] } }[]) {
  project.test.setupFiles = [...project.test.setupFiles, './src/internal/test-setup.ts'];
}

export default config;
