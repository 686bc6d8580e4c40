import type { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { type AdamWithClipping, activeBackendChoice } from '@vaekit/backend';
import { ImageVAE, type ImageVAEConfig, TextVAE, type TextVAEConfig } from '@vaekit/layers';
import {
  type ObjectiveGradients,
  disposeObjectiveGradients,
  type ObjectiveOptions,
  objectiveGradients,
} from '@vaekit/objectives';
import type {
  ApplyRequest,
  ShardGradients,
  StepReply,
  StepRequest,
  SyncRequest,
  TensorMessage,
  WeightsReply,
  WeightsRequest,
} from './protocol';
import { shardWeights, weightedSum } from './weighted-sum';
import { callWorker, startWorker } from './worker-threads';

/** What a worker thread builds its replica of the model from (plain JSON). */
export type ParallelModelSpec =
  | { kind: 'ImageVAE'; config: ImageVAEConfig }
  | { kind: 'TextVAE'; config: TextVAEConfig };

/** Options of {@link DataParallelGradients.create}. */
export interface DataParallelOptions {
  /** Threads, this one included: the batch is split into this many shards (default 2). */
  threads?: number;
  /**
   * The workers' tfjs backend, a `selectBackend` name (default: this thread's active backend;
   * `node` for tfjs-node's `tensorflow`).
   */
  backend?: string;
  /**
   * The optimizer that applies the gradients on this thread. Given, each worker keeps a replica
   * of it and of the model, and applies every step's averaged gradients itself
   * ({@link DataParallelGradients.applyGradients}): steps send no weights. Omitted, each step
   * sends the current weights to the workers first.
   */
  optimizer?: AdamWithClipping;
}

/** The model the gradients are taken for: an {@link ImageVAE} or a {@link TextVAE}. */
export type ParallelModel = ImageVAE | TextVAE;

/** Shard `i`'s posterior seed: the step's own for shard 0, a hash of it and `i` for the others. */
export function shardSeed(seed: number, shard: number): number {
  if (shard === 0) return seed >>> 0;
  let h = (seed ^ Math.imul(shard, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** Contiguous shard sizes of a batch of `b` rows over `n` shards, the larger ones first. */
export function shardSizes(b: number, n: number): number[] {
  const base = Math.floor(b / n);
  return Array.from({ length: n }, (_, i) => base + (i < b % n ? 1 : 0)).filter((s) => s > 0);
}

/**
 * Data-parallel objective gradients across threads: each step splits the batch into contiguous
 * shards, takes shard 0's {@link objectiveGradients} on this thread and shard `i`'s on worker
 * thread `i` (a replica of the model with this thread's current weights, on its own tfjs backend,
 * e.g. its own wasm instance: one CPU core each), and averages the gradients weighted by shard
 * size, in shard order.
 *
 * ```
 * shards x = [x_0; ...; x_{n-1}],  |x_i| = b_i,  B = sum b_i
 * loss = sum_i (b_i / B) loss_i,   grad = sum_i (b_i / B) grad_i      (bound, kl, ...: concatenated)
 * ```
 * Every objective loss is a mean over the batch of per-example terms, so this is the gradient of
 * the full batch's loss: exact for the gradient of the same draws. Shard `i` draws its posterior
 * samples with seed {@link shardSeed}`(seed, i)`, so a step's draws differ from a single-threaded
 * step's (the estimator is the same); for a fixed thread count and backend, training is
 * deterministic. Models with batch statistics (BN-VAE heads) normalise each shard by its own
 * statistics (as data-parallel training does without synchronised batch norm); free bits
 * (`freeBits > 0`, a function of the batch-mean KL) are refused.
 *
 * Two ways to keep the workers' replicas current:
 * - **weights** (no `optimizer` option): apply the returned gradients with any optimizer on this
 *   thread's model; the next call sends the weights to the workers first.
 * - **a replicated optimizer** (`optimizer` given): each worker keeps a replica of the model and of
 *   the optimizer, made equal to this thread's by {@link DataParallelGradients.sync} (at creation).
 *   Every shard's gradients go to every other thread as soon as they exist (this thread's while
 *   the workers finish theirs; a worker's passed on by this thread), each thread averages them
 *   with {@link weightedSum} in shard order, and {@link DataParallelGradients.applyGradients}
 *   tells the replicas to apply their average as this thread's optimizer applies its own. The
 *   same float32 values go through the same kernels everywhere, so the replicas stay equal to
 *   this thread's model bit for bit (on backends of the same kind) and a run is bit-identical
 *   to the weights mode's. No weights travel: a step sends the shards out and the gradients
 *   between threads.
 *
 * Reference: the synchronous data parallelism of Dean et al. 2012, "Large Scale Distributed Deep
 * Networks" and Goyal et al. 2017, "Accurate, Large Minibatch SGD".
 *
 * @example
 * ```ts
 * const parallel = await DataParallelGradients.create(vae, { threads: 2, optimizer });
 * const g = await parallel.objectiveGradients(x, { objective: 'iwae', k: 5, seed: step, training: true });
 * parallel.applyGradients({ ...g.encoderGrads, ...g.decoderGrads }); // here and on every replica
 * disposeObjectiveGradients(g);
 * await parallel.dispose();
 * ```
 */
export class DataParallelGradients {
  private nextId = 1;
  private disposed = false;
  /**
   * Where the last step's time went, in ms: reading and sending weights and shards, this
   * thread's shard, reading and sending its gradients to the replicas (replicated optimizer),
   * waiting for the workers, and averaging.
   */
  lastTimings = { sendMs: 0, localMs: 0, shareMs: 0, waitMs: 0, combineMs: 0 };
  /** With a replicated optimizer: the optimizer's step count the replicas have reached. */
  private replicaIterations = 0;
  /** The id of the last step, whose update {@link DataParallelGradients.applyGradients} sends. */
  private lastStep = 0;

  private constructor(
    readonly model: ParallelModel,
    private readonly workers: Worker[],
    /** The optimizer the workers replicate (undefined: steps send the weights). */
    readonly optimizer: AdamWithClipping | undefined,
  ) {}

  /** Start `threads - 1` worker threads, each with a replica of `model` (same configuration). */
  static async create(
    model: ParallelModel,
    options: DataParallelOptions = {},
  ): Promise<DataParallelGradients> {
    const threads = options.threads ?? 2;
    if (!Number.isInteger(threads) || threads < 1) {
      throw new Error(`threads must be a positive integer, got ${threads}`);
    }
    const spec = modelSpec(model);
    const backend = options.backend ?? activeBackendChoice();
    const workers = await Promise.all(
      Array.from({ length: threads - 1 }, (_, i) => startWorker({ spec, backend, index: i + 1 })),
    );
    const parallel = new DataParallelGradients(model, workers, options.optimizer);
    if (options.optimizer !== undefined) await parallel.sync();
    return parallel;
  }

  /**
   * Make every worker's replica of the model and of the optimizer equal to this thread's (all
   * weights, the optimizer's settings and its whole state). Done at creation; call it again after
   * changing the weights or the optimizer's state other than by
   * {@link DataParallelGradients.applyGradients} (loading a checkpoint). Without a replicated
   * optimizer there is nothing to do: steps send the weights.
   */
  async sync(): Promise<void> {
    const optimizer = this.optimizer;
    if (optimizer === undefined || this.workers.length === 0) {
      this.replicaIterations = optimizer?.iterations ?? 0;
      return;
    }
    const weights = modelWeights(this.model).map(ownedBuffer);
    const state = await optimizer.getWeights();
    const optimizerState = state.map(({ name, tensor }) => ({ name, ...tensorMessage(tensor) }));
    tf.dispose(state.map((s) => s.tensor));
    const settings = {
      clipNorm: optimizer.clipNorm,
      beta1: optimizer.beta1,
      beta2: optimizer.beta2,
      epsilon: optimizer.epsilon,
    };
    await Promise.all(
      this.workers.map((worker) => {
        const request: SyncRequest = {
          type: 'sync',
          id: this.nextId++,
          weights: weights.map((b) => b.slice(0)),
          optimizer: settings,
          optimizerState: optimizerState.map((t) => ({ ...t, data: t.data.slice(0) })),
        };
        const transfer = [...request.weights, ...request.optimizerState.map((t) => t.data)];
        return callWorker(worker, request, transfer, 'data-parallel worker (sync)');
      }),
    );
    this.replicaIterations = optimizer.iterations;
  }

  /**
   * Apply the last step's gradients (those {@link DataParallelGradients.objectiveGradients}
   * returned, as a map from this thread's variable names, in the order the optimizer takes them)
   * with the replicated optimizer: every worker applies the same average, which it computed
   * itself from the shards' gradients, to its replica, and this thread's optimizer steps
   * (`AdamWithClipping.applyGradients`: read its `lastGradNorm` after). The gradients are not
   * disposed.
   *
   * @throws Error without a replicated optimizer (`optimizer` of `create`), or when a gradient
   *   names no variable of the model.
   */
  applyGradients(grads: tf.NamedTensorMap): void {
    const optimizer = this.optimizer;
    if (optimizer === undefined) {
      throw new Error(
        'applyGradients needs a replicated optimizer: create DataParallelGradients with { optimizer }',
      );
    }
    if (this.disposed) throw new Error('DataParallelGradients was disposed');
    const positionOf = new Map(modelVariables(this.model).map((v, i) => [v.name, i]));
    const given = Object.entries(grads).filter(([, g]) => g != null);
    const positions = given.map(([name]) => {
      const position = positionOf.get(name);
      if (position === undefined) {
        throw new Error(`applyGradients: '${name}' is not a variable of the model`);
      }
      return position;
    });
    const request: ApplyRequest = {
      type: 'apply',
      id: this.lastStep,
      positions,
      learningRate: optimizer.learningRate,
    };
    for (const worker of this.workers) worker.postMessage(request);
    optimizer.applyGradients(Object.fromEntries(given));
    this.replicaIterations++;
  }

  /**
   * The workers' replicas' weights, in `weightNames()` order (one list per worker): with a
   * replicated optimizer they equal this thread's model's bit for bit.
   */
  async workerWeights(): Promise<Float32Array[][]> {
    return Promise.all(
      this.workers.map(async (worker) => {
        const request: WeightsRequest = { type: 'weights', id: this.nextId++ };
        const reply = await callWorker<WeightsReply>(
          worker,
          request,
          [],
          'data-parallel worker (weights)',
        );
        return reply.weights.map((b) => new Float32Array(b));
      }),
    );
  }

  /** Threads, this one included. */
  get threads(): number {
    return this.workers.length + 1;
  }

  /**
   * The batch's objective gradients, averaged over the shards (see the class). The caller owns
   * every returned tensor.
   */
  async objectiveGradients(x: tf.Tensor, options: ObjectiveOptions): Promise<ObjectiveGradients> {
    if (this.disposed) throw new Error('DataParallelGradients was disposed');
    if ((options.freeBits ?? 0) > 0) {
      throw new Error(
        'freeBits must be 0 for data-parallel gradients (free bits act on the batch-mean KL, which shards do not share)',
      );
    }
    const optimizer = this.optimizer;
    if (optimizer !== undefined && optimizer.iterations !== this.replicaIterations) {
      throw new Error(
        `the optimizer has taken ${optimizer.iterations} steps, its worker replicas ${this.replicaIterations}: apply gradients with DataParallelGradients.applyGradients, or call sync() after changing the model or the optimizer otherwise`,
      );
    }
    const b = x.shape[0] ?? 0;
    const sizes = shardSizes(b, this.threads);
    const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
    const shards = tf.split(x, sizes, 0);
    const id = this.nextId++;
    this.lastStep = id;
    const replicated = optimizer !== undefined;
    try {
      const t0 = performance.now();
      // Without replicas of the optimizer, the weights first (the optimizer changed them since
      // the last call), then the shards. With them, each worker takes its shard and keeps its
      // gradients; a worker without a shard (a batch smaller than the threads) only averages.
      const buffers = replicated ? [] : modelWeights(this.model).map(ownedBuffer);
      const pending: Promise<StepReply>[] = [];
      for (const [i, worker] of this.workers.entries()) {
        const shard = i + 1;
        const replica = { shard, sizes };
        if (shard >= sizes.length) {
          if (replicated) worker.postMessage({ type: 'step', id, replica } satisfies StepRequest);
          continue;
        }
        const request: StepRequest = {
          type: 'step',
          id,
          x: tensorMessage(shards[shard]!),
          options: { ...options, seed: shardSeed(seed, shard) },
        };
        if (replicated) request.replica = replica;
        else
          request.weights = shard === sizes.length - 1 ? buffers : buffers.map((b) => b.slice(0));
        const reply = callWorker<StepReply>(
          worker,
          request,
          [...(request.weights ?? []), request.x!.data],
          'data-parallel worker',
        );
        // Each replica needs every other shard's gradients: pass them on as they come.
        pending.push(
          replicated
            ? reply.then((r) => {
                this.share(shard, r.grads, { from: i });
                return r;
              })
            : reply,
        );
      }
      const t1 = performance.now();
      const local = objectiveGradients(
        this.model,
        shards[0]!,
        { ...options, seed: shardSeed(seed, 0) },
        { encoder: this.model.encoderVariables, decoder: this.model.decoderVariables },
      );
      const t2 = performance.now();
      if (replicated) {
        // This shard's gradients to every replica now, while the workers finish theirs.
        const own = gradientsByPosition(local, modelVariables(this.model)).map((g) =>
          g === null ? null : ownedBuffer(g),
        );
        this.share(0, own, { transferLast: true });
      }
      const t3 = performance.now();
      const remote = await Promise.all(pending);
      const t4 = performance.now();
      const result = combine(this.model, local, remote, sizes);
      this.lastTimings = {
        sendMs: t1 - t0,
        localMs: t2 - t1,
        shareMs: t3 - t2,
        waitMs: t4 - t3,
        combineMs: performance.now() - t4,
      };
      return result;
    } finally {
      tf.dispose(shards);
    }
  }

  /**
   * Send shard `shard`'s gradients of the current step to every worker but `from` (the worker
   * that computed them), as copies, or the buffers themselves to the last worker where
   * `transferLast` (this thread no longer needs them).
   */
  private share(
    shard: number,
    grads: (ArrayBuffer | null)[],
    { from = -1, transferLast = false } = {},
  ): void {
    const to = this.workers.filter((_, i) => i !== from);
    for (const [j, worker] of to.entries()) {
      const copy = !(transferLast && j === to.length - 1);
      const message: ShardGradients = {
        type: 'shard-gradients',
        id: this.lastStep,
        shard,
        grads: copy ? grads.map((b) => (b === null ? null : b.slice(0))) : grads,
      };
      worker.postMessage(
        message,
        message.grads.filter((b): b is ArrayBuffer => b !== null),
      );
    }
  }

  /** Stop the worker threads. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * Every weight of the model (batch-norm statistics included), in `weightNames()` order: the
 * variables themselves, not copies.
 */
export function modelWeights(model: ParallelModel): tf.Tensor[] {
  return model.layers.flatMap((layer) => layer.weights.map((w) => w.read()));
}

/**
 * The model's trainable variables in the order gradients travel between threads: the encoder's,
 * then the decoder's ("positions" in the messages, where variable names differ between threads).
 */
export function modelVariables(model: ParallelModel): tf.Variable[] {
  return [...model.encoderVariables, ...model.decoderVariables];
}

/**
 * Each variable's gradient in `g`, by position in `variables` (`null` where the loss does not
 * reach the variable): the tensors themselves, not copies.
 */
export function gradientsByPosition(
  g: ObjectiveGradients,
  variables: tf.Variable[],
): (tf.Tensor | null)[] {
  return variables.map((v) => g.encoderGrads[v.name] ?? g.decoderGrads[v.name] ?? null);
}

/**
 * A tensor's values in an ArrayBuffer of their own, to transfer to another thread. wasm's
 * `dataSync` already copies out of its heap; other backends may hand out their own storage.
 */
export function ownedBuffer(t: tf.Tensor): ArrayBuffer {
  const values = t.dataSync() as Float32Array | Int32Array | Uint8Array;
  const whole = values.byteOffset === 0 && values.byteLength === values.buffer.byteLength;
  return (tf.getBackend() === 'wasm' && whole ? values : values.slice()).buffer as ArrayBuffer;
}

/** A tensor's values (in a buffer of their own), shape and dtype, to send to another thread. */
function tensorMessage(t: tf.Tensor): TensorMessage {
  return { data: ownedBuffer(t), shape: t.shape, dtype: t.dtype };
}

/** What a worker rebuilds `model` from: its class and configuration. */
export function modelSpec(model: ParallelModel): ParallelModelSpec {
  if (model instanceof ImageVAE)
    return { kind: 'ImageVAE', config: model.config as unknown as ImageVAEConfig };
  if (model instanceof TextVAE)
    return { kind: 'TextVAE', config: model.config as unknown as TextVAEConfig };
  throw new Error('model must be an ImageVAE or a TextVAE (a worker rebuilds it from its config)');
}

/** Weighted sum of the shards' results, in shard order, into this thread's variable names. */
function combine(
  model: ParallelModel,
  local: ObjectiveGradients,
  remote: StepReply[],
  sizes: number[],
): ObjectiveGradients {
  const weight = shardWeights(sizes);
  const variables = modelVariables(model);
  const owns = gradientsByPosition(local, variables);
  const isEncoder = new Set(model.encoderVariables.map((v) => v.name));
  const result = tf.tidy(() => {
    const grads: tf.NamedTensorMap = {};
    for (const [position, v] of variables.entries()) {
      const own = owns[position]!;
      if (own === null) continue;
      // The same sum, in the same order, as every replica of a replicated optimizer computes.
      const parts = remote.map((reply) => {
        const buffer = reply.grads[position];
        return buffer === null || buffer === undefined
          ? null
          : tf.tensor(new Float32Array(buffer), v.shape);
      });
      grads[v.name] = weightedSum([own, ...parts], weight);
    }
    const scalar = (own: tf.Tensor, pick: (r: StepReply) => number) =>
      remote.reduce<tf.Tensor>(
        (acc, r, i) => tf.add(acc, tf.mul(tf.scalar(pick(r)), weight[i + 1]!)),
        tf.mul(own, weight[0]!),
      ) as tf.Scalar;
    const rows = (own: tf.Tensor, pick: (r: StepReply) => ArrayBuffer) =>
      tf.concat([own, ...remote.map((r) => tf.tensor1d(new Float32Array(pick(r))))]);
    const encoderLoss = scalar(local.encoderLoss, (r) => r.encoderLoss);
    const decoderLoss =
      local.decoderLoss === local.encoderLoss
        ? encoderLoss
        : scalar(local.decoderLoss, (r) => r.decoderLoss);
    return {
      grads,
      encoderLoss,
      decoderLoss,
      bound: rows(local.bound, (r) => r.bound),
      reconstruction: rows(local.reconstruction, (r) => r.reconstruction),
      kl: rows(local.kl, (r) => r.kl),
    };
  });
  disposeObjectiveGradients(local);
  const encoderGrads: tf.NamedTensorMap = {};
  const decoderGrads: tf.NamedTensorMap = {};
  for (const [name, g] of Object.entries(result.grads)) {
    if (isEncoder.has(name)) encoderGrads[name] = g;
    else decoderGrads[name] = g;
  }
  return {
    encoderLoss: result.encoderLoss as tf.Scalar,
    decoderLoss: result.decoderLoss as tf.Scalar,
    bound: result.bound,
    reconstruction: result.reconstruction,
    kl: result.kl,
    encoderGrads,
    decoderGrads,
    passes: local.passes,
  };
}
