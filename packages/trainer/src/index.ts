// @vaekit/trainer: the Node layer over @vaekit/core. Files, checkpoints, run directories, PNG
// writing and worker threads; everything else (configuration, registries, models, data
// transforms, the training step, evaluation, rendering) is in @vaekit/core.

// Training runs
export {
  train,
  type StepEvent,
  type TrainEvents,
  type TrainOptions,
  type TrainResult,
} from './train/train';
export { openRun, type OpenedRun } from './train/open-run';
export {
  PARALLEL_EVALUATION_SAMPLES,
  writeCurves,
  writeRunArtifacts,
} from './train/run-artifacts';
export { evaluateParallel, evaluationThreads } from './parallel/parallel-evaluate';
export {
  chooseThreads,
  ROWS_PER_THREAD,
  SENTENCES_PER_THREAD,
  type ThreadChoice,
} from './parallel/choose-threads';

// Data from files
export {
  loadTrainingData,
  DATA_LOADERS,
  FASHION_MNIST_DIR,
  type DataLoader,
} from './data/load-training-data';
export { loadMnist, mnistDataDir, type LoadMnistOptions } from './data/load-mnist';
export {
  loadIdxImages,
  type IdxSplit,
  type LoadIdxImagesOptions,
} from './data/load-idx-images';
export { loadImageSplits } from './data/load-image-splits';
export {
  readIdx,
  encodeIdx,
  isGzip,
  type IdxArray,
  type IdxData,
  type IdxType,
  type ReadIdxOptions,
} from './data/read-idx';
export { loadTextCorpus } from './data/load-text-corpus';
export {
  loadBrownCorpus,
  brownCorpusDir,
  stripBrownTags,
  type BrownCategory,
  type LoadBrownCorpusOptions,
} from './data/load-brown-corpus';

// Checkpoints and run directories
export { writeCheckpoint, type CheckpointData } from './checkpoint/write-checkpoint';
export {
  readCheckpoint,
  hasCheckpoint,
  type Checkpoint,
  type ReadCheckpointOptions,
} from './checkpoint/read-checkpoint';
export type { CheckpointManifest, TensorEntry } from './checkpoint/checkpoint-manifest';
export { RunDirectory, type CreateRunOptions, type MetricsRow } from './run/run-directory';
export { fileIOHandler } from './io/file-io-handler';
export {
  modelDirDigests,
  readModelFiles,
  recordedModelDigests,
  verifyModelDir,
} from './io/model-dir-checksum';

// TensorBoard event files
export {
  TensorBoardWriter,
  EVENT_FILE_VERSION,
  type TensorBoardWriterOptions,
} from './log/tensorboard-writer';
export { TENSORBOARD_DIR, TENSORBOARD_METRICS } from './log/tensorboard-log';
export { decodeEvent, encodeEvent, type EventMessage } from './log/event-proto';
export { encodeTFRecord, maskedCrc32c, readTFRecords } from './log/tfrecord';

// Rendering to files
export { svgToPng, type SvgToPngOptions } from './render/svg-to-png';
export { zlibDeflate } from './render/zlib-deflate';
