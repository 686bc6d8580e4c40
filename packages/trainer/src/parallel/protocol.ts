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

/** One step: the current weights (in `weightNames()` order), the shard and the options. */
export interface StepRequest {
  type: 'step';
  id: number;
  weights: ArrayBuffer[];
  x: { data: ArrayBuffer; shape: number[]; dtype: DataType };
  options: ObjectiveOptions;
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
  x: { data: ArrayBuffer; shape: number[]; dtype: DataType };
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
