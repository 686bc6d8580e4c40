import { BACKEND_CHOICES } from '@vaekit/backend';
import {
  GRADIENT_ESTIMATORS,
  objectiveNames,
  objectiveSpec,
  parseKLSchedule,
} from '@vaekit/objectives';
import { DATA_SOURCES, dataKind, dataSpecSyntax, parseDataSpec } from '../registry/data-sources';
import { LATENT_FAMILIES } from '../registry/latent-families';
import type { TrainConfig } from './train-config';

/** How a field's value is written on a command line and checked. */
export type ConfigFieldType =
  | 'string'
  | 'choice'
  | 'integer'
  | 'number'
  | 'list'
  | 'number-or-learned';

/** Where a field belongs, for help text and forms. */
export type ConfigFieldGroup =
  | 'data'
  | 'model'
  | 'objective'
  | 'optimisation'
  | 'evaluation'
  | 'run';

/**
 * One setting of a run: its `TrainConfig` key, its command-line flag, its type, default and
 * valid range, its help text, and when it applies. {@link CONFIG_FIELDS} lists them all; the
 * defaults, the validator, the CLI's flags and help and the web app's forms are generated from
 * it, so a setting is described in exactly one place.
 */
export interface ConfigField<K extends keyof TrainConfig = keyof TrainConfig> {
  readonly key: K;
  /** The kebab-case flag: `--latent-dim`. */
  readonly flag: string;
  readonly type: ConfigFieldType;
  readonly group: ConfigFieldGroup;
  /** What the value looks like in help text: `<d>`. */
  readonly placeholder?: string;
  /** The valid choices of a `choice` field (read from its registry when asked). */
  choices?(): readonly string[];
  /** One line for `--help` and form labels, without the default. */
  readonly help: string;
  readonly default: TrainConfig[K];
  /** Smallest valid value of a numeric field, and whether it is allowed itself (default yes). */
  readonly min?: number;
  readonly minExclusive?: boolean;
  /** Largest valid value of a numeric field, and whether it is allowed itself (default yes). */
  readonly max?: number;
  readonly maxExclusive?: boolean;
  /** A check beyond type and range; returns the problem (without the field name), or nothing. */
  check?(value: TrainConfig[K], config: TrainConfig): string | undefined;
  /**
   * The setting may change when a run is resumed: it shapes how long and how the run goes on
   * (length, learning rate, clipping, evaluation, checkpoints), not the model or the data.
   */
  readonly resumable?: boolean;
  /**
   * Why the field means nothing for this configuration (`--kappa` with `--latent bn`,
   * `--groups` with `--objective elbo`), or `undefined` when it applies. Callers ask it for the
   * settings a user gave explicitly, to say so instead of silently ignoring them.
   */
  ignoredBecause?(config: TrainConfig): string | undefined;
}

const latentUses = (c: TrainConfig, parameter: 'gamma' | 'tau' | 'kappa') =>
  LATENT_FAMILIES.has(c.latent) && LATENT_FAMILIES.get(c.latent).parameters.includes(parameter)
    ? undefined
    : `it applies to --latent ${LATENT_FAMILIES.list()
        .filter((f) => f.parameters.includes(parameter))
        .map((f) => f.name)
        .join(', ')}, not ${c.latent}`;

const objectiveUses = (c: TrainConfig, option: 'groups' | 'beta') =>
  objectiveNames().includes(c.objective) && objectiveSpec(c.objective).uses.includes(option)
    ? undefined
    : `it applies to --objective ${objectiveNames()
        .filter((name) => objectiveSpec(name).uses.includes(option))
        .join(', ')}, not ${c.objective}`;

const isText = (c: TrainConfig) => dataKind(c.data) === 'text';
const textOnly = (c: TrainConfig) => (isText(c) ? undefined : 'it applies to text data only');
const imagesOnly = (c: TrainConfig) => (isText(c) ? 'it applies to image data only' : undefined);

/** Largest integer most settings accept: beyond it no run on one machine makes sense. */
const HUGE = 1e7;

function field<K extends keyof TrainConfig>(f: ConfigField<K>): ConfigField {
  return f as unknown as ConfigField;
}

/**
 * Every setting of a training run, in help order. The defaults are the main job: a BN-VAE
 * (Zhu et al. 2020, gamma 0.5) on dynamically binarised MNIST with an MLP 784-512-256-32 and
 * the ELBO, for 3 epochs.
 *
 * @example
 * ```ts
 * CONFIG_FIELDS.find((f) => f.key === 'latentDim')!.flag; // 'latent-dim'
 * ```
 */
