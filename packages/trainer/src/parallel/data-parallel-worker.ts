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
import { modelWeights, ownedBuffer } from './data-parallel-gradients';
import { evaluatePart } from '@vaekit/core';
import type {
  ApplyRequest,
  EvaluateReply,
  EvaluateRequest,
  StepReply,
  StepRequest,
  SyncRequest,
  TensorMessage,
  WeightsReply,
  WeightsRequest,
  WorkerInit,
} from './protocol';

type Request = StepRequest | EvaluateRequest | SyncRequest | ApplyRequest | WeightsRequest;

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
    const variables = [...encoder, ...decoder];
    const shapes = modelWeights(model).map((w) => w.shape);
    /** The optimizer replica (from the last `sync`), and a failed update not yet reported. */
    let optimizer: AdamWithClipping | undefined;
    let failedUpdate: string | undefined;
    const setWeights = (buffers: ArrayBuffer[]) => {
      const weights = buffers.map((buffer, i) => tf.tensor(new Float32Array(buffer), shapes[i]!));
      model.setWeights(weights);
      tf.dispose(weights);
    };
    port.on('message', (request: Request) => {
      if (request.type === 'apply') {
        try {
          if (optimizer === undefined) throw new Error('an update came before the optimizer sync');
          apply(optimizer, request);
        } catch (error) {
          failedUpdate ??= error instanceof Error ? (error.stack ?? error.message) : String(error);
        }
        return;
      }
      try {
        if (request.type === 'sync') {
          failedUpdate = undefined;
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
        const x = tensorFrom(request.x);
        const g = objectiveGradients(model, x, request.options, { encoder, decoder });
        x.dispose();
        const grads = variables.map((v) => {
          const t = g.encoderGrads[v.name] ?? g.decoderGrads[v.name];
          return t === undefined ? null : ownedBuffer(t);
        });
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
    /** One optimizer step on the replica, with the gradients in the order this thread took them. */
    const apply = (adam: AdamWithClipping, request: ApplyRequest): void => {
      const grads: tf.NamedTensorMap = {};
      for (const [j, position] of request.positions.entries()) {
        const v = variables[position]!;
        grads[v.name] = tf.tensor(new Float32Array(request.grads[j]!), v.shape);
      }
      try {
        adam.learningRate = request.learningRate;
        adam.applyGradients(grads);
      } finally {
        tf.dispose(Object.values(grads));
      }
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
