import * as tf from '@tensorflow/tfjs-core';
import { AdamWithClipping, type NamedTensor, selectBackend } from '@vaekit/backend';
import {
  type EvaluationResult,
  NonFiniteLossError,
  Rng,
  type TrainConfig,
  type TrainableModel,
  createModel,
  evaluate,
  modelData,
  resolveConfig,
  trainStep,
} from '@vaekit/core';
import { parseKLSchedule } from '@vaekit/objectives';
import { hasCheckpoint, readCheckpoint } from '../checkpoint/read-checkpoint';
import { restoreTensors, snapshotTensors } from '../checkpoint/tensor-record';
import { writeCheckpoint } from '../checkpoint/write-checkpoint';
import { loadTrainingData } from '../data/load-training-data';
import { RunDirectory } from '../run/run-directory';
import { VOCABULARY_FILE, readRunVocabulary } from '../run/run-vocabulary';
import { writeRunArtifacts } from './run-artifacts';

/** Progress of one optimizer step, as sent to {@link TrainEvents.onStep}. */
export interface StepEvent {
  step: number;
  totalSteps: number;
  epoch: number;
  totalEpochs: number;
  /** The (encoder's) training loss of the step, nats per example. */
  loss: number;
  /** Mean bound of the batch (the ELBO for `elbo`), nats per example. */
  bound: number;
  /** Mean KL(q(z|x) || p(z)) of the batch, nats per example. */
  kl: number;
  klWeight: number;
  gradNorm: number;
  lr: number;
  examplesPerSec: number;
}

/** Callbacks for progress and logging; all optional. */
export interface TrainEvents {
  /** Once, before the first step: what was chosen and what will run. */
  onStart?(info: {
    config: TrainConfig;
    backend: string;
    data: string;
    totalSteps: number;
    resumedFromStep?: number;
    runDir: string;
  }): void;
  onStep?(event: StepEvent): void;
  onEvaluation?(result: EvaluationResult & { step: number; improved: boolean }): void;
  onCheckpoint?(info: { step: number; path: string }): void;
  /** Human-readable notes (learning-rate decay, early stopping, artefacts written). */
  onLog?(message: string): void;
}

/** Options of {@link train}. */
export interface TrainOptions {
  /** The run directory (created; an existing non-run directory is refused). */
  out: string;
  /** Continue the run in `out` from its checkpoint (same configuration required). */
  resume?: boolean;
  events?: TrainEvents;
  /** Abort (e.g. on Ctrl-C): the loop stops after the current step, checkpoints and returns. */
  signal?: AbortSignal;
  /** Write a metrics row every N steps (default 50). */
  logEvery?: number;
  /** Write the final artefacts (test evaluation, sample grids, curves, model). Default true. */
  artifacts?: boolean;
}

/** How a run ended. */
export interface TrainResult {
  status: 'completed' | 'early-stopped' | 'interrupted';
  step: number;
  epoch: number;
  runDir: string;
  /** The last validation evaluation, if any ran. */
  validation?: EvaluationResult;
  /** The test evaluation written to `eval.json` (completed and early-stopped runs). */
  test?: EvaluationResult;
}

interface LoopState {
  step: number;
  epoch: number;
  /** The data generator's state at the start of `epoch`, and the next batch of that epoch. */
  epochRngState: number[];
  startBatch: number;
  best: number;
  badEvaluations: number;
  lrBadEvaluations: number;
  lr: number;
}