export const CONFIG_FIELDS: readonly ConfigField[] = [
  field({
    key: 'data',
    flag: 'data',
    type: 'string',
    group: 'data',
    get placeholder() {
      return `<${DATA_SOURCES.list().map(dataSpecSyntax).join('|')}>`;
    },
    help: 'training data',
    default: 'mnist',
    check: (v) => {
      try {
        parseDataSpec(v);
        return undefined;
      } catch (error) {
        return (error as Error).message.replace(/^data: /, '');
      }
    },
  }),
  field({
    key: 'model',
    flag: 'model',
    type: 'choice',
    group: 'model',
    choices: () => ['auto', 'mlp', 'lstm'],
    help: 'network: mlp for images, lstm for text, auto picks from the data',
    default: 'auto',
  }),
  field({
    key: 'latent',
    flag: 'latent',
    type: 'choice',
    group: 'model',
    choices: () => LATENT_FAMILIES.names(),
    help: 'posterior family (bn: BN-VAE, Zhu et al. 2020)',
    default: 'bn',
  }),
  field({
    key: 'gamma',
    flag: 'gamma',
    type: 'number',
    group: 'model',
    placeholder: '<g>',
    help: 'fixed BN scale for --latent bn; KL floor d/2*gamma^2',
    default: 0.5,
    min: 0,
    minExclusive: true,
    max: 1e3,
    ignoredBecause: (c) => latentUses(c, 'gamma'),
  }),
  field({
    key: 'tau',
    flag: 'tau',
    type: 'number',
    group: 'model',
    placeholder: '<t>',
    help: "tau in (0,1) for --latent bn-su (Su's scaler); KL floor d/2*tau",
    default: 0.5,
    min: 0,
    minExclusive: true,
    max: 1,
    maxExclusive: true,
    ignoredBecause: (c) => latentUses(c, 'tau'),
  }),
  field({
    key: 'kappa',
    flag: 'kappa',
    type: 'number-or-learned',
    group: 'model',
    placeholder: '<k|learned>',
    help: 'concentration of a spherical posterior, or learned per example',
    default: 50,
    min: 0,
    max: 1e6,
    ignoredBecause: (c) => latentUses(c, 'kappa'),
  }),
  field({
    key: 'objective',
    flag: 'objective',
    type: 'choice',
    group: 'objective',
    choices: () => objectiveNames(),
    help: 'bound to maximise',
    default: 'elbo',
  }),
  field({
    key: 'k',
    flag: 'k',
    type: 'integer',
    group: 'objective',
    placeholder: '<n>',
    help: 'importance samples per example (all of them, M*K for miwae/piwae)',
    default: 1,
    min: 1,
    max: 100_000,
  }),
  field({
    key: 'groups',
    flag: 'groups',
    type: 'integer',
    group: 'objective',
    placeholder: '<m>',
    help: 'groups M for miwae/piwae; k must be divisible by it',
    default: 1,
    min: 1,
    max: 100_000,
    check: (groups, c) =>
      c.k % groups === 0 ? undefined : `k = ${c.k} is not divisible by groups = ${groups}`,
    ignoredBecause: (c) => objectiveUses(c, 'groups'),
  }),
  field({
    key: 'beta',
    flag: 'beta',
    type: 'number',
    group: 'objective',
    placeholder: '<b>',
    help: 'CIWAE weight in [0,1]: beta*ELBO + (1-beta)*IWAE',
    default: 0.5,
    min: 0,
    max: 1,
    ignoredBecause: (c) => objectiveUses(c, 'beta'),
  }),
  field({
    key: 'gradientEstimator',
    flag: 'gradient-estimator',
    type: 'choice',
    group: 'objective',
    choices: () => GRADIENT_ESTIMATORS,
    help: 'encoder gradient: reparameterized, or dreg (Tucker et al. 2018)',
    default: 'reparameterized',
  }),
  field({
    key: 'likelihood',
    flag: 'likelihood',
    type: 'choice',
    group: 'model',
    choices: () => ['bernoulli', 'gaussian'],
    help: 'image likelihood: bernoulli (dynamically binarised pixels) or gaussian',
    default: 'bernoulli',
    ignoredBecause: (c) => imagesOnly(c),
  }),
  field({
    key: 'latentDim',
    flag: 'latent-dim',
    type: 'integer',
    group: 'model',
    placeholder: '<d>',
    help: 'latent dimension',
    default: 32,
    min: 1,
    max: 4096,
    check: (d, c) => {
      if (!LATENT_FAMILIES.has(c.latent)) return undefined;
      const min = LATENT_FAMILIES.get(c.latent).minLatentDim;
      return d >= min ? undefined : `--latent ${c.latent} needs latentDim >= ${min}, got ${d}`;
    },
  }),
  field({
    key: 'hidden',
    flag: 'hidden',
    type: 'list',
    group: 'model',
    placeholder: '<n,n>',
    help: 'MLP hidden sizes, or the LSTM hidden size (first entry)',
    default: [512, 256],
    min: 1,
    max: 16_384,
  }),
  field({
    key: 'embedding',
    flag: 'embedding',
    type: 'integer',
    group: 'model',
    placeholder: '<n>',
    help: 'word embedding size for text',
    default: 256,
    min: 1,
    max: 16_384,
    ignoredBecause: (c) => textOnly(c),
  }),
  field({
    key: 'wordDropout',
    flag: 'word-dropout',
    type: 'number',
    group: 'model',
    placeholder: '<p>',
    help: 'decoder word dropout for text, in [0,1) (Bowman et al. 2016)',
    default: 0,
    min: 0,
    max: 1,
    maxExclusive: true,
    ignoredBecause: (c) => textOnly(c),
  }),
  field({
    key: 'vocabSize',
    flag: 'vocab-size',
    type: 'integer',
    group: 'data',
    placeholder: '<n>',
    help: 'vocabulary cap for text, special tokens included',
    default: 10_000,
    min: 5,
    max: HUGE,
    ignoredBecause: (c) => textOnly(c),
  }),
  field({
    key: 'minCount',
    flag: 'min-count',
    type: 'integer',
    group: 'data',
    placeholder: '<n>',
    help: 'minimum word count to enter the vocabulary',
    default: 1,
    min: 1,
    max: HUGE,
    ignoredBecause: (c) => textOnly(c),
  }),
  field({
    key: 'maxLength',
    flag: 'max-length',
    type: 'integer',
    group: 'data',
    placeholder: '<n>',
    help: 'sentence length cap in tokens',
    default: 30,
    min: 1,
    max: 10_000,
    ignoredBecause: (c) => textOnly(c),
  }),
  field({
    key: 'batchSize',
    flag: 'batch-size',
    type: 'integer',
    group: 'optimisation',
    placeholder: '<n>',
    help: 'examples per step',
    default: 128,
    min: 2,
    max: 1_000_000,
  }),
  field({
    key: 'epochs',
    resumable: true,
    flag: 'epochs',
    type: 'integer',
    group: 'optimisation',
    placeholder: '<n>',
    help: 'passes over the training set',
    default: 3,
    min: 0,
    max: 1_000_000,
    check: (epochs, c) =>
      epochs === 0 && c.maxSteps === 0
        ? 'set epochs >= 1 or maxSteps >= 1 (both are 0)'
        : undefined,
  }),
  field({
    key: 'maxSteps',
    resumable: true,
    flag: 'max-steps',
    type: 'integer',
    group: 'optimisation',
    placeholder: '<n>',
    help: 'stop after this many steps (0: no cap)',
    default: 0,
    min: 0,
    max: 1e12,
  }),
  field({
    key: 'lr',
    resumable: true,
    flag: 'lr',
    type: 'number',
    group: 'optimisation',
    placeholder: '<rate>',
    help: 'Adam learning rate',
    default: 1e-3,
    min: 0,
    minExclusive: true,
  }),
  field({
    key: 'clipNorm',
    resumable: true,
    flag: 'clip-norm',
    type: 'number',
    group: 'optimisation',
    placeholder: '<c>',
    help: 'global gradient-norm clip (0 disables clipping)',
    default: 5,
    min: 0,
    max: 1e12,
  }),
  field({
    key: 'klAnneal',
    flag: 'kl-anneal',
    type: 'string',
    group: 'objective',
    placeholder: '<none|constant:w|linear:N[:start]|cyclical:N[:cycles[:ratio]]>',
    help: 'KL weight schedule (Bowman et al. 2016; Fu et al. 2019)',
    default: 'none',
    check: (v) => {
      try {
        parseKLSchedule(v);
        return undefined;
      } catch (error) {
        return (error as Error).message;
      }
    },
  }),
  field({
    key: 'freeBits',
    flag: 'free-bits',
    type: 'number',
    group: 'objective',
    placeholder: '<nats>',
    help: 'free-bits floor per latent dimension in nats (Kingma et al. 2016; 0 disables)',
    default: 0,
    min: 0,
    max: 1e6,
    check: (v, c) =>
      v > 0 && LATENT_FAMILIES.has(c.latent) && !LATENT_FAMILIES.get(c.latent).factorizedKL
        ? `free bits need a factorised KL; the ${c.latent} KL does not factorise (use ${LATENT_FAMILIES.list()
            .filter((f) => f.factorizedKL)
            .map((f) => f.name)
            .join(', ')})`
        : undefined,
  }),
  field({
    key: 'evalEvery',
    resumable: true,
    flag: 'eval-every',
    type: 'integer',
    group: 'evaluation',
    placeholder: '<n>',
    help: 'validate every n steps (0: every epoch)',
    default: 0,
    min: 0,
    max: 1e12,
  }),
  field({
    key: 'patience',
    resumable: true,
    flag: 'patience',
    type: 'integer',
    group: 'evaluation',
    placeholder: '<n>',
    help: 'early stopping after n evaluations without improvement (0: off)',
    default: 0,
    min: 0,
    max: HUGE,
  }),
  field({
    key: 'lrPatience',
    resumable: true,
    flag: 'lr-patience',
    type: 'integer',
    group: 'evaluation',
    placeholder: '<n>',
    help: 'halve the learning rate after n evaluations without improvement (0: off)',
    default: 0,
    min: 0,
    max: HUGE,
  }),
  field({
    key: 'checkpointEvery',
    flag: 'checkpoint-every',
    resumable: true,
    type: 'integer',
    group: 'run',
    placeholder: '<n>',
    help: 'also write a checkpoint every n steps (0: at evaluations and epoch ends only)',
    default: 0,
    min: 0,
    max: 1e12,
  }),
  field({
    key: 'checkpointMinutes',
    flag: 'checkpoint-minutes',
    resumable: true,
    type: 'number',
    group: 'run',
    placeholder: '<m>',
    help: 'also write a checkpoint when m minutes have passed since the last one (0: off)',
    default: 10,
    min: 0,
    max: 1e6,
  }),
  field({
    key: 'seed',
    flag: 'seed',
    type: 'integer',
    group: 'run',
    placeholder: '<n>',
    help: 'random seed (an integer in [0, 2^32))',
    default: 0,
    min: 0,
    max: 2 ** 32 - 1,
  }),
  field({
    key: 'backend',
    resumable: true,
    flag: 'backend',
    type: 'choice',
    group: 'run',
    choices: () => BACKEND_CHOICES,
    help: 'tfjs backend (wasm-fma: wasm with fused multiply-add matmuls, faster, not bit-identical)',
    default: 'auto',
  }),
  field({
    key: 'threads',
    resumable: true,
    flag: 'threads',
    type: 'integer',
    group: 'run',
    placeholder: '<n>',
    help: 'threads for data-parallel training (0: auto, where it is faster; 1: off)',
    default: 0,
    min: 0,
    max: 256,
    check: (threads, c) =>
      threads > 1 && c.freeBits > 0
        ? `must be 0 or 1 with --free-bits (free bits act on the whole batch's mean KL, which data-parallel threads do not share), got ${threads}`
        : threads > c.batchSize
          ? `must be at most --batch-size (${c.batchSize}): each thread takes a share of the batch, got ${threads}`
          : undefined,
  }),
  field({
    key: 'evalK',
    resumable: true,
    flag: 'eval-k',
    type: 'integer',
    group: 'evaluation',
    placeholder: '<n>',
    help: 'importance samples for the NLL logged during training',
    default: 100,
    min: 1,
    max: 100_000,
  }),
  field({
    key: 'evalExamples',
    resumable: true,
    flag: 'eval-examples',
    type: 'integer',
    group: 'evaluation',
    placeholder: '<n>',
    help: 'validation/test examples evaluated during training',
    default: 1000,
    min: 1,
    max: HUGE,
  }),
  field({
    key: 'testK',
    resumable: true,
    flag: 'test-k',
    type: 'integer',
    group: 'evaluation',
    placeholder: '<n>',
    help: 'importance samples for the final test NLL (0: as --eval-k; papers use 5000)',
    default: 0,
    min: 0,
    max: 100_000,
  }),
  field({
    key: 'testExamples',
    resumable: true,
    flag: 'test-examples',
    type: 'integer',
    group: 'evaluation',
    placeholder: '<n>',
    help: 'test examples of the final evaluation (0: as --eval-examples)',
    default: 0,
    min: 0,
    max: HUGE,
  }),
];
