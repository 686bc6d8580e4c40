// Random numbers
export { Rng } from './random/rng';

// Data: images
export {
  readIdx,
  encodeIdx,
  isGzip,
  type IdxArray,
  type IdxData,
  type IdxType,
  type ReadIdxOptions,
} from './data/read-idx';
export {
  loadIdxImages,
  type IdxSplit,
  type ImageSet,
  type LoadIdxImagesOptions,
} from './data/load-idx-images';
export { loadMnist, mnistDataDir, type LoadMnistOptions } from './data/load-mnist';
export {
  ImageDataset,
  splitImageSet,
  loadImageSplits,
  type Binarization,
  type EpochOptions,
  type EpochPlan,
  type ImageBatch,
  type ImageSplits,
  type SplitOptions,
} from './data/image-dataset';

// Data: text
export { loadTextCorpus } from './data/load-text-corpus';
export {
  loadBrownCorpus,
  brownCorpusDir,
  stripBrownTags,
  type BrownCategory,
  type LoadBrownCorpusOptions,
} from './data/load-brown-corpus';
export { tokenize, type TokenizeOptions } from './data/tokenize';
export {
  Vocabulary,
  SPECIAL_TOKENS,
  type VocabularyJSON,
  type VocabularyOptions,
} from './data/vocabulary';
export { capLength, type CappedSentences, type LengthOverflow } from './data/cap-length';
export {
  padSequences,
  textBatchTensors,
  type PadOptions,
  type PaddedSequences,
  type TextBatch,
} from './data/pad-sequences';
export {
  TextDataset,
  type IndexedTextBatch,
  type TextDatasetOptions,
  type TextEpochOptions,
} from './data/text-dataset';
export { splitSentences, type SentenceSplitOptions } from './data/split-sentences';

// Checkpoints
export {
  MANIFEST_FILE,
  PREVIOUS_MANIFEST_FILE,
  type CheckpointManifest,
  type JsonValue,
  type TensorData,
  type TensorEntry,
} from './checkpoint/checkpoint-manifest';
export { writeCheckpoint, type CheckpointData } from './checkpoint/write-checkpoint';
export {
  readCheckpoint,
  hasCheckpoint,
  type Checkpoint,
  type ReadCheckpointOptions,
} from './checkpoint/read-checkpoint';
export { snapshotTensors, restoreTensors } from './checkpoint/tensor-record';
export { writeFileAtomic } from './checkpoint/write-file-atomic';

// Rendering
export { encodePng, crc32, type EncodePngOptions } from './render/encode-png';
export {
  imageGrid,
  imageGridPng,
  imageGridSvg,
  type GrayImage,
  type ImageGridOptions,
} from './render/image-grid';
export {
  trainingCurvesSvg,
  type CurvePanel,
  type MetricRow,
  type TrainingCurvesOptions,
} from './render/training-curves';
export { svgToPng, type SvgToPngOptions } from './render/svg-to-png';

// Run directories
export {
  RunDirectory,
  RUN_MARKER_FILE,
  type CreateRunOptions,
  type MetricsRow,
} from './run/run-directory';

// Configuration
export {
  DEFAULT_TRAIN_CONFIG,
  DATA_CHOICES,
  LATENT_KINDS,
  MODEL_KINDS,
  isTextData,
  resolveModelKind,
  type GradientEstimatorKind,
  type LatentKind,
  type ModelKind,
  type ObjectiveKind,
  type TrainConfig,
} from './config/train-config';
export { ConfigError, resolveConfig } from './config/validate-config';

// Training
export {
  train,
  NonFiniteLossError,
  type StepEvent,
  type TrainEvents,
  type TrainOptions,
  type TrainResult,
} from './train/train';
export { evaluate, type EvaluateOptions, type EvaluationResult } from './train/evaluate';
export { AdamWithClipping, type NamedTensor } from '@vaekit/backend';
export {
  createModel,
  headConfig,
  posteriorCenter,
  type Decoded,
  type RunModel,
} from './train/create-model';
export type { TrainableModel } from './train/trainable-model';
export {
  loadTrainingData,
  FASHION_MNIST_DIR,
  type DataSplit,
  type TrainingData,
} from './train/training-data';
export {
  sampleFromPrior,
  reconstruct,
  writeCurves,
  writeRunArtifacts,
} from './train/run-artifacts';
export { openRun, type OpenedRun } from './train/open-run';
export { fileIOHandler } from './io/file-io-handler';