/**
 * Train a VAE as `config` describes, writing a run directory: `config.json`, `metrics.jsonl`,
 * checkpoints, and at the end `eval.json`, `samples.png`, `reconstructions.png`,
 * `curves.svg`/`curves.png` and the model in the tf.io format (`model/`).
 *
 * Deterministic for a given seed and backend: data order, binarisation, posterior draws and
 * initial weights all derive from `config.seed`, and a resumed run (same seed, same backend)
 * follows the same trajectory as an uninterrupted one, because the checkpoint holds the
 * weights, Adam's moments, the data generator's state, the step and the schedules' position.
 *
 * Each step draws the objective's posterior samples with seed `hash(seed, step)` and takes
 * per-network gradients ({@link objectiveGradients}): the encoder's loss (e.g. MIWAE for PIWAE,
 * the DReG surrogate) for the encoder's variables, the decoder's for the decoder's. Gradients
 * are clipped by global norm, then Adam steps. Validation runs every `evalEvery` steps (or each
 * epoch), drives early stopping and learning-rate halving on plateau, and writes a checkpoint.
 *
 * @throws ConfigError for an invalid configuration (before anything is written);
 *   {@link NonFiniteLossError} when a loss turns NaN or infinite.
 * @example
 * ```ts
 * const result = await train({ data: 'mnist', latent: 'bn', epochs: 1 }, { out: 'runs/bn' });
 * console.log(result.test?.nll);
 * ```
 */
