import * as tf from '@tensorflow/tfjs-core';
import {
  activeUnits,
  disposeObjectiveGradients,
  modelObjective,
  objectiveGradients,
} from '@vaekit/objectives';
import type { MetricPoint, ModelBundle, TrainEvent, TrainSettings } from '../shared/types';
import { AdamWithClipping } from '@vaekit/backend';
import { AppModel, createAppModel } from './app-model';
import { loadDigits, loadSentences } from './data';
import { Rng, stepSeed } from './rng';
import { Vocabulary } from './vocabulary';

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

interface Batches {
  /** The next training batch (the caller disposes it). */
  next(step: number): tf.Tensor;
  /** Held-out examples (kept for the session). */
  test: tf.Tensor;
  /** Text: the held-out sentences reconstructed in the live view. */
  reconstructionInputs?: tf.Tensor;
  reconstructionTexts?: string[];
  summary: string;
  dispose(): void;
}

async function imageBatches(
  settings: TrainSettings,
  dataBase: string,
): Promise<Batches & { inputDim: number }> {
  const digits = await loadDigits(dataBase);
  const size = digits.height * digits.width;
  const toFloat = (bytes: Uint8Array) => Float32Array.from(bytes, (v) => v / 255);
  const trainX = tf.tensor2d(toFloat(digits.train), [digits.nTrain, size]);
  const nTest = Math.min(TEST_IMAGES, digits.nTest);
  // Held out: a fixed binarisation, so the test curve compares like with like.
  const test = tf.tidy(() => {
    const grey = tf.tensor2d(toFloat(digits.test.subarray(0, nTest * size)), [nTest, size]);
    return tf.cast(tf.less(tf.randomUniform(grey.shape, 0, 1, 'float32', 7), grey), 'float32');
  });
  const rng = new Rng(settings.seed);
  let order = rng.permutation(digits.nTrain);
  let cursor = 0;
  return {
    inputDim: size,
    test,
    summary: `${digits.nTrain} MNIST digits ${digits.height}x${digits.width}, dynamically binarised; ${nTest} held out`,
    next(step) {
      if (cursor + settings.batchSize > order.length) {
        order = rng.permutation(digits.nTrain);
        cursor = 0;
      }
      const idx = order.slice(cursor, cursor + settings.batchSize);
      cursor += settings.batchSize;
      return tf.tidy(() => {
        const grey = tf.gather(trainX, tf.tensor1d(Int32Array.from(idx), 'int32'));
        const u = tf.randomUniform(grey.shape, 0, 1, 'float32', stepSeed(settings.seed + 1, step));
        return tf.cast(tf.less(u, grey), 'float32');
      });
    },
    dispose() {
      tf.dispose([trainX, test]);
    },
  };
}

async function textBatches(
  settings: TrainSettings,
  dataBase: string,
): Promise<Batches & { vocabulary: Vocabulary; maxLength: number }> {
  const corpus = await loadSentences(dataBase);
  const vocabulary = Vocabulary.fromJSON(corpus.vocabulary);
  const testSentences = corpus.test.slice(0, TEST_SENTENCES);
  const shown = corpus.test.slice(0, TEXT_RECONSTRUCTIONS);
  const rng = new Rng(settings.seed);
  let order = rng.permutation(corpus.train.length);
  let cursor = 0;
  return {
    vocabulary,
    maxLength: corpus.maxLength,
    test: AppModel.sentenceRows(testSentences),
    reconstructionInputs: AppModel.sentenceRows(shown),
    reconstructionTexts: shown.map((s) => vocabulary.decode(s).join(' ')),
    summary: `${corpus.train.length} Brown-corpus sentences of at most ${corpus.maxLength} tokens, vocabulary ${vocabulary.size}; ${testSentences.length} held out`,
    next() {
      if (cursor + settings.batchSize > order.length) {
        order = rng.permutation(corpus.train.length);
        cursor = 0;
      }
      const idx = order.slice(cursor, cursor + settings.batchSize);
      cursor += settings.batchSize;
      return AppModel.sentenceRows(Array.from(idx, (i) => corpus.train[i]!));
    },
    dispose() {},
  };
}

