import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@vaekit/backend';
import {
  type RunModel,
  type TrainConfig,
  type TrainingData,
  createModel,
  modelData,
  resolveConfig,
} from '@vaekit/core';
import { readCheckpoint } from '../checkpoint/read-checkpoint';
import { restoreTensors } from '../checkpoint/tensor-record';
import { RunDirectory } from '../run/run-directory';
import { readRunVocabulary } from '../run/run-vocabulary';
import { loadTrainingData } from '../data/load-training-data';

/** A trained run, loaded: its configuration, data and model (the caller disposes the model). */
export interface OpenedRun {
  run: RunDirectory;
  config: TrainConfig;
  data: TrainingData;
  model: RunModel;
  /** The step of the checkpoint the weights came from. */
  step: number;
  /** The backend chosen. */
  backend: string;
}

/**
 * Open a run directory written by `train`: check it is one, read and validate its
 * `config.json`, load its data (encoded with the run's own vocabulary, for text), rebuild the model
 * and load the weights of its latest checkpoint, verifying the checkpoint's checksum.
 *
 * @throws Error naming the directory when it is not a vaekit run, has no checkpoint, or its
 *   checkpoint is corrupt (the checksum message names the file).
 * @example
 * ```ts
 * const { model, data } = await openRun('runs/mnist-bn-elbo-20261121-120000');
 * ```
 */
export async function openRun(dir: string, options: { backend?: string } = {}): Promise<OpenedRun> {
  if (!RunDirectory.isRun(dir)) {
    throw new Error(
      `${dir} is not a vaekit run directory (no vaekit-run.json); pass the directory 'vaekit train' wrote`,
    );
  }
  const run = RunDirectory.open(dir);
  const saved = run.readConfig();
  if (saved === undefined) throw new Error(`${dir}/config.json is missing`);
  const config = resolveConfig(saved as Partial<TrainConfig>);
  const backend = await selectBackend(options.backend ?? config.backend);
  const checkpoint = await readCheckpoint(run.checkpointDir);
  const vocabulary = readRunVocabulary(run);
  const data = loadTrainingData(config, vocabulary ? { vocabulary } : {});
  const model = createModel(config, modelData(data));
  const weights = restoreTensors(checkpoint.weights);
  try {
    model.loadNamedWeights(weights);
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    tf.dispose(Object.values(weights));
  }
  return { run, config, data, model, step: checkpoint.step, backend: backend.choice };
}
