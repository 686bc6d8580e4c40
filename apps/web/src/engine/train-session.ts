import * as tf from '@tensorflow/tfjs-core';
import { AdamWithClipping } from '@vaekit/backend';
import {
  type DataSplit,
  ImageDataset,
  LATENT_FAMILIES,
  type ImageSet,
  NonFiniteLossError,
  type RunModel,
  Rng,
  TextDataset,
  type TrainConfig,
  Vocabulary,
  createModel,
  dropLastBatch,
  imageSplit,
  reconstruct,
  sampleFromPrior,
  sentenceRows,
  textSplit,
  trainStep,
  trainStepOptions,
} from '@vaekit/core';
import { activeUnits, modelObjective } from '@vaekit/objectives';
import {
  type MetricPoint,
  type ModelBundle,
  type TrainEvent,
  type TrainSettings,
  trainConfig,
} from '../shared/types';
import { decodedMessage, modelBundle } from './app-model';
import { loadDigits, loadSentences } from './data';
import { runArchive } from './run-export';

/** Held-out examples used for the test curves and active units. */
const TEST_IMAGES = 500;
const TEST_SENTENCES = 200;
/** Prior draws decoded into the live sample grid (always the same draws, so it evolves). */
const GRID = 64;
const TEXT_SAMPLES = 6;
const TEXT_RECONSTRUCTIONS = 4;
/** A training row every N steps (averaged over them). */
const ROW_EVERY = 5;

/** Let queued messages (pause, stop) in between steps, without the 4 ms clamp of timers. */
function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** The app's data as the CLI's splits: training batches, held-out examples, the config. */
interface SessionData {
  config: TrainConfig;
  train: DataSplit;
  /** Held-out examples (kept for the session; images binarised once, as the CLI's). */
  test: tf.Tensor;
  /** Text: held-out sentences reconstructed in the live view. */
  reconstruction?: { inputs: tf.Tensor; texts: string[] };
  summary: string;
  model: RunModel;
}

/** An {@link ImageSet} of `count` digits of the app's grey levels (bytes). */
function imageSet(
  bytes: Uint8Array,
  labels: Uint8Array,
  count: number,
  shape: { height: number; width: number },
  source: string,
): ImageSet {
  const images = new Float32Array(count * shape.height * shape.width);
  for (let i = 0; i < images.length; i++) images[i] = bytes[i]! / 255;
  return { images, labels: labels.subarray(0, count), count, ...shape, source };
}

async function sessionData(settings: TrainSettings, dataBase: string): Promise<SessionData> {
  if (settings.task === 'image') {
    const digits = await loadDigits(dataBase);
    const config = trainConfig(settings);
    const nTest = Math.min(TEST_IMAGES, digits.nTest);
    const shape = { height: digits.height, width: digits.width };
    const train = new ImageDataset(
      imageSet(digits.train, digits.trainLabels, digits.nTrain, shape, digits.source),
    );
    const test = new ImageDataset(
      imageSet(digits.test, digits.testLabels, nTest, shape, digits.source),
    );
    return {
      config,
      // Dynamically binarised for training; held out: one fixed binarisation, as the CLI's.
      train: imageSplit(train, 'dynamic'),
      test: imageSplit(test, 'static').head(nTest),
      summary: `${digits.nTrain} MNIST digits ${digits.height}x${digits.width}, dynamically binarised; ${nTest} held out`,
      model: createModel(config, { kind: 'image', imageShape: [digits.height, digits.width] }),
    };
  }
  const corpus = await loadSentences(dataBase);
  const vocabulary = Vocabulary.fromJSON(corpus.vocabulary);
  const config = trainConfig(settings, { maxLength: corpus.maxLength, vocabSize: vocabulary.size });
  const testSentences = corpus.test.slice(0, TEST_SENTENCES);
  const shown = corpus.test.slice(0, TEXT_RECONSTRUCTIONS);
  return {
    config,
    train: textSplit(new TextDataset(corpus.train, vocabulary)),
    test: sentenceRows(testSentences),
    reconstruction: {
      inputs: sentenceRows(shown),
      texts: shown.map((s) => vocabulary.decode(s).join(' ')),
    },
    summary: `${corpus.train.length} Brown-corpus sentences of at most ${corpus.maxLength} tokens, vocabulary ${vocabulary.size}; ${testSentences.length} held out`,
    model: createModel(config, { kind: 'text', vocabulary, maxLength: corpus.maxLength }),
  };
}

