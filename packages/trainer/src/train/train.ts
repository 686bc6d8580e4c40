import fs from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { availableParallelism } from 'node:os';
import { AdamWithClipping, type NamedTensor, selectBackend } from '@vaekit/backend';
import {
  CONFIG_FIELDS,
  type EvaluationResult,
  type GradientSource,
  NonFiniteLossError,
  Rng,
  type RunModel,
  type SettingChange,
  type TrainConfig,
  type TrainableModel,
  createModel,
  dropLastBatch,
  evaluate,
  modelData,
  resolveConfig,
  settingChanges,
  trainStep,
  trainStepOptions,
} from '@vaekit/core';
import { PREVIOUS_MANIFEST_FILE } from '../checkpoint/checkpoint-manifest';
import { hasCheckpoint, readCheckpoint } from '../checkpoint/read-checkpoint';
import { restoreTensors, snapshotTensors } from '../checkpoint/tensor-record';
import { writeCheckpoint } from '../checkpoint/write-checkpoint';
import { chooseThreads } from '../parallel/choose-threads';
import { DataParallelGradients } from '../parallel/data-parallel-gradients';
import { loadTrainingData } from '../data/load-training-data';
import { TensorBoardLog } from '../log/tensorboard-log';
import { type MetricsRow, RunDirectory } from '../run/run-directory';
import { type RunLockOwner, lockRunDirectory } from '../run/run-lock';
import { VOCABULARY_FILE, readRunVocabulary } from '../run/run-vocabulary';
import { writeRunArtifacts } from './run-artifacts';

/** Settings changed when a run was resumed, one JSON line per resume that changed any. */
export const SETTINGS_CHANGES_FILE = 'settings-changes.jsonl';

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
    /** Threads taking the gradients (data-parallel above 1), and why that many. */
    threads: number;
    threadsReason: string;
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
  /**
   * Also write each metrics row to a TensorBoard event file in `<out>/tensorboard/` (tags
   * `train/loss`, `train/elbo`, `train/kl`, `train/klWeight`, `train/gradNorm`, `train/lr`,
   * `train/examplesPerSec`, `validation/nll`, `validation/elbo`, `validation/kl`,
   * `validation/mutualInformation`, `validation/activeUnits`, `validation/perplexity`), so
   * `tensorboard --logdir` plots the run. Default false.
   *
   * Each process that trains the run writes a new file; a resumed one starts it with a
   * `SessionLog START` at the checkpoint's step + 1, so TensorBoard drops the values a crashed
   * process logged after the checkpoint (a repeated step shows the last value written). When
   * the log cannot be written, training goes on without it and `events.onLog` says why.
   */
  tensorboard?: boolean;
  /**
   * The cores `threads: 0` (auto) may give this run's data-parallel threads, and the final test
   * evaluation its worker threads (whose result does not depend on them; default
   * `os.availableParallelism()`). A sweep's runs get 1: a sweep runs in parallel across runs, and
   * its results must not depend on the machine's cores.
   */
  cores?: number;
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
  /** Data-parallel threads: a resumed run keeps its count unless one is configured. */
  threads: number;
}

/**
 * Train a VAE as `config` describes, writing a run directory: `config.json`, `metrics.jsonl`,
 * checkpoints, and at the end `eval.json`, `samples.png`, `reconstructions.png`,
 * `curves.svg`/`curves.png` and the model in the tf.io format (`model/`).
 *
 * Deterministic for a given seed, backend and thread count: data order, binarisation, posterior
 * draws and initial weights all derive from `config.seed`, and a resumed run (same seed, same
 * backend) follows the same trajectory as an uninterrupted one, because the checkpoint holds the
 * weights, Adam's moments, the data generator's state, the step, the schedules' position and the
 * thread count.
 *
 * With `threads` above 1 (or chosen so by `threads: 0`, see {@link chooseThreads}), each step's
 * gradients are data-parallel ({@link DataParallelGradients}: the batch split over worker threads
 * with their own backend instances, the gradients averaged); the optimizer step stays on this
 * thread. Each shard draws its own posterior samples, so a run's trajectory depends on its
 * thread count; the count is logged at the start and kept in the checkpoints.
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
  const fresh = options.resume === true ? undefined : freshRunPlan(options.out);
  // A resumed run is locked before anything in it is read; a new one as soon as it exists.
  const resumed = fresh === undefined ? RunDirectory.open(options.out) : undefined;
  const held: HeldResources = {};
  try {
    if (resumed) held.release = lockRunDirectory(resumed.path, staleNote(options.events));
    return await runTraining(config, options, resumed, held);
  } catch (error) {
    if (fresh?.removable && held.run !== undefined && !hasAnyCheckpoint(held.run)) {
      // A new run that failed before saving a checkpoint leaves nothing behind, so the same
      // command can simply be run again.
      held.release?.();
      held.release = undefined;
      fs.rmSync(held.run.path, { recursive: true, force: true });
    }
    throw error;
  } finally {
    await held.parallel?.dispose();
    held.model?.dispose();
    held.optimizer?.dispose();
    held.release?.();
  }
}

/** What {@link train} frees, or removes, however the run ends. */
interface HeldResources {
  /** A run directory this call created (not a resumed one). */
  run?: RunDirectory;
  model?: RunModel;
  optimizer?: AdamWithClipping;
  parallel?: DataParallelGradients;
  /** Releases the run directory's lock. */
  release?: () => void;
}

