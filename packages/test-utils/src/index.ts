export { activeBackend, tolerance } from './backend';
export { ksStatistic, ksPValue, ksTest } from './ks';
export { expectAllClose, expectFinite } from './assertions';
export { centralDifference } from './finite-difference';
export { mulberry32, normalSamples, normalTensor } from './random';
export { expectNoLeaks } from './leaks';
export { columnMoments, offsetScaledColumns } from './columns';
