// Configuration: one description of every setting, and its validation.
export {
  DEFAULT_TRAIN_CONFIG,
  isTextData,
  resolveModelKind,
  type GradientEstimatorKind,
  type LatentKind,
  type ModelKind,
  type ObjectiveKind,
  type TrainConfig,
} from './config/train-config';
export {
  CONFIG_FIELDS,
  type ConfigField,
  type ConfigFieldGroup,
  type ConfigFieldType,
} from './config/config-fields';
export {
  ConfigError,
  describeRange,
  ignoredSettings,
  resolveConfig,
  settingChanges,
  type SettingChange,
} from './config/validate-config';

// Registries: the single source of truth for latent families and data sources (objectives:
// OBJECTIVES of @vaekit/objectives).
export { Registry } from './registry/registry';
export {
  LATENT_FAMILIES,
  type LatentFamilySpec,
  type LatentParameter,
  type LatentSettings,
} from './registry/latent-families';
export {
  DATA_SOURCES,
  dataKind,
  dataSpecSyntax,
  parseDataSpec,
  type DataSourceSpec,
  type ParsedDataSpec,
} from './registry/data-sources';

// Random numbers
export { Rng } from './random/rng';

// Data transforms
export type { ImageSet } from './data/image-set';
export {
  ImageDataset,
  defaultValidationSize,
  splitImageSet,
  type Binarization,
  type EpochOptions,
  type EpochPlan,
  type ImageBatch,
  type ImageSplits,
  type SplitOptions,
} from './data/image-dataset';
export { tokenize, type TokenizeOptions } from './data/tokenize';
export { Vocabulary, type VocabularyJSON, type VocabularyOptions } from './data/vocabulary';
export { capLength, type CappedSentences, type LengthOverflow } from './data/cap-length';
export {
  padSequences,
  sentenceRows,
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
export {
  imageSplit,
  imageTrainingData,
  modelData,
  textSplit,
  textTrainingData,
  type DataSplit,
  type ImageTrainingDataOptions,
  type TextTrainingDataOptions,
  type TrainingData,
} from './data/training-data';

// Models
export {
  createModel,
  headConfig,
  loadRunModel,
  posteriorCenter,
  type Decoded,
  type DecodeOptions,
  type ModelData,
  type RunModel,
  type SavedModelData,
} from './model/create-model';
export type { TrainableModel } from './model/trainable-model';
export { reconstruct, sampleFromPrior } from './model/decode';
export {
  manifestWeightBytes,
  modelFileDigests,
  sha256Hex,
  verifyModelFiles,
  type FileDigest,
  type ModelFileBytes,
  type ModelFileDigests,
  type ModelFilesCheck,
  type VerifyModelFilesOptions,
} from './model/model-checksum';
export { latentPath } from './latent/latent-path';

// Training and evaluation
export {
  NonFiniteLossError,
  trainStep,
  trainStepOptions,
  type GradientSource,
  type StepResult,
  type TrainStepOptions,
} from './train/train-step';
export {
  combineEvaluation,
  evaluate,
  evaluatePart,
  MAX_DECODED_FLOATS,
  nllChunkSize,
  type BatchSums,
  type EvaluateOptions,
  type EvaluatePartOptions,
  type EvaluationPart,
  type EvaluationResult,
} from './train/evaluate';
export { dropLastBatch } from './train/drop-last-batch';

// Rendering: SVG, PNG and pixels, no canvas needed
export { encodePng, type EncodePngOptions } from './render/encode-png';
export { formatTick, niceTicks } from './render/nice-ticks';
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
