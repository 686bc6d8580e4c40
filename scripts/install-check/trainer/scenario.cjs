/** @vaekit/trainer: a few training steps on MNIST into a temporary run directory. */
exports.run = async ([tf, { train }]) => {
  const { mkdtempSync, rmSync } = require('node:fs');
  const { join } = require('node:path');
  const dir = mkdtempSync(join(require('node:os').tmpdir(), 'vaekit-consumer-run-'));
  try {
    const result = await train(
      { hidden: [16], latentDim: 2, batchSize: 16, maxSteps: 3, evalExamples: 32, evalK: 4 },
      { out: join(dir, 'run') },
    );
    if (result.status !== 'completed' || !Number.isFinite(result.test.nll))
      throw new Error(JSON.stringify(result));
    return `NLL ${result.test.nll.toFixed(1)} on ${tf.getBackend()}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
