/**
 * The settings of a browser training run, and the messages between the page and its engine
 * workers (training and exploring run in Web Workers, so the page stays responsive). Messages
 * are plain data only: everything in them is structured-cloned.
 */

import {
  DEFAULT_TRAIN_CONFIG,
  type LatentKind,
  type ModelFileDigests,
  type TrainConfig,
  type VocabularyJSON,
  resolveConfig,
} from '@vaekit/core';

/**
 * The browser's TensorFlow.js backends, in the order `auto` times them: WebGPU where the browser
 * offers it, wasm (with vaekit's kernels), WebGL, plain JavaScript.
 */
export const BROWSER_BACKENDS = ['webgpu', 'wasm', 'wasm-fma', 'webgl', 'cpu'] as const;
export type BrowserBackend = (typeof BROWSER_BACKENDS)[number];
export type BackendRequest = 'auto' | BrowserBackend;

/** How long one candidate backend took for the start-up benchmark (a small MLP training step). */
export interface BackendTiming {
  backend: BrowserBackend;
  /** Median milliseconds of one step, when it ran. */
  ms?: number;
  /** Why it could not run. */
  error?: string;
}

export interface BackendReport {
  requested: BackendRequest;
  choice: BrowserBackend;
  /** E.g. `wasm (SIMD)`, `webgl (SwiftShader)`. */
  detail: string;
  timings: BackendTiming[];
  /** Milliseconds the choice took, measurements included. */
  totalMs: number;
}

/** The CLI's settings a browser run uses: same names, meanings, ranges and defaults. */
export const TRAIN_SETTING_KEYS = [
  'latent',
  'latentDim',
  'gamma',
  'tau',
  'kappa',
  'objective',
  'k',
  'groups',
  'beta',
  'gradientEstimator',
  'hidden',
  'embedding',
  'wordDropout',
  'batchSize',
  'lr',
  'clipNorm',
  'evalEvery',
  'seed',
] as const satisfies readonly (keyof TrainConfig)[];

/**
 * A browser training run: a subset of the CLI's {@link TrainConfig} (the keys of
 * {@link TRAIN_SETTING_KEYS}, with the same names and valid ranges), plus what the browser
 * decides itself: the task (digits or sentences, the app's own data) and the number of steps
 * (`maxSteps`; `evalEvery` must then be at least 1). {@link trainConfig} turns it into the
 * CLI's config.
 */
export type TrainSettings = Pick<TrainConfig, (typeof TRAIN_SETTING_KEYS)[number]> & {
  task: 'image' | 'text';
  /** Steps to train (the run stops there unless stopped earlier). */
  steps: number;
};

/**
 * The digits page's defaults: the CLI's ({@link DEFAULT_TRAIN_CONFIG}, a BN-VAE with the
 * ELBO) with a network sized for a browser tab: d = 16, one hidden layer of 256, batch 64,
 * 1,000 steps evaluated every 50.
 */
export const DEFAULT_SETTINGS: Readonly<TrainSettings> = Object.freeze({
  ...(Object.fromEntries(TRAIN_SETTING_KEYS.map((key) => [key, DEFAULT_TRAIN_CONFIG[key]])) as Pick<
    TrainConfig,
    (typeof TRAIN_SETTING_KEYS)[number]
  >),
  task: 'image',
  latentDim: 16,
  hidden: [256],
  embedding: 64,
  batchSize: 64,
  steps: 1000,
  evalEvery: 50,
});

/**
 * The CLI's config of a browser run, validated by the CLI's own rules (`resolveConfig`): data
 * `mnist` or `brown` (the app trains on subsets of them), `maxSteps` the run's steps.
 *
 * @throws ConfigError naming the setting (its `field`) and the valid range or choices.
 */
export function trainConfig(
  settings: TrainSettings,
  extra: Partial<Pick<TrainConfig, 'maxLength' | 'vocabSize'>> = {},
): TrainConfig {
  return resolveConfig({
    ...Object.fromEntries(TRAIN_SETTING_KEYS.map((key) => [key, settings[key]])),
    data: settings.task === 'image' ? 'mnist' : 'brown',
    maxSteps: settings.steps,
    ...extra,
  });
}

/** One point of the live curves. `split` `train` rows average the steps since the last row. */
export interface MetricPoint {
  step: number;
  split: 'train' | 'test';
  loss: number;
  kl: number;
  activeUnits?: number;
}

export type TrainEvent =
  | {
      kind: 'started';
      runId: number;
      settings: TrainSettings;
      data: string;
      parameters: number;
      /**
       * The family's floor under (or constant value of) the KL to the prior for these settings,
       * in nats (`LATENT_FAMILIES.get(latent).klFloor`), when it has one.
       */
      klFloor?: number;
    }
  | {
      kind: 'progress';
      runId: number;
      step: number;
      steps: number;
      rows: MetricPoint[];
      stepsPerSec: number;
      examplesPerSec: number;
      paused: boolean;
    }
  | {
      kind: 'evaluation';
      runId: number;
      step: number;
      row: MetricPoint;
      /** Images: the decoded means of the fixed prior draws, `n * pixels` values in [0, 1]. */
      images?: { data: Float32Array; n: number; height: number; width: number };
      /** Text: sentences from the prior, and reconstructions of held-out sentences. */
      sentences?: { samples: string[]; reconstructions: { input: string; output: string }[] };
    }
  | { kind: 'paused' | 'resumed'; runId: number; step: number }
  | {
      kind: 'finished';
      runId: number;
      step: number;
      status: 'completed' | 'stopped' | 'failed';
      error?: string;
      seconds: number;
    };

