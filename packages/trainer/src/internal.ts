// Building blocks of @vaekit/trainer that other vaekit packages and the benchmarks use, with no
// stability promise: they may change in any release.
export {
  MANIFEST_FILE,
  PREVIOUS_MANIFEST_FILE,
  type JsonValue,
  type TensorData,
} from './checkpoint/checkpoint-manifest';
export { snapshotTensors, restoreTensors } from './checkpoint/tensor-record';
export { writeFileAtomic } from './checkpoint/write-file-atomic';
export { RUN_MARKER_FILE } from './run/run-directory';
export {
  DataParallelGradients,
  type DataParallelOptions,
} from './parallel/data-parallel-gradients';
