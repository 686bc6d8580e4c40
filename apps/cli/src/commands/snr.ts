import { statSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import {
  type GradientSNRSummary,
  type ObjectiveOptions,
  objectiveGradientSNR,
  resolveObjectiveOptions,
} from '@vaekit/objectives';
import { UsageError } from '../flags';
import { writeOutput } from './output';
import { clampToSplit, runCommand } from './run-command';

/** The gradient estimators `vaekit snr --estimators` compares, in their default order. */
export const SNR_ESTIMATORS = ['iwae', 'dreg', 'miwae', 'piwae'] as const;

/** One of {@link SNR_ESTIMATORS}. */
export type SNREstimator = (typeof SNR_ESTIMATORS)[number];

/** The most importance samples per example `vaekit snr --k` takes (as `vaekit eval --k`). */
export const MAX_SNR_K = 100_000;

const DEFAULT_K = [1, 5, 50, 500];

/**
 * The objective options of one `vaekit snr` setting: `total` importance samples per example
 * under `estimator`, with `innerK` samples per group for the grouped estimators.
 *
 * ```
 * iwae   IWAE_T, reparameterised gradients        { objective: 'iwae', k: T }
 * dreg   IWAE_T, DReG encoder gradient            { objective: 'iwae', k: T, gradientEstimator: 'dreg' }
 * miwae  MIWAE(M = T/innerK, innerK) for both     { objective: 'miwae', k: T, groups: T/innerK }
 * piwae  IWAE_T decoder, MIWAE(M, innerK) encoder { objective: 'piwae', k: T, groups: T/innerK }
 * ```
 * The models are run in inference mode (`training: false`: batch norm's moving statistics, no
 * word dropout), so the only randomness is the posterior draws.
 *
 * References: Rainforth et al. 2018, "Tighter Variational Bounds are Not Necessarily Better"
 * (MIWAE, PIWAE); Tucker et al. 2018, "Doubly Reparameterized Gradient Estimators for Monte
 * Carlo Objectives" (DReG).
 *
 * @throws Error when `innerK` does not divide `total` (for miwae and piwae).
 * @example
 * ```ts
 * snrObjectiveOptions('piwae', 64, 8); // { objective: 'piwae', k: 64, groups: 8, training: false }
 * ```
 */
export function snrObjectiveOptions(
  estimator: SNREstimator,
  total: number,
  innerK: number,
): ObjectiveOptions {
  switch (estimator) {
    case 'iwae':
      return { objective: 'iwae', k: total, training: false };
    case 'dreg':
      return { objective: 'iwae', k: total, gradientEstimator: 'dreg', training: false };
    case 'miwae':
    case 'piwae':
      if (total % innerK !== 0) {
        throw new Error(`K = ${total} is not divisible by the samples per group ${innerK}`);
      }
      return { objective: estimator, k: total, groups: total / innerK, training: false };
  }
}

/**
 * `--estimators` as a list: comma-separated names of {@link SNR_ESTIMATORS}, repeats dropped.
 *
 * @throws UsageError naming `--estimators`, the unknown name and the valid ones.
 * @example
 * ```ts
 * parseEstimators('dreg, iwae'); // ['dreg', 'iwae']
 * ```
 */
export function parseEstimators(raw: string): SNREstimator[] {
  const names = raw.split(',').map((s) => s.trim());
  const out: SNREstimator[] = [];
  for (const name of names) {
    if (!(SNR_ESTIMATORS as readonly string[]).includes(name)) {
      throw new UsageError(
        `invalid value '${raw}' for '--estimators': ${name === '' ? 'an empty name' : `unknown estimator '${name}'`}; expected a comma-separated list of ${SNR_ESTIMATORS.join(', ')}`,
      );
    }
    if (!out.includes(name as SNREstimator)) out.push(name as SNREstimator);
  }
  return out;
}

/** A network's summary as `vaekit snr` writes it (no per-parameter arrays). */
interface NetworkSNR {
  snr: number | null;
  median: number | null;
  parameters: number;
}

/** One setting of `vaekit snr`'s output. */
interface SNRResult {
  estimator: SNREstimator;
  k: number;
  groups?: number;
  encoder: NetworkSNR;
  decoder: NetworkSNR;
  seconds: number;
}

/** The settings of one `vaekit snr` call, from its checked flags. */
interface Settings {
  ks: number[];
  estimators: SNREstimator[];
  innerK: number;
}

function settings(values: Record<string, unknown>): Settings {
  const ks = [...new Set((values['k'] as number[] | undefined) ?? DEFAULT_K)];
  const raw = values['estimators'] as string | undefined;
  const estimators = raw === undefined ? [...SNR_ESTIMATORS] : parseEstimators(raw);
  const innerK = (values['inner-k'] as number | undefined) ?? 1;
  return { ks, estimators, innerK };
}

/** `vaekit snr <run>`: gradient signal-to-noise ratios per estimator and K, as JSON. */
export const snrCommand = runCommand({
  name: 'snr',
  summary: `Measure the gradient signal-to-noise ratio of a trained run's current model (the weights of its
latest checkpoint) for the inference network (encoder) and the generative network (decoder),
for each gradient estimator and total number of importance samples K (Rainforth et al. 2018,
"Tighter Variational Bounds are Not Necessarily Better"; Tucker et al. 2018, DReG). On a fixed
batch, the first --examples test examples (images binarised as evaluation does), --draws
gradients are drawn per setting, each with its own posterior draws; a network's SNR is the mean
(and median) over its parameters of |mean| / std of the gradient over the draws.

Estimators: iwae (IWAE_K, reparameterised), dreg (IWAE_K with the DReG encoder gradient),
miwae (MIWAE with K/--inner-k groups of --inner-k samples) and piwae (IWAE_K for the decoder,
that MIWAE for the encoder). Every value of --k must be divisible by --inner-k for miwae and
piwae. The model runs in inference mode (batch norm's moving statistics, no word dropout), so
the only noise is the posterior draws'. Prints a line per setting as it is done, and writes
{ run, step, split, examples, draws, seed, innerK, results } to --out (default
<run>/snr-step<S>.json, S the checkpoint's step), replaced whole (a temporary file, renamed).
The time grows linearly with K, --examples and --draws.`,
  flags: [
    {
      name: 'k',
      type: 'list',
      placeholder: '<list>',
      min: 1,
      max: MAX_SNR_K,
      help: `total importance samples per example, comma-separated (default ${DEFAULT_K.join(',')})`,
    },
    {
      name: 'estimators',
      type: 'string',
      placeholder: '<list>',
      help: `gradient estimators, comma-separated, of ${SNR_ESTIMATORS.join(', ')} (default all)`,
    },
    {
      name: 'inner-k',
      type: 'integer',
      placeholder: '<n>',
      min: 1,
      max: MAX_SNR_K,
      help: 'samples per group for miwae and piwae; divides every --k (default 1: K groups of 1)',
    },
    {
      name: 'examples',
      type: 'integer',
      placeholder: '<n>',
      min: 1,
      max: 10_000,
      help: 'the fixed batch: the first n test examples (default 16)',
    },
    {
      name: 'draws',
      type: 'integer',
      placeholder: '<n>',
      min: 2,
      max: 100_000,
      help: 'gradient draws per setting (default 100)',
    },
    {
      name: 'out',
      type: 'string',
      placeholder: '<file.json>',
      help: 'output JSON file (default <run>/snr-step<S>.json)',
    },
  ],
  examples: [
    'vaekit snr runs/mnist-bn-iwae-20261121-120000',
    'vaekit snr runs/mnist-bn-iwae-20261121-120000 --k 1,5,50,500 --draws 100',
    'vaekit snr runs/mnist-bn-iwae-20261121-120000 --estimators miwae,piwae --k 8,64 --inner-k 8',
    'vaekit snr runs/mnist-bn-iwae-20261121-120000 --estimators iwae,dreg --out snr.json',
  ],
  check(values) {
    const { ks, estimators, innerK } = settings(values);
    const grouped = estimators.filter((e) => e === 'miwae' || e === 'piwae');
    if (grouped.length > 0) {
      const bad = ks.find((k) => k % innerK !== 0);
      if (bad !== undefined) {
        throw new UsageError(
          `invalid value '${bad}' in '--k': not divisible by --inner-k ${innerK} (${grouped.join(' and ')} split K into groups of --inner-k samples); expected multiples of ${innerK}`,
        );
      }
    }
    // The objectives' own checks, before any work (cannot fail for the options built above,
    // but a refusal here is a usage error rather than a failure halfway through).
    for (const estimator of estimators) {
      for (const k of ks) {
        try {
          resolveObjectiveOptions(snrObjectiveOptions(estimator, k, innerK));
        } catch (error) {
          throw new UsageError(
            `--estimators ${estimator} with --k ${k}: ${(error as Error).message}`,
          );
        }
      }
    }
    checkJsonOut(values['out'] as string | undefined);
  },
  validate({ data }, values, ctx) {
    values['examples'] = clampToSplit(
      'examples',
      (values['examples'] as number | undefined) ?? 16,
      data.test.size,
      'test',
      ctx,
    );
  },
  run({ run, data, model, step }, values, ctx) {
    const { ks, estimators, innerK } = settings(values);
    const examples = values['examples'] as number;
    const draws = (values['draws'] as number | undefined) ?? 100;
    const seed = (values['seed'] as number | undefined) ?? 0;
    if (values['inner-k'] !== undefined && !estimators.some((e) => e === 'miwae' || e === 'piwae'))
      ctx.stderr.write('note: --inner-k applies to miwae and piwae only; ignored\n');
    const out = (values['out'] as string | undefined) ?? run.file(`snr-step${step}.json`);
    const variables = { encoder: model.encoderVariables, decoder: model.decoderVariables };
    const write = (line: string) => ctx.stdout.write(`${line}\n`);
    write(
      `gradient SNR of ${run.path} at step ${step}: ${examples} test examples, ${draws} draws per setting, seed ${seed}`,
    );
    write(
      tableRow([
        'estimator',
        'K',
        'groups',
        'enc mean',
        'enc median',
        'dec mean',
        'dec median',
        'seconds',
      ]),
    );
    const results: SNRResult[] = [];
    const x = data.test.head(examples);
    try {
      for (const estimator of estimators) {
        for (const k of ks) {
          const options = snrObjectiveOptions(estimator, k, innerK);
          const started = Date.now();
          const snr = objectiveGradientSNR(model, x, options, variables, { draws, seed });
          const seconds = (Date.now() - started) / 1000;
          const result: SNRResult = {
            estimator,
            k,
            ...(options.groups !== undefined ? { groups: options.groups } : {}),
            encoder: summary(snr.encoder),
            decoder: summary(snr.decoder),
            seconds,
          };
          results.push(result);
          write(
            tableRow([
              estimator,
              String(k),
              options.groups === undefined ? '-' : String(options.groups),
              formatSNR(result.encoder.snr),
              formatSNR(result.encoder.median),
              formatSNR(result.decoder.snr),
              formatSNR(result.decoder.median),
              seconds.toFixed(1),
            ]),
          );
        }
      }
    } finally {
      x.dispose();
    }
    const record = {
      run: run.path,
      step,
      split: 'test',
      examples,
      draws,
      seed,
      innerK,
      results,
    };
    writeOutput(out, `${JSON.stringify(record, null, 2)}\n`, ctx);
    write(`wrote ${out}`);
  },
});

/** A usage error unless `out` (when given) is a `.json` file in an existing directory. */
function checkJsonOut(out: string | undefined): void {
  if (out === undefined) return;
  const bad = (problem: string): never => {
    throw new UsageError(
      `invalid value '${out}' for '--out': ${problem}; expected a file name ending in .json`,
    );
  };
  let isDirectory = false;
  try {
    isDirectory = statSync(out).isDirectory();
  } catch {
    let parent = false;
    try {
      parent = statSync(dirname(resolve(out))).isDirectory();
    } catch {
      parent = false;
    }
    if (!parent) bad(`directory ${dirname(out)} does not exist`);
  }
  if (isDirectory) bad('is a directory');
  if (extname(out).toLowerCase() !== '.json') bad('the SNR results are written as JSON');
}

function summary(s: GradientSNRSummary | undefined): NetworkSNR {
  if (s === undefined) return { snr: null, median: null, parameters: 0 };
  const finite = (v: number) => (Number.isFinite(v) ? v : null);
  return { snr: finite(s.snr), median: finite(s.median), parameters: s.parameters };
}

function formatSNR(v: number | null): string {
  if (v === null) return '-';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(2);
  return a >= 1000 ? v.toFixed(0) : v.toPrecision(4);
}

const WIDTHS = [9, 7, 7, 11, 11, 11, 11, 8];

function tableRow(cells: string[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(WIDTHS[i]!) : c.padStart(WIDTHS[i]!))).join(' ');
}
