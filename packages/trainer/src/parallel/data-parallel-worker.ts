/**
 * A data-parallel worker thread (started by {@link DataParallelGradients}): builds a replica of
 * the model on its own tfjs backend, and answers each step with its shard's objective gradients.
 * With a replicated optimizer (after a `sync`), it also applies each step's averaged gradients
 * to its replica, so steps carry no weights.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { AdamWithClipping, selectBackend } from '@vaekit/backend';
import { ImageVAE, TextVAE } from '@vaekit/layers';
import { disposeObjectiveGradients, objectiveGradients } from '@vaekit/objectives';
import {
  gradientsByPosition,
  modelVariables,
  modelWeights,
  ownedBuffer,
} from './data-parallel-gradients';
import { shardWeights, weightedSum } from './weighted-sum';
import { evaluatePart } from '@vaekit/core';
import type {
  ApplyRequest,
  EvaluateReply,
  EvaluateRequest,
  StepReply,
  ShardGradients,
  StepRequest,
  SyncRequest,
  TensorMessage,
  WeightsReply,
  WeightsRequest,
  WorkerInit,
} from './protocol';

type Request =
  | StepRequest
  | EvaluateRequest
  | SyncRequest
  | ShardGradients
  | ApplyRequest
  | WeightsRequest;

/**
 * A replica's share of step `id`: every shard's gradients by position (its own as tensors, the
 * others' as they arrive), then their average (`weightedSum`, as the main thread computes it).
 */
interface Exchange {
  id: number;
  shard: number;
  sizes: number[];
  parts: ((tf.Tensor | null)[] | undefined)[];
  averaged?: (tf.Tensor | null)[];
}

const port = parentPort!;
const init = workerData as WorkerInit;