/** What the explorer knows about a loaded model. */
export interface ModelSummary {
  kind: 'image' | 'text';
  /** The latent family (a name of `LATENT_FAMILIES`). */
  family: LatentKind;
  latentDim: number;
  /** Human-readable lines: architecture, training data, evaluation. */
  lines: string[];
  /** Images: side of the (square) images; whether the app's digits fit its input. */
  imageSide?: number;
  digitsCompatible?: boolean;
  /** Where it came from, e.g. `bundled demo model` or a folder name. */
  source: string;
  /** Two held-out sentences the page offers for interpolation (text). */
  exampleSentences?: [string, string];
}

/** A decoded item: an image (pixel means) or a sentence. */
export type Decoded =
  | { kind: 'image'; data: Float32Array; n: number; height: number; width: number }
  | { kind: 'text'; sentences: string[] };

export interface LatentMap {
  /** `latent` when d = 2 (the coordinates themselves), else `pca` (first two components). */
  method: 'latent' | 'pca';
  axes: [string, string];
  points: { x: number; y: number; label: number; text?: string }[];
  /** What `label` means: the digit, or the sentence length. */
  labelName: string;
  /** PCA: share of the variance the two axes explain. */
  explained?: number;
  /** Per latent dimension: the mean, smallest and largest posterior centre of the points. */
  dims?: { mean: number[]; min: number[]; max: number[] };
}

/** Files of a run directory (or of its `model/` folder), by path relative to the picked folder. */
export type RunFiles = { path: string; file: Blob }[];

export interface VmfSamples {
  sampler: 'inverse-cdf' | 'wood';
  /** Flat `[n, 3]` points on the sphere. */
  points: Float32Array;
  ms: number;
  /** Mean of `mu^T z` over the draws (its expectation is A_3(kappa) = coth(kappa) - 1/kappa). */
  meanCosine: number;
}

/** `model/vaekit.json` of a run directory (written by the CLI's trainer). */
export interface VaekitModelJson {
  format: 'vaekit-model';
  kind: 'image' | 'text';
  config?: Record<string, unknown>;
  vocabulary?: VocabularyJSON;
  /** SHA-256 and length of `model.json` and `weights.bin`, checked when the model is loaded. */
  files?: ModelFileDigests;
}

/** A model ready to load: tf.io artifacts (weights apart), the run's model description and extras. */
export interface ModelBundle {
  /** tf.io ModelArtifacts without `weightData` (`weightSpecs` included). */
  artifacts: Record<string, unknown>;
  weightData: ArrayBuffer;
  vaekit: VaekitModelJson;
  /** The run's `config.json` and `eval.json`, when present. */
  config?: Record<string, unknown>;
  evaluation?: Record<string, unknown>;
}

/** A run trained in the page as a `vaekit train` run directory, zipped (one top folder `name/`). */
export interface RunArchive {
  /** The folder name, also the file name without `.zip`. */
  name: string;
  zip: ArrayBuffer;
  /** The archive's paths, for messages and tests. */
  paths: string[];
}

/** Requests to an engine worker; each gets one reply. */
export type EngineRequest =
  | {
      type: 'init';
      backend: BackendRequest;
      wasmPaths: Record<string, string>;
      dataBase: string;
      /** vaekit's wasm kernel fixes to register (default all; `[]`: tfjs's own kernels). */
      wasmKernelFixes?: string[];
    }
  | {
      type: 'train';
      settings: TrainSettings;
      runId: number;
      /** Start paused (for a single step: `train` paused, then `step`). */
      paused?: boolean;
    }
  | { type: 'pause' }
  /** One optimisation step of the paused run, which stays paused. */
  | { type: 'step' }
  | { type: 'resume' }
  | { type: 'stop' }
  /** The model of run `runId` (the last run of each task is kept), as the explorer loads it. */
  | { type: 'export-model'; runId: number }
  /** Run `runId` as a run directory in a ZIP archive ({@link RunArchive}). */
  | { type: 'export-run'; runId: number }
  | { type: 'load-run'; files: RunFiles; source: string }
  | { type: 'load-bundle'; bundle: ModelBundle; source: string }
  | { type: 'samples'; n: number; seed: number; temperature?: number }
  | { type: 'reconstruct'; n: number; offset: number }
  | { type: 'interpolate'; from: number | string; to: number | string; steps: number }
  | { type: 'latent-map'; n: number }
  | { type: 'decode-point'; x: number; y: number }
  | { type: 'decode-latent'; z: number[] }
  | { type: 'encode-image'; pixels: Float32Array }
  | { type: 'decode-grid'; x0: number; x1: number; y0: number; y1: number; n: number }
  | { type: 'test-digits'; indices: number[] }
  | { type: 'vmf'; mu: [number, number, number]; kappa: number; n: number; seed: number }
  | { type: 'memory' };

export type EngineReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: string };

/** An unrequested message from a worker: training progress. */
export interface EngineEvent {
  event: TrainEvent;
}
