import { GRADIENT_ESTIMATORS, OBJECTIVE_KINDS } from '@vaekit/objectives';
import { LATENT_KINDS, MODEL_KINDS, type TrainConfig } from '@vaekit/trainer';
import type { FlagSpec } from './flags';

/** The flags of `vaekit train`, each mapped to its {@link TrainConfig} key. */
export const TRAIN_FLAGS: readonly FlagSpec[] = [
  {
    name: 'data',
    key: 'data',
    type: 'string',
    placeholder: '<mnist|fashion-mnist|idx:<dir>|brown|text:<file>>',
    help: 'training data (default mnist)',
  },
  {
    name: 'model',
    key: 'model',
    type: 'choice',
    choices: MODEL_KINDS,
    help: 'network: mlp for images, lstm for text (default auto)',
  },
  {
    name: 'latent',
    key: 'latent',
    type: 'choice',
    choices: LATENT_KINDS,
    help: 'posterior family (default bn: BN-VAE, Zhu et al. 2020)',
  },
  {
    name: 'gamma',
    key: 'gamma',
    type: 'number',
    placeholder: '<g>',
    help: 'fixed BN scale for --latent bn; KL floor d/2*gamma^2 (default 0.5)',
  },
  {
    name: 'tau',
    key: 'tau',
    type: 'number',
    placeholder: '<t>',
    help: 'tau in (0,1) for --latent bn-su; KL floor d/2*tau (default 0.5)',
  },
  {
    name: 'kappa',
    key: 'kappa',
    type: 'string',
    placeholder: '<k|learned>',
    help: 'vMF concentration for --latent vmf (default 50)',
  },
  {
    name: 'objective',
    key: 'objective',
    type: 'choice',
    choices: OBJECTIVE_KINDS,
    help: 'bound to maximise (default elbo)',
  },
  {
    name: 'k',
    key: 'k',
    type: 'integer',
    placeholder: '<n>',
    help: 'importance samples per example (default 1)',
  },
  {
    name: 'groups',
    key: 'groups',
    type: 'integer',
    placeholder: '<m>',
    help: 'groups M for miwae/piwae; k must be divisible by it (default 1)',
  },
  {
    name: 'beta',
    key: 'beta',
    type: 'number',
    placeholder: '<b>',
    help: 'CIWAE weight in [0,1]: beta*ELBO + (1-beta)*IWAE (default 0.5)',
  },
  {
    name: 'gradient-estimator',
    key: 'gradientEstimator',
    type: 'choice',
    choices: GRADIENT_ESTIMATORS,
    help: 'encoder gradient for iwae/miwae/ciwae/piwae (default reparameterized)',
  },
  {
    name: 'likelihood',
    key: 'likelihood',
    type: 'choice',
    choices: ['bernoulli', 'gaussian'],
    help: 'image likelihood (default bernoulli, dynamically binarised)',
  },
  {
    name: 'latent-dim',
    key: 'latentDim',
    type: 'integer',
    placeholder: '<d>',
    help: 'latent dimension (default 32)',
  },
  {
    name: 'hidden',
    key: 'hidden',
    type: 'list',
    placeholder: '<n,n>',
    help: 'MLP hidden sizes, or LSTM hidden size (default 512,256)',
  },
  {
    name: 'embedding',
    key: 'embedding',
    type: 'integer',
    placeholder: '<n>',
    help: 'word embedding size for text (default 256)',
  },
  {
    name: 'word-dropout',
    key: 'wordDropout',
    type: 'number',
    placeholder: '<p>',
    help: 'decoder word dropout for text (default 0)',
  },
  {
    name: 'vocab-size',
    key: 'vocabSize',
    type: 'integer',
    placeholder: '<n>',
    help: 'vocabulary cap for text (default 10000)',
  },
  {
    name: 'max-length',
    key: 'maxLength',
    type: 'integer',
    placeholder: '<n>',
    help: 'sentence length cap in tokens (default 30)',
  },
  {
    name: 'batch-size',
    key: 'batchSize',
    type: 'integer',
    placeholder: '<n>',
    help: 'examples per step (default 128)',
  },
  {
    name: 'epochs',
    key: 'epochs',
    type: 'integer',
    placeholder: '<n>',
    help: 'passes over the training set (default 3)',
  },
  {
    name: 'max-steps',
    key: 'maxSteps',
    type: 'integer',
    placeholder: '<n>',
    help: 'stop after this many steps (default 0: no cap)',
  },
  {
    name: 'lr',
    key: 'lr',
    type: 'number',
    placeholder: '<rate>',
    help: 'Adam learning rate (default 1e-3)',
  },
  {
    name: 'clip-norm',
    key: 'clipNorm',
    type: 'number',
    placeholder: '<c>',
    help: 'global gradient-norm clip, 0 disables (default 5)',
  },
  {
    name: 'kl-anneal',
    key: 'klAnneal',
    type: 'string',
    placeholder: '<none|linear:N[:start]|cyclical:N[:cycles]>',
    help: 'KL weight schedule (default none)',
  },
  {
    name: 'free-bits',
    key: 'freeBits',
    type: 'number',
    placeholder: '<nats>',
    help: 'free-bits floor per latent dimension (default 0)',
  },
  {
    name: 'eval-every',
    key: 'evalEvery',
    type: 'integer',
    placeholder: '<n>',
    help: 'validate every n steps (default 0: every epoch)',
  },
  {
    name: 'patience',
    key: 'patience',
    type: 'integer',
    placeholder: '<n>',
    help: 'early stopping after n evaluations without improvement (default 0: off)',
  },
  {
    name: 'lr-patience',
    key: 'lrPatience',
    type: 'integer',
    placeholder: '<n>',
    help: 'halve the learning rate after n evaluations without improvement (default 0: off)',
  },
  {
    name: 'eval-k',
    key: 'evalK',
    type: 'integer',
    placeholder: '<n>',
    help: 'importance samples for the NLL logged during training (default 100)',
  },
  {
    name: 'eval-examples',
    key: 'evalExamples',
    type: 'integer',
    placeholder: '<n>',
    help: 'validation/test examples evaluated during training (default 1000)',
  },
  {
    name: 'min-count',
    key: 'minCount',
    type: 'integer',
    placeholder: '<n>',
    help: 'minimum word count to enter the vocabulary (default 1)',
  },
  {
    name: 'seed',
    key: 'seed',
    type: 'integer',
    placeholder: '<n>',
    help: 'random seed (default 0)',
  },
  {
    name: 'backend',
    key: 'backend',
    type: 'choice',
    choices: ['auto', 'node-gpu', 'node', 'wasm', 'cpu'],
    help: 'tfjs backend (default auto)',
  },
  {
    name: 'out',
    type: 'string',
    placeholder: '<dir>',
    help: 'run directory (default runs/<data>-<latent>-<objective>-<time>)',
  },
  {
    name: 'resume',
    type: 'string',
    placeholder: '<dir>',
    help: 'continue the run in <dir> from its checkpoint',
  },
  {
    name: 'config',
    type: 'string',
    placeholder: '<file.json>',
    help: 'read settings from a JSON file; flags override it',
  },
  { name: 'quiet', type: 'boolean', help: 'print only errors and the final summary' },
  { name: 'help', type: 'boolean', help: 'show this help' },
];

/** Turn parsed flag values into a partial TrainConfig (the `kappa` flag accepts `learned`). */
export function flagsToConfig(values: Record<string, unknown>): Partial<TrainConfig> {
  const partial: Partial<Record<keyof TrainConfig, unknown>> = {};
  for (const spec of TRAIN_FLAGS) {
    if (spec.key === undefined || !(spec.name in values)) continue;
    let value = values[spec.name];
    if (spec.key === 'kappa' && value !== 'learned' && !Number.isNaN(Number(value)))
      value = Number(value);
    partial[spec.key] = value;
  }
  return partial as Partial<TrainConfig>;
}
