/**
 * A data-parallel worker thread (started by {@link DataParallelGradients}): builds a replica of
 * the model on its own tfjs backend, and answers each step with its shard's objective gradients.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@vaekit/backend';
import { ImageVAE, TextVAE } from '@vaekit/layers';
import { disposeObjectiveGradients, objectiveGradients } from '@vaekit/objectives';
import { modelWeights, ownedBuffer } from './data-parallel-gradients';
import { evaluatePart } from '@vaekit/core';
import type {
  EvaluateReply,
  EvaluateRequest,
  StepReply,
  StepRequest,
  WorkerInit,
} from './protocol';

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
    port.on('message', (request: StepRequest | EvaluateRequest) => {
      try {
        const weights = request.weights.map((buffer, i) =>
          tf.tensor(new Float32Array(buffer), shapes[i]!),
        );
        model.setWeights(weights);
        tf.dispose(weights);
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
        port.postMessage({
          type: 'error',
          id: request.id,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        });
      }
    });
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

/** A tensor of the examples a request carries. */
function tensorFrom(x: StepRequest['x']): tf.Tensor {
  const values = x.dtype === 'int32' ? new Int32Array(x.data) : new Float32Array(x.data);
  return tf.tensor(values, x.shape, x.dtype);
}

void start();
