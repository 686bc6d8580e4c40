import type { GradientEstimator, ObjectiveKind } from '@vaekit/objectives';
import { dataKind } from '../registry/data-sources';
import { CONFIG_FIELDS } from './config-fields';

/**
 * The complete, JSON-serialisable description of a training run. `config.json` in a run
 * directory holds one; `vaekit train --config file.json` reads one (flags override it).
 */
export interface TrainConfig {
  /** A data spec of {@link DATA_SOURCES}: `mnist`, `fashion-mnist`, `idx:<dir>`, `brown` or `text:<file>`. */
  data: string;
  /** `mlp` for images, `lstm` for text; `auto` picks from the data. */
  model: ModelKind;
  /** Posterior family of {@link LATENT_FAMILIES}: `gaussian`, `bn` (Zhu et al.), `bn-su` (Su's scaler), `vmf`, ... */
  latent: LatentKind;
  /** Fixed BN scale gamma for `--latent bn` (Zhu et al. use 0.3 to 1.0). */
  gamma: number;
  /** tau in (0,1) for `--latent bn-su`: the KL floor is d/2 * tau. */
  tau: number;
  /** vMF concentration: a number (fixed) or `learned`. */
  kappa: number | 'learned';
  /** Training objective. */
  objective: ObjectiveKind;
  /** Importance samples per example (all of them, M*K for miwae/piwae). */
  k: number;
  /** Groups M for miwae/piwae (k must be divisible by it). */
  groups: number;
  /** CIWAE mixing weight beta in [0,1]. */
  beta: number;
  /** Encoder gradient estimator for the importance-weighted objectives. */
  gradientEstimator: GradientEstimatorKind;
  /** Likelihood for images: `bernoulli` (binarised pixels) or `gaussian`. */
  likelihood: 'bernoulli' | 'gaussian';
  latentDim: number;
  /** Hidden sizes of the MLP (e.g. [512, 256]) or the LSTM hidden size (first entry). */
  hidden: number[];
  /** Word-embedding size (text). */
  embedding: number;
  /** Word dropout rate for the text decoder (Bowman et al. 2016). */
  wordDropout: number;
  /** Vocabulary cap and minimum count, and sentence length cap (text). */
  vocabSize: number;
  minCount: number;
  maxLength: number;
  batchSize: number;
  /** Epochs to train; `maxSteps` (if > 0) stops earlier. */
  epochs: number;
  maxSteps: number;
  lr: number;
  /** Global-norm gradient clip (0 disables). */
  clipNorm: number;
  /**
   * KL weight schedule (see `parseKLSchedule` in @vaekit/objectives): `none`, `constant:<w>`,
   * `linear:<steps>[:<start>]` (Bowman et al. 2016) or `cyclical:<period>[:<cycles>[:<ratio>]]` (Fu et al. 2019).
   */
  klAnneal: string;
  /** Free-bits floor lambda per latent dimension, in nats (0 disables). */
  freeBits: number;
  /** Evaluate on the validation split every N steps (0: once per epoch). */
  evalEvery: number;
  /** Early stopping: evaluations without improvement before stopping (0 disables). */
  patience: number;
  /** Halve the learning rate after this many evaluations without improvement (0 disables). */
  lrPatience: number;
  /** Also checkpoint every N steps (0: only at evaluations and epoch ends). */
  checkpointEvery: number;
  /** Also checkpoint when this many minutes have passed since the last checkpoint (0: off). */
  checkpointMinutes: number;
  seed: number;
  backend: string;
  /**
   * Threads for data-parallel gradients in the Node trainer (the batch split over worker
   * threads, each with its own backend instance); `0` chooses from the configuration and the
   * cores (`chooseThreads` of `@vaekit/trainer`). The web app trains on one thread.
   */
  threads: number;
  /** Importance samples for the NLL logged during training, and test examples it uses. */
  evalK: number;
  evalExamples: number;
  /**
   * Importance samples and test examples of the final test evaluation (`eval.json`); `0` uses
   * `evalK` / `evalExamples`. Validation stays cheap while the reported NLL uses the papers'
   * K = 5000 on the whole test set.
   */
  testK: number;
  testExamples: number;
}

export type { ObjectiveKind };
export type ModelKind = 'auto' | 'mlp' | 'lstm';
/**
 * A latent family's name: the built-in `gaussian`, `bn`, `bn-su`, `vmf`, or one registered in
 * {@link LATENT_FAMILIES}.
 */
export type LatentKind = 'gaussian' | 'bn' | 'bn-su' | 'vmf' | (string & {});
/** The encoder's gradient estimator (see `@vaekit/objectives`). */
export type GradientEstimatorKind = GradientEstimator;

/**
 * The defaults, from {@link CONFIG_FIELDS}: the main job, a BN-VAE (Zhu et al. 2020, gamma
 * 0.5) on binarised MNIST with an MLP 784-512-256-32 and the ELBO, for 3 epochs (about a
 * minute on 2 CPU cores with wasm).
 */
export const DEFAULT_TRAIN_CONFIG: Readonly<TrainConfig> = Object.freeze(
  Object.fromEntries(CONFIG_FIELDS.map((f) => [f.key, f.default])) as unknown as TrainConfig,
);

/** Whether a data spec names text (an LSTM model) rather than images (an MLP). */
export function isTextData(data: string): boolean {
  return dataKind(data) === 'text';
}

/** The model kind a config resolves to (`auto` picks `lstm` for text, `mlp` for images). */
export function resolveModelKind(config: Pick<TrainConfig, 'model' | 'data'>): 'mlp' | 'lstm' {
  if (config.model !== 'auto') return config.model;
  return isTextData(config.data) ? 'lstm' : 'mlp';
}
