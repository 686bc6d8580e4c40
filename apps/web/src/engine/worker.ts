/// <reference lib="webworker" />
/**
 * The engine worker: all TensorFlow.js work (training, exploring models, vMF sampling) runs
 * here, off the page's main thread. The page talks to it with {@link EngineRequest}s (one
 * reply each) and receives training progress as {@link EngineEvent}s.
 */
import * as tf from '@tensorflow/tfjs-core';
import type {
  BackendReport,
  EngineEvent,
  EngineReply,
  EngineRequest,
  TrainEvent,
} from '../shared/types';
import { chooseBackend } from './backend';
import { Explorer, vmfSamples } from './explorer';
import { readRunFiles } from './run-files';
import { TrainSession } from './train-session';

declare const self: DedicatedWorkerGlobalScope;

let backend: Promise<BackendReport> | undefined;
let dataBase = '';
/** The last run of each task (digits, text): its model stays explorable and downloadable. */
const sessions = new Map<TrainSession['settings']['task'], TrainSession>();
/** The run that pause, resume, step and stop act on: the latest one. */
let session: TrainSession | undefined;
let explorer: Explorer | undefined;

/** The session of run `runId`, or an error saying why its model is gone. */
function sessionOf(runId: number): TrainSession {
  for (const s of sessions.values()) if (s.runId === runId) return s;
  throw new Error(
    'this run’s model is no longer in the page: a later run on the same tab replaced it (or the backend was changed); train it again',
  );
}

function postEvent(event: TrainEvent, transfer: Transferable[] = []): void {
  self.postMessage({ event } satisfies EngineEvent, transfer);
}

async function ready(): Promise<void> {
  if (backend === undefined) throw new Error('the engine was not initialised');
  await backend;
}

async function handle(
  request: EngineRequest,
): Promise<{ result: unknown; transfer?: Transferable[] }> {
  switch (request.type) {
    case 'init':
      dataBase = request.dataBase;
      backend ??= chooseBackend(request.backend, request.wasmPaths, request.wasmKernelFixes);
      return { result: await backend };
    case 'train': {
      await ready();
      if ([...sessions.values()].some((s) => s.running))
        throw new Error('a training run is already going: stop it first');
      sessions.get(request.settings.task)?.dispose();
      session = new TrainSession(request.runId, request.settings, postEvent, dataBase, {
        paused: request.paused === true,
      });
      sessions.set(request.settings.task, session);
      void session.run();
      return { result: null };
    }
    case 'step':
      session?.stepOnce();
      return { result: null };
    case 'pause':
      session?.pause();
      return { result: null };
    case 'resume':
      session?.resume();
      return { result: null };
    case 'stop':
      session?.stop();
      return { result: null };
    case 'export-model': {
      const bundle = await sessionOf(request.runId).exportModel();
      return { result: bundle, transfer: [bundle.weightData] };
    }
    case 'export-run': {
      const archive = await sessionOf(request.runId).exportRun();
      const zip = archive.zip.buffer as ArrayBuffer;
      return { result: { name: archive.name, zip, paths: archive.paths }, transfer: [zip] };
    }
    case 'load-run': {
      await ready();
      const bundle = await readRunFiles(request.files);
      explorer ??= new Explorer(dataBase);
      return { result: await explorer.load(bundle, request.source) };
    }
    case 'load-bundle':
      await ready();
      explorer ??= new Explorer(dataBase);
      return { result: await explorer.load(request.bundle, request.source) };
    case 'samples':
      return { result: requireExplorer().samples(request.n, request.seed, request.temperature) };
    case 'reconstruct':
      return { result: await requireExplorer().reconstruct(request.n, request.offset) };
    case 'interpolate':
      return {
        result: await requireExplorer().interpolate(request.from, request.to, request.steps),
      };
    case 'latent-map':
      return { result: await requireExplorer().latentMap(request.n) };
    case 'decode-point':
      return { result: requireExplorer().decodePoint(request.x, request.y) };
    case 'decode-latent':
      return { result: requireExplorer().decodeLatent(request.z) };
    case 'encode-image':
      return { result: requireExplorer().encodeImage(request.pixels) };
    case 'decode-grid':
      return {
        result: requireExplorer().decodeGrid(
          request.x0,
          request.x1,
          request.y0,
          request.y1,
          request.n,
        ),
      };
    case 'test-digits':
      explorer ??= new Explorer(dataBase);
      return { result: await explorer.testDigits(request.indices) };
    case 'memory': {
      const m = tf.memory();
      return {
        result: { numTensors: m.numTensors, numBytes: m.numBytes, backend: tf.getBackend() },
      };
    }
    case 'vmf': {
      await ready();
      const result = vmfSamples(request.mu, request.kappa, request.n, request.seed);
      return { result, transfer: result.map((r) => r.points.buffer) };
    }
  }
}

function requireExplorer(): Explorer {
  if (explorer === undefined) throw new Error('no model is loaded: load a run directory first');
  return explorer;
}

// Requests are handled one at a time, in order (a training run goes on between its steps).
let queue: Promise<void> = Promise.resolve();
self.onmessage = (message: MessageEvent<{ id: number; request: EngineRequest }>) => {
  const { id, request } = message.data;
  // Pause, resume and stop act at once, not after queued work.
  const immediate =
    request.type === 'pause' ||
    request.type === 'resume' ||
    request.type === 'stop' ||
    request.type === 'step';
  const run = async () => {
    try {
      const { result, transfer } = await handle(request);
      self.postMessage({ id, ok: true, result } satisfies EngineReply, transfer ?? []);
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      self.postMessage({ id, ok: false, error: text } satisfies EngineReply);
    }
  };
  if (immediate) void run();
  else queue = queue.then(run);
};