/** The body of {@link train}, once the configuration is valid and a resumed run is locked. */
async function runTraining(
  config: TrainConfig,
  options: TrainOptions,
  resumed: RunDirectory | undefined,
  held: HeldResources,
): Promise<TrainResult> {
  const events = options.events ?? {};
  const logEvery = options.logEvery ?? 50;
  const previous = resumed ? inspectResume(resumed, config) : undefined;
  const backend = await selectBackend(config.backend);
  const vocabulary = resumed ? readRunVocabulary(resumed) : undefined;
  const data = loadTrainingData(config, vocabulary ? { vocabulary } : {});
  const model = createModel(config, modelData(data));
  held.model = model;
  const optimizer = new AdamWithClipping(config.lr, config.clipNorm);
  held.optimizer = optimizer;
  let run: RunDirectory;
  if (resumed) {
    run = resumed;
  } else {
    run = RunDirectory.create(options.out, { config: config as never });
    held.run = run;
    held.release = lockRunDirectory(run.path, staleNote(events));
  }
  if (previous !== undefined && previous.changes.length > 0) {
    recordSettingChanges(run, config, previous, events);
  }
  if (data.vocabulary && !vocabulary) run.writeJson(VOCABULARY_FILE, data.vocabulary.toJSON());
  const threadChoice = chooseThreads(config, options.cores ?? availableParallelism());
  let threadsReason = threadChoice.reason;
  const state: LoopState = {
    threads: threadChoice.threads,
    step: 0,
    epoch: 0,
    epochRngState: new Rng(config.seed).state(),
    startBatch: 0,
    best: Infinity,
    badEvaluations: 0,
    lrBadEvaluations: 0,
    lr: config.lr,
  };
  let window = { loss: 0, bound: 0, kl: 0, steps: 0, examples: 0, since: Date.now() };
  if (previous?.hasCheckpoint) {
    window = { ...window, ...(await restore(run, model, optimizer, state, events)) };
    // A learning rate given on resume replaces the one the run had reached.
    if (previous.changes.some((c) => c.key === 'lr')) state.lr = config.lr;
    // Auto keeps the count the run was trained with (its shards' draws); a configured one wins.
    if (config.threads > 0) state.threads = config.threads;
    else threadsReason = 'auto: kept from the checkpoint (a run keeps its shards)';
  } else if (previous !== undefined) {
    const dropped = run.truncateMetrics(0);
    events.onLog?.(
      `${run.path} has no checkpoint yet: training starts again from step 0${dropped > 0 ? ` (${dropped} metrics rows logged before were dropped)` : ''}`,
    );
  }
  if (state.threads > 1) {
    // Each worker keeps a replica of the model and of the optimizer (restored above): steps
    // exchange gradients, not weights.
    held.parallel = await DataParallelGradients.create(model.vae, {
      threads: state.threads,
      optimizer,
    });
  }
  const parallel = held.parallel;
  const gradients: GradientSource | undefined =
    parallel === undefined
      ? undefined
      : (x, objective) => parallel.objectiveGradients(x, objective);
  const apply =
    parallel === undefined
      ? undefined
      : (grads: tf.NamedTensorMap) => parallel.applyGradients(grads);
  const rng = Rng.fromState(state.epochRngState);
  optimizer.learningRate = state.lr;
  const dropRemainder = dropLastBatch(config.latent, data.train.size, config.batchSize);
  const stepsPerEpoch = data.train.numBatches(config.batchSize, dropRemainder);
  const totalSteps =
    config.maxSteps > 0
      ? Math.min(config.maxSteps, Math.max(1, config.epochs) * stepsPerEpoch)
      : config.epochs * stepsPerEpoch;
  const totalEpochs = Math.ceil(totalSteps / stepsPerEpoch);
  events.onStart?.({
    config,
    backend: backend.choice,
    threads: state.threads,
    threadsReason,
    data: data.summary,
    totalSteps,
    ...(previous?.hasCheckpoint ? { resumedFromStep: state.step } : {}),
    runDir: run.path,
  });

  const started = Date.now();
  const previousRows = run.readMetrics();
  const previousWall = previousRows.at(-1)?.wallTime ?? 0;
  const tensorboard =
    options.tensorboard === true
      ? TensorBoardLog.open(run.path, {
          ...(previous !== undefined ? { resumedAt: state.step, previousRows } : {}),
          onLog: (message) => events.onLog?.(message),
        })
      : undefined;
  const appendMetrics = (row: MetricsRow) => {
    run.appendMetrics(row);
    tensorboard?.write(row);
  };
  let validation: EvaluationResult | undefined;
  let status: TrainResult['status'] = 'completed';

  let lastCheckpoint = { step: previous?.hasCheckpoint ? state.step : -1, at: Date.now() };
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
        threads: state.threads,
        window: { loss: window.loss, bound: window.bound, kl: window.kl, steps: window.steps },
      },
    });
    lastCheckpoint = { step: state.step, at: Date.now() };
    events.onCheckpoint?.({ step: state.step, path });
  };

  const validate = async (): Promise<boolean> => {
    validation = evaluate(model, data.validation, data.kind, {
      k: config.evalK,
      examples: config.evalExamples,
      seed: config.seed,
      batchSize: config.batchSize,
      vocabSize: data.vocabulary?.size,
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
    appendMetrics({
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

  let test: EvaluationResult | undefined;
  try {
    outer: while (state.step < totalSteps) {
      for (const { x, batch } of data.train.batches(rng, {
        batchSize: config.batchSize,
        startBatch: state.startBatch,
        dropRemainder,
      })) {
        const stepOptions = trainStepOptions(config, state.step);
        const { klWeight } = stepOptions;
        let result: Awaited<ReturnType<typeof trainStep>>;
        try {
          result = await trainStep(model, optimizer, x, stepOptions, gradients, apply);
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
          appendMetrics({
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
        const checkpointDue =
          lastCheckpoint.step !== state.step &&
          ((config.checkpointEvery > 0 && state.step % config.checkpointEvery === 0) ||
            (config.checkpointMinutes > 0 &&
              Date.now() - lastCheckpoint.at >= config.checkpointMinutes * 60_000));
        if (checkpointDue) await checkpoint();
        if (options.signal?.aborted) {
          status = 'interrupted';
          if (lastCheckpoint.step !== state.step) await checkpoint();
          events.onLog?.(
            `interrupted at step ${state.step}: checkpoint saved; continue with --resume ${run.path}`,
          );
          break outer;
        }
        if (state.step >= totalSteps) break outer;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    if (status !== 'interrupted' && options.artifacts !== false) {
      test = await writeRunArtifacts(
        run,
        model,
        data,
        config,
        events,
        options.cores ?? availableParallelism(),
      );
    }
  } catch (error) {
    throw storageError(error, run, lastCheckpoint.step) ?? error;
  } finally {
    tensorboard?.close();
  }
  return {
    status,
    step: state.step,
    epoch: state.epoch,
    runDir: run.path,
    ...(validation ? { validation } : {}),
    ...(test ? { test } : {}),
  };
}

/** What the file-system errors a run can meet mean, for people. */
const STORAGE_ERRORS: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
};

/**
 * A storage failure while training (a full disk, a quota, a read-only or foreign directory),
 * said in words with what is safe and what to do; `undefined` for any other error.
 */
function storageError(error: unknown, run: RunDirectory, lastStep: number): Error | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason = code === undefined ? undefined : STORAGE_ERRORS[code];
  if (reason === undefined) return undefined;
  const kept =
    lastStep >= 0
      ? `the last good checkpoint (step ${lastStep}) is intact; free some space, then resume: vaekit train --resume ${run.path}`
      : 'no checkpoint had been written yet';
  return new Error(
    `cannot write to ${run.path}: ${reason} (${(error as Error).message}); ${kept}`,
    { cause: error },
  );
}

/** A new run's directory: whether it may be removed again if the run fails before a checkpoint. */
function freshRunPlan(out: string): { removable: boolean } {
  // Only a directory this call creates (missing or empty before) is removed on failure.
  try {
    return { removable: fs.readdirSync(out).length === 0 };
  } catch (error) {
    return { removable: (error as NodeJS.ErrnoException).code === 'ENOENT' };
  }
}

/** Whether a run directory holds a checkpoint, the current one or the one before it. */
function hasAnyCheckpoint(run: RunDirectory): boolean {
  return (
    hasCheckpoint(run.checkpointDir) ||
    fs.existsSync(join(run.checkpointDir, PREVIOUS_MANIFEST_FILE))
  );
}

/** What a resumed run holds, checked against the configuration it is resumed with. */
interface ResumePlan {
  saved: TrainConfig;
  changes: SettingChange[];
  hasCheckpoint: boolean;
}

/**
 * Compare the configuration a run is resumed with to the one it was trained with: settings
 * that define the model or the data must stay; the others (length, learning rate, clipping,
 * evaluation and checkpoint cadence, patience, backend) may change.
 *
 * @throws Error naming each setting that cannot change, its saved and its new value.
 */
function inspectResume(run: RunDirectory, config: TrainConfig): ResumePlan {
  const raw = run.readConfig();
  if (raw === undefined) {
    throw new Error(`cannot resume ${run.path}: it has no config.json (the run never started)`);
  }
  let saved: TrainConfig;
  try {
    saved = resolveConfig(raw as Partial<TrainConfig>);
  } catch (error) {
    throw new Error(
      `cannot resume ${run.path}: its config.json is not valid: ${(error as Error).message}`,
    );
  }
  const changes = settingChanges(saved, config);
  const fixed = changes.filter((c) => !c.resumable);
  if (fixed.length > 0) {
    const list = fixed
      .map((c) => `${c.key} (${JSON.stringify(c.from)} -> ${JSON.stringify(c.to)})`)
      .join(', ');
    const resumable = CONFIG_FIELDS.filter((f) => f.resumable)
      .map((f) => f.key)
      .join(', ');
    throw new Error(
      `cannot resume ${run.path}: ${list} define the model or the data and cannot change. Resume with the run's own settings (omit those flags); these may change: ${resumable}`,
    );
  }
  return { saved, changes, hasCheckpoint: hasAnyCheckpoint(run) };
}

/** Write the new settings to config.json and record the change in settings-changes.jsonl. */
function recordSettingChanges(
  run: RunDirectory,
  config: TrainConfig,
  plan: ResumePlan,
  events: TrainEvents,
): void {
  run.writeConfig(config as never);
  run.appendJsonLine(SETTINGS_CHANGES_FILE, {
    at: new Date().toISOString(),
    changes: plan.changes.map(({ key, from, to }) => ({ key, from, to })),
  });
  for (const c of plan.changes) {
    events.onLog?.(`${c.key} changed from ${JSON.stringify(c.from)} to ${JSON.stringify(c.to)}`);
  }
}

/** Tell the events that a stale lock was taken over. */
function staleNote(events: TrainEvents | undefined) {
  return (owner: RunLockOwner) =>
    events?.onLog?.(
      `took over the lock of process ${owner.pid} (since ${owner.startedAt}), which no longer runs`,
    );
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
  events: TrainEvents,
): Promise<LogWindow> {
  const saved = await readCheckpoint(run.checkpointDir, { fallbackToPrevious: true });
  if (saved.fallbackReason !== undefined) {
    events.onLog?.(
      `resuming from the previous checkpoint (step ${saved.step}): ${saved.fallbackReason}`,
    );
  }
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
    /** Absent in checkpoints written before data-parallel training: those ran on one thread. */
    threads?: number;
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
    threads: extra.threads ?? 1,
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
  const advice = hasAnyCheckpoint(run)
    ? `The last checkpoint was kept; continue from it with a lower learning rate or clip norm: vaekit train --resume ${run.path} --lr <smaller> (or --clip-norm <c>)`
    : `No checkpoint was written before step ${step + 1}, so nothing was kept; start again with a lower --lr or --clip-norm`;
  const out = new NonFiniteLossError(error.step, error.what);
  out.message = `${error.message}. ${advice}.`;
  return out;
}
