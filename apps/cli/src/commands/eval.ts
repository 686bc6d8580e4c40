import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { type RunDirectory, evaluateParallel, evaluationThreads } from '@vaekit/trainer';
import { duration } from '../progress';
import type { CommandContext } from './context';
import { clampToSplit, runCommand } from './run-command';

/**
 * The most importance samples `vaekit eval --k` takes: 20 times the papers' 5000. The time grows
 * linearly with K, so a typo such as `--k 1e9` would otherwise run for days with no progress.
 */
export const MAX_EVAL_K = 100_000;

/** `vaekit eval <run>`: the paper metrics on a split, printed and written to the run. */
export const evalCommand = runCommand({
  name: 'eval',
  summary: `Evaluate a trained model: NLL by importance sampling (-IWAE_K, Burda et al. 2015), ELBO,
KL to the prior, mutual information I_q(x;z) (He et al. 2019), active units, and perplexity for
text. Prints the metrics and writes them to <run>/eval-<split>-k<K>-n<examples>.json. It also
replaces <run>/eval.json (the test evaluation 'vaekit train' wrote) when this evaluation is at
least as thorough as the one there: the same split, K and examples no smaller; otherwise
eval.json is kept and the output says so.

--k is at most ${MAX_EVAL_K} (the papers use 5000; the time grows linearly with K). --examples
larger than the split evaluates the whole split, with a note. Progress goes to stderr: a line
redrawn in place on a terminal, otherwise a line every 10% (or 30 s) of the examples.

--threads splits the batches over worker threads (default: one per core); every batch keeps its
own seed, so the metrics are the same, bit for bit, for any thread count.`,
  flags: [
    {
      name: 'k',
      type: 'integer',
      placeholder: '<n>',
      min: 1,
      max: MAX_EVAL_K,
      help: 'importance samples (default 5000; text 500)',
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
      min: 1,
      max: 10_000_000,
      help: 'first n examples of the split (default: all)',
    },
    {
      name: 'batch-size',
      type: 'integer',
      placeholder: '<n>',
      min: 1,
      max: 10_000,
      help: 'examples per pass (default 100)',
    },
    {
      name: 'threads',
      type: 'integer',
      placeholder: '<n>',
      min: 0,
      max: 256,
      help: 'worker threads (default 0: one per core); the result does not depend on it',
    },
  ],
  examples: [
    'vaekit eval runs/mnist-bn-elbo-20261121-120000',
    'vaekit eval runs/mnist-bn-elbo-20261121-120000 --k 100 --examples 1000   # quick',
    'vaekit eval runs/brown-bn-elbo-20261121-130000 --k 500',
    'vaekit eval runs/mnist-bn-elbo-20261121-120000 --threads 1        # on this thread only',
  ],
  validate({ data }, values, ctx) {
    const split = (values['split'] as 'test' | 'validation' | undefined) ?? 'test';
    values['examples'] = clampToSplit(
      'examples',
      values['examples'] as number | undefined,
      data[split].size,
      split,
      ctx,
    );
  },
  async run({ run, data, model }, values, ctx) {
    const split = (values['split'] as 'test' | 'validation' | undefined) ?? 'test';
    const k = (values['k'] as number | undefined) ?? (data.kind === 'image' ? 5000 : 500);
    const examples = values['examples'] as number;
    const seed = (values['seed'] as number | undefined) ?? 0;
    const started = Date.now();
    const progress = new EvalProgress(ctx.stderr, examples);
    const batchSize = (values['batch-size'] as number | undefined) ?? 100;
    const requested = (values['threads'] as number | undefined) || availableParallelism();
    const threads = evaluationThreads(examples, batchSize, requested);
    const options = {
      k,
      examples,
      seed,
      batchSize,
      onProgress: (done: number) => progress.update(done),
      ...(data.vocabulary ? { vocabSize: data.vocabulary.size } : {}),
    };
    const result = await evaluateParallel(model.vae, data[split], data.kind, options, threads);
    progress.done();
    const seconds = (Date.now() - started) / 1000;
    const record: EvalRecord = { split, ...result, seed, seconds, threads };
    const name = `eval-${split}-k${result.k}-n${result.examples}.json`;
    run.writeJson(name, record);
    const kept = keptEvaluation(run, record);
    if (kept === undefined) run.writeJson('eval.json', record);
    const lines = [
      `split ${split}: ${result.examples} examples, K = ${result.k} (${seconds.toFixed(1)} s, ${threads === 1 ? '1 thread' : `${threads} threads`})`,
      `NLL            ${result.nll.toFixed(3)} nats`,
      `ELBO           ${result.elbo.toFixed(3)} nats`,
      `KL             ${result.kl.toFixed(3)} nats`,
      `mutual info    ${result.mutualInformation.toFixed(3)} nats`,
      `active units   ${result.activeUnits} / ${model.latentDim}`,
      ...(result.perplexity !== undefined
        ? [`perplexity     ${result.perplexity.toFixed(2)}`]
        : []),
      kept === undefined
        ? `wrote ${run.file(name)} and ${run.file('eval.json')}`
        : `wrote ${run.file(name)}; kept ${run.file('eval.json')} (${kept})`,
    ];
    ctx.stdout.write(`${lines.join('\n')}\n`);
  },
});

