import type { DataType } from '@tensorflow/tfjs-core';
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