/**
 * One training run in the worker: the CLI trainer's step (per-network objective gradients,
 * Adam with global-norm clipping) on the app's data, with live rows, held-out evaluations
 * (loss, KL, active units) and samples posted to the page. Pause, resume and stop act between
 * steps.
 */
export class TrainSession {
  private paused = false;
  private stopRequested = false;
  private wake: (() => void) | undefined;
  private model: AppModel | undefined;
  private finished = false;

  constructor(
    readonly runId: number,
    readonly settings: TrainSettings,
    private readonly post: (event: TrainEvent, transfer?: Transferable[]) => void,
    private readonly dataBase: string,
  ) {}

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

  stop(): void {
    this.stopRequested = true;
    this.wake?.();
  }

  async run(): Promise<void> {
    const s = this.settings;
    const started = performance.now();
    let step = 0;
    let data: Batches | undefined;
    let optimizer: AdamWithClipping | undefined;
    let prior: tf.Tensor | undefined;
    try {
      const loaded =
        s.task === 'image'
          ? await imageBatches(s, this.dataBase)
          : await textBatches(s, this.dataBase);
      data = loaded;
      const model = createAppModel(s, loaded as never);
      this.model = model;
      optimizer = new AdamWithClipping(s.lr, s.clipNorm);
      const variables = {
        encoder: model.vae.encoderVariables,
        decoder: model.vae.decoderVariables,
      };
      const parameters = [...variables.encoder, ...variables.decoder].reduce(
        (n, v) => n + v.size,
        0,
      );
      prior = tf.tidy(() => {
        const n = s.task === 'image' ? GRID : TEXT_SAMPLES;
        const z = model.vae.prior.sample(n, { seed: s.seed + 99 });
        return z.rank === 3 ? tf.reshape(z, [n, model.latentDim]) : z;
      });
      this.post({
        kind: 'started',
        runId: this.runId,
        settings: s,
        data: loaded.summary,
        parameters,
      });
      this.evaluate(model, data, prior, 0);

      let window = { loss: 0, kl: 0, steps: 0, since: performance.now(), examples: 0 };
      let rows: MetricPoint[] = [];
      while (step < s.steps && !this.stopRequested) {
        if (this.paused) {
          this.post({ kind: 'paused', runId: this.runId, step });
          while (this.paused && !this.stopRequested) {
            await new Promise<void>((resolve) => {
              this.wake = resolve;
            });
          }
          this.wake = undefined;
          window = { loss: 0, kl: 0, steps: 0, since: performance.now(), examples: 0 };
          if (this.stopRequested) break;
          this.post({ kind: 'resumed', runId: this.runId, step });
        }
        const x = data.next(step);
        const g = objectiveGradients(
          model.vae,
          x,
          {
            objective: s.objective,
            k: s.k,
            groups: s.groups,
            beta: s.beta,
            gradientEstimator: s.gradientEstimator,
            seed: stepSeed(s.seed, step),
            training: true,
          },
          variables,
        );
        const batchSize = x.shape[0]!;
        x.dispose();
        const stats = tf.tidy(() => tf.stack([g.encoderLoss, tf.mean(g.kl)]));
        const [loss, kl] = stats.dataSync();
        stats.dispose();
        const grads = { ...g.encoderGrads, ...g.decoderGrads };
        const finite = Number.isFinite(loss!);
        if (finite) optimizer.apply(grads);
        disposeObjectiveGradients(g);
        if (!finite) {
          throw new Error(
            `training diverged at step ${step + 1}: the loss is ${loss}. Lower the learning rate and start again.`,
          );
        }
        step++;
        window.loss += loss!;
        window.kl += kl!;
        window.steps++;
        window.examples += batchSize;
        if (step % ROW_EVERY === 0 || step === s.steps) {
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
            paused: false,
          });
          rows = [];
          window = { loss: 0, kl: 0, steps: 0, since: performance.now(), examples: 0 };
        }
        if (step % s.evalEvery === 0 || step === s.steps) this.evaluate(model, data, prior, step);
        await yieldToEvents();
      }
      if (this.stopRequested && step % s.evalEvery !== 0) this.evaluate(model, data, prior, step);
      this.post({
        kind: 'finished',
        runId: this.runId,
        step,
        status: this.stopRequested ? 'stopped' : 'completed',
        seconds: (performance.now() - started) / 1000,
      });
    } catch (error) {
      this.post({
        kind: 'finished',
        runId: this.runId,
        step,
        status: 'failed',
        error: error instanceof Error ? error.message : String(error),
        seconds: (performance.now() - started) / 1000,
      });
    } finally {
      this.finished = true;
      data?.dispose();
      optimizer?.dispose();
      prior?.dispose();
    }
  }

  /** Held-out negative ELBO, KL and active units, and the live samples. */
  private evaluate(model: AppModel, data: Batches, prior: tf.Tensor, step: number): void {
    const stats = tf.tidy(() => {
      const r = modelObjective(model.vae, data.test, {
        objective: 'elbo',
        seed: 12345,
        training: false,
      });
      return tf.stack([tf.neg(tf.mean(r.bound)), tf.mean(r.kl)]);
    });
    const [loss, kl] = stats.dataSync();
    stats.dispose();
    const means = tf.tidy(() => model.vae.encode(data.test, { training: false }).mean());
    const au = activeUnits(means).count;
    means.dispose();
    const row: MetricPoint = { step, split: 'test', loss: loss!, kl: kl!, activeUnits: au };
    const decoded = model.decode(prior);
    if (decoded.kind === 'image') {
      this.post(
        {
          kind: 'evaluation',
          runId: this.runId,
          step,
          row,
          images: {
            data: decoded.data,
            n: decoded.n,
            height: decoded.height,
            width: decoded.width,
          },
        },
        [decoded.data.buffer],
      );
    } else {
      const centers = model.centers(data.reconstructionInputs!);
      const recon = model.decode(centers);
      centers.dispose();
      this.post({
        kind: 'evaluation',
        runId: this.runId,
        step,
        row,
        sentences: {
          samples: decoded.sentences,
          reconstructions: data.reconstructionTexts!.map((input, i) => ({
            input,
            output: (recon as { sentences: string[] }).sentences[i]!,
          })),
        },
      });
    }
  }

  /** The trained model, as the explorer loads it. */
  async exportModel(): Promise<ModelBundle> {
    const model = this.model;
    if (model === undefined) throw new Error('no model has been trained yet');
    let saved: tf.io.ModelArtifacts | undefined;
    await model.vae.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const { weightData, ...rest } = saved!;
    const parts = Array.isArray(weightData) ? weightData : [weightData!];
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
    let offset = 0;
    for (const p of parts) {
      bytes.set(new Uint8Array(p), offset);
      offset += p.byteLength;
    }
    return {
      artifacts: rest as Record<string, unknown>,
      weightData: bytes.buffer,
      vaekit: {
        format: 'vaekit-model',
        kind: model.kind,
        config: {
          ...this.settings,
          data:
            this.settings.task === 'image' ? 'mnist (browser subset)' : 'brown (browser subset)',
          ...(model.kind === 'text' ? { maxLength: model.maxLength - 1 } : {}),
        },
        ...(model.vocabulary
          ? {
              vocabulary: {
                format: 'vaekit-vocabulary',
                version: 1,
                tokens: model.vocabulary.tokens,
              },
            }
          : {}),
      },
    };
  }

  dispose(): void {
    this.model?.dispose();
    this.model = undefined;
  }
}
