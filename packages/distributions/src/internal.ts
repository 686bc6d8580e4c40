/**
 * `@vaekit/distributions/internal`: helpers the vaekit packages share (`@vaekit/objectives`,
 * `@vaekit/layers`), for them, tests and benchmarks. Not a stable API: it may change in any
 * release. Applications use the package root.
 *
 * - `deriveSeed(seed, index)`: a splitmix32-style hash of `(seed, index)` into a non-zero tfjs
 *   seed, one independent stream per index (`undefined` stays `undefined`).
 * - `stopGradient(x)`: the identity with a zero gradient, `sg(x)`.
 * - `STANDARD_NORMAL_KL_KERNEL`, `BERNOULLI_LOG_PROB_KERNEL`, `CATEGORICAL_LOG_PROB_KERNEL`,
 *   `CATEGORICAL_LOG_PROB_GRAD_KERNEL`: the names of optional backend kernels for the Gaussian
 *   KL to the standard normal and for `@vaekit/layers`' `bernoulliLogProb` and
 *   `categoricalLogProb` (all registered on wasm by `@vaekit/backend`);
 *   `backendHasKernel(name)` tells whether the active backend has one.
 * - `customOp(f)`, `runCustomOp(op)`: `tf.customGrad` ops with hand-written gradients that `save`
 *   tensors for their backward pass (one tape entry instead of one per elementwise op).
 *
 * @packageDocumentation
 */
export { customOp, runCustomOp } from './internal/custom-op';
export {
  BERNOULLI_LOG_PROB_KERNEL,
  CATEGORICAL_LOG_PROB_GRAD_KERNEL,
  CATEGORICAL_LOG_PROB_KERNEL,
  STANDARD_NORMAL_KL_KERNEL,
  backendHasKernel,
} from './internal/kernel-names';
export { deriveSeed } from './internal/seed';
export { stopGradient } from './internal/stop-gradient';
