import { GRADIENT_ESTIMATORS, OBJECTIVE_KINDS, parseKLSchedule } from '@vaekit/objectives';
import {
  DATA_CHOICES,
  DEFAULT_TRAIN_CONFIG,
  LATENT_KINDS,
  MODEL_KINDS,
  type TrainConfig,
  isTextData,
  resolveModelKind,
} from './train-config';

/** An invalid configuration value: names the field, the value and the valid choices or range. */
export class ConfigError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Merge `partial` over the defaults and check every field, so a run fails before anything is
 * written. Unknown keys are rejected (a typo in a config file must not be silently ignored).
 *
 * @throws ConfigError naming the field, the bad value and the valid choices or range.
 * @example
 * ```ts
 * resolveConfig({ latent: 'bn-su', tau: 0.6 }).tau; // 0.6
 * resolveConfig({ latent: 'bm' }); // ConfigError: latent: 'bm' is not one of gaussian, bn, bn-su, vmf
 * ```
 */
export function resolveConfig(
  partial: Partial<Record<keyof TrainConfig, unknown>> = {},
): TrainConfig {
  for (const key of Object.keys(partial)) {
    if (!(key in DEFAULT_TRAIN_CONFIG)) {
      throw new ConfigError(
        key,
        `unknown config key '${key}'. Valid keys: ${Object.keys(DEFAULT_TRAIN_CONFIG).join(', ')}`,
      );
    }
  }
  const c = { ...DEFAULT_TRAIN_CONFIG, ...partial } as TrainConfig;
  const dataOk =
    ['mnist', 'fashion-mnist', 'brown'].includes(c.data) ||
    /^idx:.+/.test(c.data) ||
    /^text:.+/.test(c.data);
  if (typeof c.data !== 'string' || !dataOk) {
    throw new ConfigError('data', `data: '${c.data}' is not one of ${DATA_CHOICES.join(', ')}`);
  }
  oneOf('model', c.model, MODEL_KINDS);
  oneOf('latent', c.latent, LATENT_KINDS);
  oneOf('objective', c.objective, OBJECTIVE_KINDS);
  oneOf('gradientEstimator', c.gradientEstimator, GRADIENT_ESTIMATORS);
  oneOf('likelihood', c.likelihood, ['bernoulli', 'gaussian']);
  const kind = resolveModelKind(c);
  if (kind === 'lstm' && !isTextData(c.data)) {
    throw new ConfigError(
      'model',
      `model: 'lstm' needs text data (brown or text:<file>), got data '${c.data}'`,
    );
  }
  if (kind === 'mlp' && isTextData(c.data)) {
    throw new ConfigError('model', `model: 'mlp' needs image data, got data '${c.data}'`);
  }
  range('gamma', c.gamma, 0, Infinity, 'a number > 0', false);
  range('tau', c.tau, 0, 1, 'a number in (0, 1)', false, false);
  if (c.kappa !== 'learned') range('kappa', c.kappa, 0, Infinity, "a number >= 0 or 'learned'");
  integer('k', c.k, 1);
  integer('groups', c.groups, 1);
  if (c.k % c.groups !== 0) {
    throw new ConfigError('groups', `groups: k = ${c.k} is not divisible by groups = ${c.groups}`);
  }
  range('beta', c.beta, 0, 1, 'a number in [0, 1]');
  integer('latentDim', c.latentDim, 1);
  if (
    !Array.isArray(c.hidden) ||
    c.hidden.length === 0 ||
    c.hidden.some((h) => !Number.isInteger(h) || h < 1)
  ) {
    throw new ConfigError(
      'hidden',
      `hidden: expected a list of positive integers (e.g. 512,256), got ${JSON.stringify(c.hidden)}`,
    );
  }
  integer('embedding', c.embedding, 1);
  range('wordDropout', c.wordDropout, 0, 1, 'a number in [0, 1)', true, false);
  integer('vocabSize', c.vocabSize, 5);
  integer('minCount', c.minCount, 1);
  integer('maxLength', c.maxLength, 1);
  integer('batchSize', c.batchSize, 2);
  integer('epochs', c.epochs, 0);
  integer('maxSteps', c.maxSteps, 0);
  if (c.epochs === 0 && c.maxSteps === 0) {
    throw new ConfigError('epochs', 'epochs: set epochs >= 1 or maxSteps >= 1 (both are 0)');
  }
  range('lr', c.lr, 0, Infinity, 'a number > 0', false);
  range('clipNorm', c.clipNorm, 0, Infinity, 'a number >= 0 (0 disables clipping)');
  try {
    parseKLSchedule(c.klAnneal);
  } catch (error) {
    throw new ConfigError('klAnneal', `klAnneal: ${(error as Error).message}`);
  }
  range('freeBits', c.freeBits, 0, Infinity, 'a number >= 0 (nats per dimension)');
  integer('evalEvery', c.evalEvery, 0);
  integer('patience', c.patience, 0);
  integer('lrPatience', c.lrPatience, 0);
  integer('seed', c.seed, 0);
  integer('evalK', c.evalK, 1);
  integer('evalExamples', c.evalExamples, 1);
  if (c.latent === 'vmf' && c.freeBits > 0) {
    throw new ConfigError(
      'freeBits',
      'freeBits: free bits need a factorised KL; the vMF KL is a constant (use gaussian, bn or bn-su)',
    );
  }
  return c;
}

function oneOf(field: string, value: unknown, choices: readonly string[]): void {
  if (!choices.includes(value as string)) {
    throw new ConfigError(field, `${field}: '${value}' is not one of ${choices.join(', ')}`);
  }
}

function integer(field: string, value: unknown, min: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new ConfigError(
      field,
      `${field}: expected an integer >= ${min}, got ${JSON.stringify(value)}`,
    );
  }
}

function range(
  field: string,
  value: unknown,
  lo: number,
  hi: number,
  expected: string,
  loInclusive = true,
  hiInclusive = true,
): void {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (loInclusive ? value >= lo : value > lo) &&
    (hi === Infinity || (hiInclusive ? value <= hi : value < hi));
  if (!ok)
    throw new ConfigError(field, `${field}: expected ${expected}, got ${JSON.stringify(value)}`);
}
