import type { DataType } from '@tensorflow/tfjs-core';
import type { BatchSums, EvaluatePartOptions } from '@vaekit/core';
import type { ObjectiveOptions } from '@vaekit/objectives';
import type { ParallelModelSpec } from './data-parallel-gradients';

/** `workerData` of a data-parallel worker. */
export interface WorkerInit {
  spec: ParallelModelSpec;
  backend: string;
  index: number;
}

/** A tensor's values, shape and dtype, to send to another thread. */
export interface TensorMessage {
  data: ArrayBuffer;
  shape: number[];
  dtype: DataType;
}

/**
 * One step: the shard, the options, and either the current weights (in `weightNames()` order)
 * or, where the worker keeps a replica of the optimizer (its weights are then current), its
 * shard's index and every shard's size: it keeps its gradients to average them with the other
 * shards' ({@link ShardGradients}). A replica without a shard (a batch with fewer rows than
 * threads) gets no `x`: it only averages the others' gradients, and does not answer.
 */
export interface StepRequest {
  type: 'step';
  id: number;
  weights?: ArrayBuffer[];
  replica?: { shard: number; sizes: number[] };
  /** The shard; absent (and not answered) where the batch has fewer shards than threads. */
  x?: TensorMessage;
  options?: ObjectiveOptions;
}

/**
 * Another shard's gradients for step `id`, by position in `[...encoderVariables,
 * ...decoderVariables]` (`null` where its loss does not reach the variable), sent to replicas
 * as soon as they exist; a replica averages them with its own once it has every shard's.
 */
export interface ShardGradients {
  type: 'shard-gradients';
  id: number;
  shard: number;
  grads: (ArrayBuffer | null)[];
}

/**
 * Make the worker's replica equal this thread's model and optimizer: every weight (in
 * `weightNames()` order) and the optimizer's settings and whole state (`AdamWithClipping`'s
 * `getWeights`, whose moments belong to positions). Answered with `{ type: 'synced' }`.
 */
export interface SyncRequest {
  type: 'sync';
  id: number;
  weights: ArrayBuffer[];
  optimizer: { clipNorm: number; beta1: number; beta2: number; epsilon: number };
  optimizerState: (TensorMessage & { name: string })[];
}

/**
 * Apply step `id`'s averaged gradients with the worker's optimizer replica, in the order this
 * thread's optimizer took them: variables `positions` of `[...encoderVariables,
 * ...decoderVariables]` (its moments belong to positions in that order). Not answered: a failure
 * is reported in the reply to the next request.
 */
export interface ApplyRequest {
  type: 'apply';
  id: number;
  positions: number[];
  learningRate: number;
}

/** Read the replica's weights back (`weightNames()` order): answered with a {@link WeightsReply}. */
export interface WeightsRequest {
  type: 'weights';
  id: number;
}

/** The replica's weights, in `weightNames()` order. */
export interface WeightsReply {
  type: 'weights';
  id: number;
  weights: ArrayBuffer[];
}

/**
 * A shard's results: gradients by position in `[...encoderVariables, ...decoderVariables]`
 * (`null` where the loss does not reach the variable; variable names differ between threads),
 * the losses, and the per-example bound, reconstruction and KL.
 */
export interface StepReply {
  type: 'result';
  id: number;
  grads: (ArrayBuffer | null)[];
  encoderLoss: number;
  decoderLoss: number;
  bound: ArrayBuffer;
  reconstruction: ArrayBuffer;
  kl: ArrayBuffer;
}

/**
 * Evaluate whole batches of a split (`evaluatePart` of @vaekit/core) with these weights: `x`
 * holds the examples from split index `options.first` on.
 */
export interface EvaluateRequest {
  type: 'evaluate';
  id: number;
  weights: ArrayBuffer[];
  x: TensorMessage;
  kind: 'image' | 'text';
  options: Omit<EvaluatePartOptions, 'onProgress'>;
}

/** Sent after each batch of an {@link EvaluateRequest}: examples of the part done. */
export interface EvaluateProgress {
  type: 'progress';
  id: number;
  done: number;
}

/** An {@link EvaluateRequest}'s result: `EvaluationPart` of @vaekit/core. */
export interface EvaluateReply {
  type: 'evaluation';
  id: number;
  batches: BatchSums[];
  means: ArrayBuffer;
  latentDim: number;
}
