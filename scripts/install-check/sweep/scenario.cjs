/** @vaekit/sweep: a 2-run sweep of a few steps on the local pool (a forked worker process). */
exports.run = async ([tf, { runSweepLocally, validateSweep, collectResults }]) => {
  const { mkdtempSync, rmSync } = require('node:fs');
  const { join } = require('node:path');
  const dir = mkdtempSync(join(require('node:os').tmpdir(), 'vaekit-consumer-sweep-'));
  try {
    const spec = validateSweep({
      base: { hidden: [16], latentDim: 2, batchSize: 16, maxSteps: 3, evalExamples: 32, evalK: 4 },
      grid: { objective: ['elbo', 'iwae'] },
      metrics: ['nll'],
    });
    const result = await runSweepLocally(spec, { out: join(dir, 'sweep'), workers: 1 });
    if (result.status !== 'completed' || result.outcomes.length !== 2)
      throw new Error(JSON.stringify(result));
    const { groups } = collectResults(spec, join(dir, 'sweep'));
    return `NLL ${groups.map((g) => g.metrics.nll.mean.toFixed(1)).join(', ')} (tfjs ${tf.version_core})`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
