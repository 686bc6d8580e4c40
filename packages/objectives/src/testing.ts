/**
 * `@vaekit/objectives/testing`: reference models for testing bounds, estimators and metrics
 * against closed forms. Not needed to train: applications use the package root.
 *
 * - `linearGaussianModel(args)`: `p(z) = N(0, I)`, `p(x | z) = N(W z + b, s^2 I)` with a
 *   trainable linear Gaussian encoder; exact `log p(x)` and posterior.
 *
 * @packageDocumentation
 */
export {
  linearGaussianModel,
  type LinearGaussianModel,
  type LinearGaussianModelArgs,
} from './testing/linear-gaussian-model';