/** Build the replica, then answer steps (no top-level await: the entry is also built as CommonJS). */
async function start(): Promise<void> {
  try {
    tf.env().set('PROD', true);
    await selectBackend(init.backend);
    const model =
      init.spec.kind === 'ImageVAE'
        ? new ImageVAE(init.spec.config)
        : new TextVAE(init.spec.config);
    const encoder = model.encoderVariables;
    const decoder = model.decoderVariables;
    const variables = modelVariables(model);
    const shapes = modelWeights(model).map((w) => w.shape);
    /** The optimizer replica (from the last `sync`), and a failed update not yet reported. */
    let optimizer: AdamWithClipping | undefined;
    let failedUpdate: string | undefined;
    /** The step whose gradients are being exchanged (replicated optimizer). */
    let exchange: Exchange | undefined;
    const endExchange = () => {
      for (const part of [...(exchange?.parts ?? []), exchange?.averaged]) {
        tf.dispose((part ?? []).filter((t): t is tf.Tensor => t !== null));
      }
      exchange = undefined;
    };
    /** Once every shard's gradients are here, average them (before the update is asked for). */
    const averageIfComplete = (current: Exchange) => {
      if (current.averaged !== undefined || current.parts.some((p) => p === undefined)) return;
      const parts = current.parts as (tf.Tensor | null)[][];
      const weights = shardWeights(current.sizes);
      current.averaged = variables.map((_, position) => {
        const shards = parts.map((p) => p[position]!);
        return shards[0] === null ? null : weightedSum(shards, weights);
      });
      for (const p of parts) tf.dispose(p.filter((t): t is tf.Tensor => t !== null));
      current.parts = [];
    };
    const setWeights = (buffers: ArrayBuffer[]) => {
      const weights = buffers.map((buffer, i) => tf.tensor(new Float32Array(buffer), shapes[i]!));
      model.setWeights(weights);
      tf.dispose(weights);
    };
    port.on('message', (request: Request) => {
      if (request.type === 'apply' || request.type === 'shard-gradients') {
        try {
          if (optimizer === undefined) throw new Error('an update came before the optimizer sync');
          if (exchange?.id !== request.id) {
            throw new Error(
              `${request.type} for step ${request.id}, which this replica did not take`,
            );
          }
          if (request.type === 'shard-gradients') {
            exchange.parts[request.shard] = request.grads.map((buffer, position) =>
              buffer === null
                ? null
                : tf.tensor(new Float32Array(buffer), variables[position]!.shape),
            );
            averageIfComplete(exchange);
          } else {
            apply(optimizer, exchange, request);
            endExchange();
          }
        } catch (error) {
          failedUpdate ??= error instanceof Error ? (error.stack ?? error.message) : String(error);
          endExchange();
        }
        return;
      }
      try {
        if (request.type === 'sync') {
          failedUpdate = undefined;
          endExchange();
          setWeights(request.weights);
          optimizer?.dispose();
          optimizer = new AdamWithClipping(
            1,
            request.optimizer.clipNorm,
            request.optimizer.beta1,
            request.optimizer.beta2,
            request.optimizer.epsilon,
          );
          const state = request.optimizerState.map((t) => ({
            name: t.name,
            tensor: tensorFrom(t),
          }));
          // The main thread waits for the answer before its next request.
          optimizer
            .setWeights(state)
            .then(
              () => port.postMessage({ type: 'synced', id: request.id }),
              (error: unknown) => reportError(request.id, error),
            )
            .finally(() => tf.dispose(state.map((s) => s.tensor)));
          return;
        }
        if (failedUpdate !== undefined) {
          throw new Error(`this replica failed to apply an update: ${failedUpdate}`);
        }
        if (request.type === 'weights') {
          const reply: WeightsReply = {
            type: 'weights',
            id: request.id,
            weights: modelWeights(model).map(ownedBuffer),
          };
          port.postMessage(reply, reply.weights);
          return;
        }
        if (request.weights !== undefined) setWeights(request.weights);
        if (request.type === 'evaluate') {
          evaluate(request);
          return;
        }
        endExchange();
        if (request.x === undefined || request.options === undefined) {
          // No shard of this step for this replica: it only averages the others' gradients.
          if (request.replica === undefined) throw new Error('a step without a shard');
          const { sizes } = request.replica;
          exchange = { id: request.id, shard: -1, sizes, parts: sizes.map(() => undefined) };
          return;
        }
        const x = tensorFrom(request.x);
        const g = objectiveGradients(model, x, request.options, { encoder, decoder });
        x.dispose();
        const own = gradientsByPosition(g, variables);
        const grads = own.map((t) => (t === null ? null : ownedBuffer(t)));
        if (request.replica !== undefined) {
          // Keep this shard's gradients (out of `g`, which is disposed below) to average them.
          const { shard, sizes } = request.replica;
          exchange = { id: request.id, shard, sizes, parts: sizes.map(() => undefined) };
          exchange.parts[shard] = own.map((t) => (t === null ? null : t.clone()));
          averageIfComplete(exchange);
        }
        const reply: StepReply = {
          type: 'result',
          id: request.id,
          grads,
          encoderLoss: g.encoderLoss.dataSync()[0]!,
          decoderLoss: g.decoderLoss.dataSync()[0]!,
          bound: ownedBuffer(g.bound),
          reconstruction: ownedBuffer(g.reconstruction),
          kl: ownedBuffer(g.kl),
        };
        disposeObjectiveGradients(g);
        const transfer = [
          ...grads.filter((b): b is ArrayBuffer => b !== null),
          reply.bound,
          reply.reconstruction,
          reply.kl,
        ];
        port.postMessage(reply, transfer);
      } catch (error) {
        reportError(request.id, error);
      }
    });
    /** One optimizer step on the replica: the averaged gradients, in the order asked for. */
    const apply = (adam: AdamWithClipping, current: Exchange, request: ApplyRequest): void => {
      if (current.averaged === undefined) {
        throw new Error(`the update of step ${request.id} came before every shard's gradients`);
      }
      const grads: tf.NamedTensorMap = {};
      for (const position of request.positions) {
        const g = current.averaged[position];
        if (g === null || g === undefined) {
          throw new Error(
            `the update of step ${request.id} names variable ${position}, which has no gradient`,
          );
        }
        grads[variables[position]!.name] = g;
      }
      adam.learningRate = request.learningRate;
      adam.applyGradients(grads);
    };
    /** Evaluate the request's batches, posting progress after each one, then the result. */
    const evaluate = (request: EvaluateRequest): void => {
      const x = tensorFrom(request.x);
      try {
        const part = evaluatePart(model, x, request.kind, {
          ...request.options,
          onProgress: (done) =>
            port.postMessage({
              type: 'progress',
              id: request.id,
              done: done - request.options.first,
            }),
        });
        const reply: EvaluateReply = {
          type: 'evaluation',
          id: request.id,
          batches: part.batches,
          means: part.means.buffer as ArrayBuffer,
          latentDim: part.latentDim,
        };
        port.postMessage(reply, [reply.means]);
      } finally {
        x.dispose();
      }
    };
    port.postMessage({ type: 'ready' });
  } catch (error) {
    port.postMessage({
      type: 'error',
      id: 0,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  }
}

/** Answer request `id` with an error. */
function reportError(id: number, error: unknown): void {
  port.postMessage({
    type: 'error',
    id,
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
}

/** The tensor a message carries. */
function tensorFrom(x: TensorMessage): tf.Tensor {
  const values = x.dtype === 'int32' ? new Int32Array(x.data) : new Float32Array(x.data);
  return tf.tensor(values, x.shape, x.dtype);
}

void start();
