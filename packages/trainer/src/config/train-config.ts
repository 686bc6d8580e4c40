import type { GradientEstimator, ObjectiveKind } from '@vaekit/objectives';

/**
 * The complete, JSON-serialisable description of a training run. `config.json` in a run
 * directory holds one; `vaekit train --config file.json` reads one (flags override it).
 */
export interface TrainConfig {
  /** `mnist`, `fashion-mnist`, `idx:<dir>`, `brown` or `text:<file>`. */
  data: string;
  /** `mlp` for images, `lstm` for text; `auto` picks from the data. */
  model: ModelKind;
  /** Posterior family: `gaussian`, `bn` (Zhu et al.), `bn-su` (Su's scaler) or `vmf`. */
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
  seed: number;
  backend: string;
  /** Importance samples for the NLL logged during training, and test examples it uses. */
  evalK: number;
  evalExamples: number;
}

export type { ObjectiveKind };
export type ModelKind = 'auto' | 'mlp' | 'lstm';
export type LatentKind = 'gaussian' | 'bn' | 'bn-su' | 'vmf';
/** The encoder's gradient estimator (see `@vaekit/objectives`). */
export type GradientEstimatorKind = GradientEstimator;

export const LATENT_KINDS: readonly LatentKind[] = ['gaussian', 'bn', 'bn-su', 'vmf'];
export const MODEL_KINDS: readonly ModelKind[] = ['auto', 'mlp', 'lstm'];
export const DATA_CHOICES = [
  'mnist',
  'fashion-mnist',
  'idx:<dir>',
  'brown',
  'text:<file>',
] as const;

/**
 * The defaults: the main job, a BN-VAE (Zhu et al. 2020, gamma 0.5) on binarised MNIST with an
 * MLP 784-512-256-32 and the ELBO, for 3 epochs (a few minutes on 2 CPU cores with wasm).
 */
export const DEFAULT_TRAIN_CONFIG: Readonly<TrainConfig> = Object.freeze({
  data: 'mnist',
  model: 'auto',
  latent: 'bn',
  gamma: 0.5,
  tau: 0.5,
  kappa: 50,
  objective: 'elbo',
  k: 1,
  groups: 1,
  beta: 0.5,
  gradientEstimator: 'reparameterized',
  likelihood: 'bernoulli',
  latentDim: 32,
  hidden: [512, 256],
  embedding: 256,
  wordDropout: 0,
  vocabSize: 10000,
  minCount: 1,
  maxLength: 30,
  batchSize: 128,
  epochs: 3,
  maxSteps: 0,
  lr: 1e-3,
  clipNorm: 5,
  klAnneal: 'none',
  freeBits: 0,
  evalEvery: 0,
  patience: 0,
  lrPatience: 0,
  seed: 0,
  backend: 'auto',
  evalK: 100,
  evalExamples: 1000,
} satisfies TrainConfig) as Readonly<TrainConfig>;

/** Whether a data spec names text (an LSTM model) rather than images (an MLP). */
export function isTextData(data: string): boolean {
  return data === 'brown' || data.startsWith('text:');
}

/** The model kind a config resolves to (`auto` picks `lstm` for text, `mlp` for images). */
export function resolveModelKind(config: Pick<TrainConfig, 'model' | 'data'>): 'mlp' | 'lstm' {
  if (config.model !== 'auto') return config.model;
  return isTextData(config.data) ? 'lstm' : 'mlp';
}
