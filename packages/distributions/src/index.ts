export { Distribution, type SampleOptions } from './distribution';
export {
  DiagonalNormal,
  type DiagonalNormalArgs,
  klDiagonalNormalDiagonalNormal,
} from './diagonal-normal';
export {
  StandardNormal,
  type StandardNormalArgs,
  klDiagonalNormalStandardNormal,
} from './standard-normal';
export { klDivergence, registerKL } from './kl';