/** Training batches without end: epoch after epoch, each in a new seeded order. */
function* endlessBatches(
  split: DataSplit,
  rng: Rng,
  batchSize: number,
  dropRemainder: boolean,
  onEpoch: () => void,
): Generator<tf.Tensor> {
  for (;;) {
    onEpoch();
    for (const { x } of split.batches(rng, { batchSize, dropRemainder })) yield x;
  }
}

/** The family's KL floor for a run's settings (`LATENT_FAMILIES`' `klFloor`), when finite. */
export function klFloorOf(settings: TrainSettings): number | undefined {
  if (!LATENT_FAMILIES.has(settings.latent)) return undefined;
  try {
    const floor = LATENT_FAMILIES.get(settings.latent).klFloor(settings);
    return floor !== undefined && Number.isFinite(floor) ? floor : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One training run in the worker: the CLI trainer's step (`trainStep` of `@vaekit/core`:
 * per-network objective gradients, Adam with global-norm clipping) on the app's data, with live
 * rows, held-out evaluations (loss, KL, active units) and samples posted to the page. Pause,
 * resume and stop act between steps.
 */
export class TrainSession {
  private paused: boolean;
  private stopRequested = false;
  /** Single steps asked for while paused. */
  private pendingSteps = 0;
  private wake: (() => void) | undefined;
  private data: SessionData | undefined;
  private optimizer: AdamWithClipping | undefined;
  private finished = false;
  private step = 0;
  private epoch = 0;
  /** Every row posted (training and held out), for the exported run's metrics. */
  private readonly history: MetricPoint[] = [];
  private readonly startedAt = new Date();

  constructor(
    readonly runId: number,
    readonly settings: TrainSettings,
    private readonly post: (event: TrainEvent, transfer?: Transferable[]) => void,
    private readonly dataBase: string,
    options: { paused?: boolean } = {},
  ) {
    this.paused = options.paused === true;
  }

  get running(): boolean {
    return !this.finished;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.wake?.();
  }

  /** One step of a paused run (it stays paused); ignored while it runs. */
  stepOnce(): void {
    if (!this.paused || this.finished) return;
    this.pendingSteps++;
    this.wake?.();
  }

  stop(): void {
    this.stopRequested = true;
    this.wake?.();
  }

  async run(): Promise<void> {
    const s = this.settings;
    const started = performance.now();
    let step = 0;
    try {
      const data = await sessionData(s, this.dataBase);
      this.data = data;
      const { model, config } = data;
      const optimizer = new AdamWithClipping(config.lr, config.clipNorm);
      this.optimizer = optimizer;
      const parameters = [...model.encoderVariables, ...model.decoderVariables].reduce(
        (n, v) => n + v.size,
        0,
      );
      const klFloor = klFloorOf(s);
      this.post({
        kind: 'started',
        runId: this.runId,
        settings: s,
        data: data.summary,
        parameters,
        ...(klFloor !== undefined ? { klFloor } : {}),
      });
      this.evaluate(data, 0);

      const batches = endlessBatches(
        data.train,
        new Rng(config.seed),
        config.batchSize,
        dropLastBatch(config.latent, data.train.size, config.batchSize),
        () => {
          this.epoch++;
        },
      );
      let window = { loss: 0, kl: 0, steps: 0, since: performance.now(), examples: 0 };
      let rows: MetricPoint[] = [];
      let pauseAnnounced = false;
      while (step < s.steps && !this.stopRequested) {
        if (this.paused && this.pendingSteps === 0) {
          if (!pauseAnnounced) this.post({ kind: 'paused', runId: this.runId, step });
          pauseAnnounced = true;
          while (this.paused && this.pendingSteps === 0 && !this.stopRequested) {
            await new Promise<void>((resolve) => {
              this.wake = resolve;
            });
          }
          this.wake = undefined;
          window = { loss: 0, kl: 0, steps: 0, since: performance.now(), examples: 0 };
          if (this.stopRequested) break;
          if (!this.paused) {
            pauseAnnounced = false;
            this.post({ kind: 'resumed', runId: this.runId, step });
          }
        }
        const single = this.paused && this.pendingSteps > 0;
        if (single) this.pendingSteps--;
        const x = batches.next().value as tf.Tensor;
        let result: Awaited<ReturnType<typeof trainStep>>;
        try {
          // The Node trainer's step: the same objective options and posterior draws.
          result = await trainStep(model, optimizer, x, trainStepOptions(config, step));
        } finally {
          x.dispose();
        }
        step++;
        this.step = step;
        window.loss += result.loss;
        window.kl += result.kl;
        window.steps++;
        window.examples += result.examples;
        if (step % ROW_EVERY === 0 || step === s.steps || single) {
          const seconds = (performance.now() - window.since) / 1000;
          rows.push({
            step,
            split: 'train',
            loss: window.loss / window.steps,
            kl: window.kl / window.steps,
          });
          this.post({
            kind: 'progress',
            runId: this.runId,
            step,
            steps: s.steps,
            rows,
            stepsPerSec: window.steps / Math.max(seconds, 1e-3),
            examplesPerSec: window.examples / Math.max(seconds, 1e-3),
            paused: single,
          });
          this.history.push(...rows);
          rows = [];
          window = { loss: 0, kl: 0, steps: 0, since: performance.now(), examples: 0 };
        }
        if (step % s.evalEvery === 0 || step === s.steps) this.evaluate(data, step);
        if (single) this.post({ kind: 'paused', runId: this.runId, step });
        await yieldToEvents();
      }
      if (this.stopRequested && step % s.evalEvery !== 0) this.evaluate(data, step);
      this.post({
        kind: 'finished',
        runId: this.runId,
        step,
        status: this.stopRequested ? 'stopped' : 'completed',
        seconds: (performance.now() - started) / 1000,
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.post({
        kind: 'finished',
        runId: this.runId,
        step,
        status: 'failed',
        error:
          error instanceof NonFiniteLossError
            ? `${message}. Lower the learning rate and start again.`
            : message,
        seconds: (performance.now() - started) / 1000,
      });
    } finally {
      this.finished = true;
      this.data?.reconstruction?.inputs.dispose();
      this.data?.test.dispose();
    }
  }

  /**
   * Held-out negative ELBO, KL and active units (as the CLI's `evaluate` defines them, without
   * its importance-sampled NLL and mutual information, which would double the cost of an
   * evaluation), and the live samples: the same prior draws every time, so the grid shows the
   * decoder change.
   */
  private evaluate(data: SessionData, step: number): void {
    const { model, config } = data;
    const stats = tf.tidy(() => {
      const r = modelObjective(model, data.test, {
        objective: 'elbo',
        seed: 12345,
        training: false,
      });
      return tf.stack([tf.neg(tf.mean(r.bound)), tf.mean(r.kl)]);
    });
    const [loss, kl] = stats.dataSync();
    stats.dispose();
    const means = tf.tidy(() => model.encode(data.test, { training: false }).mean());
    const au = activeUnits(means).count;
    means.dispose();
    const row: MetricPoint = { step, split: 'test', loss: loss!, kl: kl!, activeUnits: au };
    this.history.push(row);
    const n = model.kind === 'image' ? GRID : TEXT_SAMPLES;
    const decoded = decodedMessage(model, sampleFromPrior(model, n, config.seed + 99));
    if (decoded.kind === 'image') {
      this.post({ kind: 'evaluation', runId: this.runId, step, row, images: decoded }, [
        decoded.data.buffer,
      ]);
      return;
    }
    const { inputs, texts } = data.reconstruction!;
    const outputs = reconstruct(model, inputs) as string[];
    this.post({
      kind: 'evaluation',
      runId: this.runId,
      step,
      row,
      sentences: {
        samples: decoded.sentences,
        reconstructions: texts.map((input, i) => ({ input, output: outputs[i]! })),
      },
    });
  }

  /** The trained model, as the explorer loads it. */
  async exportModel(): Promise<ModelBundle> {
    if (this.data === undefined) throw new Error('no model has been trained yet');
    return modelBundle(this.data.model, this.data.config);
  }

  /** The run as a `vaekit train` run directory, zipped (see run-export.ts). */
  async exportRun(): Promise<{ name: string; zip: Uint8Array; paths: string[] }> {
    if (this.data === undefined || this.optimizer === undefined)
      throw new Error('no model has been trained yet');
    return runArchive({
      model: this.data.model,
      config: this.data.config,
      optimizer: this.optimizer,
      step: this.step,
      epoch: Math.max(0, this.epoch - 1),
      rows: this.history,
      startedAt: this.startedAt,
    });
  }

  dispose(): void {
    this.data?.model.dispose();
    this.data = undefined;
    this.optimizer?.dispose();
    this.optimizer = undefined;
  }
}