export async function train(
  partial: Partial<TrainConfig>,
  options: TrainOptions,
): Promise<TrainResult> {
  const config = resolveConfig(partial);
  const events = options.events ?? {};
  const logEvery = options.logEvery ?? 50;
  const resuming =
    options.resume === true &&
    RunDirectory.isRun(options.out) &&
    hasCheckpoint(RunDirectory.open(options.out).checkpointDir);
  if (resuming) {
    const saved = RunDirectory.open(options.out).readConfig();
    const differences = Object.keys(config).filter(
      (k) =>
        JSON.stringify((saved as Record<string, unknown> | undefined)?.[k]) !==
        JSON.stringify(config[k as keyof TrainConfig]),
    );
    if (differences.length > 0) {
      throw new Error(
        `cannot resume ${options.out}: its config.json differs in ${differences.join(', ')}. Resume with the same settings (omit the flags, or use --config ${options.out}/config.json).`,
      );
    }
  }
  const backend = await selectBackend(config.backend);
  const savedVocabulary = resuming ? readRunVocabulary(RunDirectory.open(options.out)) : undefined;
  const data = loadTrainingData(config, savedVocabulary ? { vocabulary: savedVocabulary } : {});
  const run = RunDirectory.create(options.out, {
    resume: options.resume === true,
    config: config as never,
  });
  if (data.vocabulary && !savedVocabulary) run.writeJson(VOCABULARY_FILE, data.vocabulary.toJSON());
  const model = createModel(config, modelData(data));
  const optimizer = new AdamWithClipping(config.lr, config.clipNorm);
  const dataRng = new Rng(config.seed);
  const state: LoopState = {
    step: 0,
    epoch: 0,
    epochRngState: dataRng.state(),
    startBatch: 0,
    best: Infinity,
    badEvaluations: 0,
    lrBadEvaluations: 0,
    lr: config.lr,
  };
  let window = { loss: 0, bound: 0, kl: 0, steps: 0, examples: 0, since: Date.now() };
  if (resuming) window = { ...window, ...(await restore(run, model, optimizer, state)) };
  const rng = Rng.fromState(state.epochRngState);
  optimizer.learningRate = state.lr;

  const stepsPerEpoch = data.train.numBatches(config.batchSize);
  const totalSteps =
    config.maxSteps > 0
      ? Math.min(config.maxSteps, Math.max(1, config.epochs) * stepsPerEpoch)
      : config.epochs * stepsPerEpoch;
  const totalEpochs = Math.ceil(totalSteps / stepsPerEpoch);
  const klSchedule = parseKLSchedule(config.klAnneal);
  events.onStart?.({
    config,
    backend: backend.choice,
    data: data.summary,
    totalSteps,
    ...(resuming ? { resumedFromStep: state.step } : {}),
    runDir: run.path,
  });

  const started = Date.now();
  const previousWall = resuming ? (run.readMetrics().at(-1)?.wallTime ?? 0) : 0;
  let validation: EvaluationResult | undefined;
  let status: TrainResult['status'] = 'completed';

  const checkpoint = async () => {
    const path = await writeCheckpoint(run.checkpointDir, {
      weights: await snapshotTensorsAndDispose(model.namedWeights()),
      optimizerState: await snapshotTensorsAndDispose(await optimizer.getWeights()),
      rngState: state.epochRngState,
      step: state.step,
      epoch: state.epoch,
      config: config as never,
      extra: {
        startBatch: state.startBatch,
        best: finiteOrNull(state.best),
        badEvaluations: state.badEvaluations,
        lrBadEvaluations: state.lrBadEvaluations,
        lr: state.lr,
        window: { loss: window.loss, bound: window.bound, kl: window.kl, steps: window.steps },
      },
    });
    events.onCheckpoint?.({ step: state.step, path });
  };

  const validate = async (): Promise<boolean> => {
    validation = evaluate(model, data.validation, data.kind, {
      k: config.evalK,
      examples: config.evalExamples,
      seed: config.seed,
      batchSize: config.batchSize,
    });
    const score = validation.nll;
    const improved = score < state.best - 1e-4;
    if (improved) {
      state.best = score;
      state.badEvaluations = 0;
      state.lrBadEvaluations = 0;
    } else {
      state.badEvaluations++;
      state.lrBadEvaluations++;
    }
    run.appendMetrics({
      step: state.step,
      epoch: state.epoch,
      split: 'validation',
      ...validation,
      lr: state.lr,
      wallTime: wall(),
    });
    events.onEvaluation?.({ ...validation, step: state.step, improved });
    if (config.lrPatience > 0 && state.lrBadEvaluations >= config.lrPatience) {
      state.lr /= 2;
      state.lrBadEvaluations = 0;
      optimizer.learningRate = state.lr;
      events.onLog?.(
        `validation NLL has not improved for ${config.lrPatience} evaluations: learning rate halved to ${state.lr}`,
      );
    }
    await checkpoint();
    return config.patience > 0 && state.badEvaluations >= config.patience;
  };

  const wall = () => previousWall + (Date.now() - started) / 1000;

  try {
    outer: while (state.step < totalSteps) {
      for (const { x, batch } of data.train.batches(rng, {
        batchSize: config.batchSize,
        startBatch: state.startBatch,
      })) {
        const klWeight = klSchedule(state.step);
        let result: Awaited<ReturnType<typeof trainStep>>;
        try {
          result = await trainStep(model, optimizer, x, {
            objective: config.objective,
            k: config.k,
            groups: config.groups,
            beta: config.beta,
            gradientEstimator: config.gradientEstimator,
            klWeight,
            freeBits: config.freeBits,
            seed: Rng.derive(config.seed, 7, state.step).nextUint32(),
            training: true,
            step: state.step + 1,
          });
        } catch (error) {
          if (error instanceof NonFiniteLossError) throw divergedError(error, run, state.step);
          throw error;
        } finally {
          x.dispose();
        }
        const { loss, bound, kl, gradNorm, examples: batchSize } = result;
        state.step++;
        state.startBatch = batch + 1;
        window.loss += loss;
        window.bound += bound;
        window.kl += kl;
        window.steps++;
        window.examples += batchSize;
        const examplesPerSec = window.examples / Math.max(1e-3, (Date.now() - window.since) / 1000);
        events.onStep?.({
          step: state.step,
          totalSteps,
          epoch: state.epoch + 1,
          totalEpochs,
          loss,
          bound,
          kl,
          klWeight,
          gradNorm,
          lr: state.lr,
          examplesPerSec,
        });
        if (state.step % logEvery === 0 || state.step === totalSteps) {
          run.appendMetrics({
            step: state.step,
            epoch: state.epoch,
            split: 'train',
            loss: window.loss / window.steps,
            elbo: window.bound / window.steps,
            kl: window.kl / window.steps,
            klWeight,
            gradNorm,
            examplesPerSec,
            lr: state.lr,
            wallTime: wall(),
          });
          window = { loss: 0, bound: 0, kl: 0, steps: 0, examples: 0, since: Date.now() };
        }
        const endOfEpoch = batch + 1 === stepsPerEpoch;
        if (endOfEpoch) {
          state.epoch++;
          state.epochRngState = rng.state();
          state.startBatch = 0;
        }
        const evaluateNow = config.evalEvery > 0 ? state.step % config.evalEvery === 0 : endOfEpoch;
        if (evaluateNow || state.step === totalSteps) {
          if (await validate()) {
            status = 'early-stopped';
            events.onLog?.(
              `early stopping: validation NLL has not improved for ${config.patience} evaluations`,
            );
            break outer;
          }
        }
        if (options.signal?.aborted) {
          status = 'interrupted';
          await checkpoint();
          events.onLog?.(
            `interrupted at step ${state.step}: checkpoint saved; continue with --resume ${run.path}`,
          );
          break outer;
        }
        if (state.step >= totalSteps) break outer;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    let test: EvaluationResult | undefined;
    if (status !== 'interrupted' && options.artifacts !== false) {
      test = await writeRunArtifacts(run, model, data, config, events);
    }
    return {
      status,
      step: state.step,
      epoch: state.epoch,
      runDir: run.path,
      ...(validation ? { validation } : {}),
      ...(test ? { test } : {}),
    };
  } finally {
    model.dispose();
    optimizer.dispose();
  }
}

/** The running sums of the metrics row being accumulated (rows average over `logEvery` steps). */
interface LogWindow {
  loss: number;
  bound: number;
  kl: number;
  steps: number;
}

/** Load the checkpoint into the model, the optimizer and the loop state; returns the log window. */
async function restore(
  run: RunDirectory,
  model: TrainableModel,
  optimizer: AdamWithClipping,
  state: LoopState,
): Promise<LogWindow> {
  const saved = await readCheckpoint(run.checkpointDir, { fallbackToPrevious: true });
  const weights = restoreTensors(saved.weights);
  model.loadNamedWeights(weights);
  tf.dispose(Object.values(weights));
  const moments = restoreTensors(saved.optimizerState);
  await optimizer.setWeights(Object.entries(moments).map(([name, tensor]) => ({ name, tensor })));
  const extra = saved.extra as unknown as {
    startBatch: number;
    best: number | null;
    badEvaluations: number;
    lrBadEvaluations: number;
    lr: number;
    window: LogWindow;
  };
  Object.assign(state, {
    step: saved.step,
    epoch: saved.epoch,
    epochRngState: saved.rngState as number[],
    startBatch: extra.startBatch,
    best: extra.best ?? Infinity,
    badEvaluations: extra.badEvaluations,
    lrBadEvaluations: extra.lrBadEvaluations,
    lr: extra.lr,
  });
  // Rows logged after the checkpoint are replayed by the resumed run.
  run.truncateMetrics(saved.step);
  return extra.window;
}

async function snapshotTensorsAndDispose(named: NamedTensor[]) {
  try {
    return await snapshotTensors(named);
  } finally {
    tf.dispose(named.map((n) => n.tensor));
  }
}

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/**
 * The error a diverged run ends with: what was not finite, at which step, and what to do,
 * true to the run directory's state (a checkpoint to resume from, or none).
 */
function divergedError(error: NonFiniteLossError, run: RunDirectory, step: number): Error {
  const saved = hasCheckpoint(run.checkpointDir);
  const advice = saved
    ? `The last checkpoint in ${run.path} was kept; start a new run with a lower --lr or --clip-norm`
    : `No checkpoint was written before step ${step + 1}; start a new run with a lower --lr or --clip-norm`;
  const out = new NonFiniteLossError(error.step, error.what);
  out.message = `${error.message}. ${advice}.`;
  return out;
}
