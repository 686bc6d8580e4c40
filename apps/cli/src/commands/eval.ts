import { evaluate } from '@vaekit/core';
import { runCommand } from './run-command';

/** `vaekit eval <run>`: the paper metrics on a split, printed and written to `eval.json`. */
export const evalCommand = runCommand({
  name: 'eval',
  summary: `Evaluate a trained model: NLL by importance sampling (-IWAE_K, Burda et al. 2015), ELBO,
KL to the prior, mutual information I_q(x;z) (He et al. 2019), active units, and perplexity for
text. Prints the metrics and writes them to <run>/eval.json.`,
  flags: [
    {
      name: 'k',
      type: 'integer',
      placeholder: '<n>',
      help: 'importance samples (default 5000 for images, 500 for text)',
    },
    {
      name: 'split',
      type: 'choice',
      choices: ['test', 'validation'],
      help: 'data split (default test)',
    },
    {
      name: 'examples',
      type: 'integer',
      placeholder: '<n>',
      help: 'evaluate the first n examples (default: all)',
    },
    {
      name: 'batch-size',
      type: 'integer',
      placeholder: '<n>',
      help: 'examples per pass (default 100)',
    },
  ],
  examples: [
    'vaekit eval runs/mnist-bn-elbo-20261121-120000',
    'vaekit eval runs/mnist-bn-elbo-20261121-120000 --k 100 --examples 1000   # quick',
    'vaekit eval runs/brown-bn-elbo-20261121-130000 --k 500',
  ],
  run({ run, data, model }, values, ctx) {
    const split = (values['split'] as 'test' | 'validation' | undefined) ?? 'test';
    const k = (values['k'] as number | undefined) ?? (data.kind === 'image' ? 5000 : 500);
    const examples = (values['examples'] as number | undefined) ?? data[split].size;
    const started = Date.now();
    const result = evaluate(model, data[split], data.kind, {
      k,
      examples,
      seed: (values['seed'] as number | undefined) ?? 0,
      batchSize: (values['batch-size'] as number | undefined) ?? 100,
      onProgress: (done, total) => {
        if (ctx.stderr.isTTY) ctx.stderr.write(`\r\x1b[2Kevaluating ${done}/${total}`);
      },
    });
    if (ctx.stderr.isTTY) ctx.stderr.write('\r\x1b[2K');
    const seconds = (Date.now() - started) / 1000;
    run.writeJson('eval.json', { split, ...result, seconds });
    const lines = [
      `split ${split}: ${result.examples} examples, K = ${result.k} (${seconds.toFixed(1)} s)`,
      `NLL            ${result.nll.toFixed(3)} nats`,
      `ELBO           ${result.elbo.toFixed(3)} nats`,
      `KL             ${result.kl.toFixed(3)} nats`,
      `mutual info    ${result.mutualInformation.toFixed(3)} nats`,
      `active units   ${result.activeUnits} / ${model.latentDim}`,
      ...(result.perplexity !== undefined
        ? [`perplexity     ${result.perplexity.toFixed(2)}`]
        : []),
    ];
    ctx.stdout.write(`${lines.join('\n')}\n`);
  },
});