/** What `vaekit eval` writes. */
interface EvalRecord {
  split: string;
  k: number;
  examples: number;
  [metric: string]: unknown;
}

/**
 * Why `eval.json` must be kept rather than replaced by `record`: the reason when the evaluation
 * there is on another split or more thorough (larger K or more examples), `undefined` when
 * `record` is at least as thorough (or there is none, or it cannot be read).
 */
export function keptEvaluation(run: RunDirectory, record: EvalRecord): string | undefined {
  let existing: Partial<EvalRecord>;
  try {
    existing = JSON.parse(readFileSync(run.file('eval.json'), 'utf8')) as Partial<EvalRecord>;
  } catch {
    return undefined;
  }
  if (
    existing === null ||
    typeof existing !== 'object' ||
    typeof existing.k !== 'number' ||
    typeof existing.examples !== 'number'
  ) {
    return undefined;
  }
  const split = typeof existing.split === 'string' ? existing.split : 'test';
  const there = `${split} split, K = ${existing.k}, ${existing.examples} examples`;
  if (split !== record.split) return `it holds the ${there}`;
  if (existing.k > record.k || existing.examples > record.examples)
    return `its evaluation is more thorough: ${there}`;
  return undefined;
}

/**
 * Evaluation progress on stderr: on a terminal, one line redrawn in place
 * (`evaluating 1000/10000 (10%), ETA 2m10s`); otherwise (a pipe, a log file) the same line each
 * time another tenth of the examples is done, or 30 s have passed, and a last line with the
 * time taken. It advances once per batch (`--batch-size`).
 */
export class EvalProgress {
  private readonly started: number;
  private lastTenth = 0;
  private lastLine: number;
  private drawn = false;

  constructor(
    private readonly stream: CommandContext['stderr'],
    private readonly total: number,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
    this.lastLine = this.started;
    if (stream.isTTY) {
      stream.write(`\r\x1b[2Kevaluating 0/${total} (0%), ETA --`);
      this.drawn = true;
    }
  }

  update(done: number): void {
    const now = this.now();
    const elapsed = (now - this.started) / 1000;
    if (done >= this.total) {
      if (!this.stream.isTTY)
        this.stream.write(`evaluated ${done}/${this.total} (100%) in ${duration(elapsed)}\n`);
      return;
    }
    const eta = done > 0 ? (elapsed * (this.total - done)) / done : Number.NaN;
    const line = `evaluating ${done}/${this.total} (${Math.floor((100 * done) / this.total)}%), ETA ${duration(eta)}`;
    if (this.stream.isTTY) {
      this.stream.write(`\r\x1b[2K${line}`);
      this.drawn = true;
      return;
    }
    const tenth = Math.floor((10 * done) / this.total);
    if (tenth > this.lastTenth || now - this.lastLine >= 30_000) {
      this.stream.write(`${line}\n`);
      this.lastTenth = tenth;
      this.lastLine = now;
    }
  }

  /** Clear the line drawn in place, if any. */
  done(): void {
    if (this.drawn) this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }
}
