/**
 * Float32 tensor versions of the Bessel and von Mises-Fisher special functions, for use inside
 * tfjs graphs (losses, KL terms). The order / dimension is a plain number; the argument is a
 * tensor of any shape, evaluated elementwise. Each op is built from tfjs-core ops, piecewise
 * (`tf.where`) between the ascending series and Debye's uniform asymptotic expansion with both
 * branches finite everywhere, and carries an exact analytic gradient (through `tf.customGrad`,
 * see `elementwiseOp`), never the derivative of the approximation:
 *
 * - `d/dx log I_v(x) = A_v(x) + v / x` with `A_v = I_{v+1} / I_v`;
 * - `d/dkappa A_d = 1 - A_d^2 - (d - 1) A_d / kappa` (finite: `1/d` at `kappa = 0`);
 * - `d/dkappa log C_d = -A_d`; `d/dkappa KL = kappa dA_d/dkappa`; `d/dkappa H = -kappa dA_d/dkappa`.
 *
 * Accuracy: about 1e-6 relative (a few float32 roundings) for `d` up to 10000 and `kappa` up to
 * the largest float32 (3.4e38: no intermediate overflows); quantities that cross zero (`log C_d`,
 * `log I_v`, the entropy) are accurate to that much relative to the size of their terms.
 * Measured against mpmath with `S = max(|value|, |log|S^{d-1}||, 1)` (d in {2, 3, 10, 50, 1000},
 * kappa in {0, 1, 10, 1e3, 1e5}, and kappa from 1e6 to 1e38): `log C_d` within `1.5e-7 S`, the KL
 * and the entropy within `7e-7 S`, `A_d` within 2e-7 relative (see `vmf-accuracy.test.ts`,
 * `bench/vmf-accuracy.ts`). Second derivatives are not supported.
 */
import * as tf from '@tensorflow/tfjs-core';
import { logSphereSurfaceArea } from './log-sphere-surface-area';
import {
  besselIRatioComplementF32,
  besselIRatioDerivativeF32,
  besselIRatioDerivativeTimesXF32,
  besselIRatioF32,
  logBesselIF32,
  logBesselIReducedF32,
  logBesselIReducedMinusXF32,
  vmfKLToUniformF32,
} from './tensor-bessel-i';
import { checkValues } from '../internal/validate';
import { requireDimension, requireNonNegative } from './validate';

type Elementwise = (x: tf.Tensor) => tf.Tensor;

/** The largest finite float32: infinite derivatives are clipped to it (see below). */
const FLOAT32_MAX = 3.4028234663852886e38;

/** `f(x)` as a constant for autodiff: a `tf.customGrad` whose gradient is zero. */
function withoutGradient(f: Elementwise): Elementwise {
  const constant = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => ({
    value: f(args[0] as tf.Tensor),
    gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
  }));
  return (x) => constant(x);
}

/**
 * The named op `x -> value(x)` on a float32 copy of `x`, whose gradient is exactly
 * `dy * derivative(x)`. It is built as `V + G (x - X)` with `V = value(x)`, `G = derivative(x)` and
 * `X = x` each evaluated by a zero-gradient `tf.customGrad`: the forward value is `V` (as
 * `x - X = 0`), the gradient `G`. This is a `tf.customGrad` that needs nothing saved: saving `x`
 * in a customGrad makes the wasm backend copy it inside the kernel, which tfjs' test-mode leak
 * check (`IS_TEST`) reports as a leak (tensorflow/tfjs#6518). Infinite derivatives (only
 * `d/dx log I_v` at `x = 0`) are clipped to the largest float32 so that `G * 0` stays 0. Second
 * derivatives are not supported (they come out as 0). Intermediate tensors are released when it
 * returns (`tf.op` scope).
 */
function elementwiseOp<R extends tf.Rank>(
  name: string,
  x: tf.Tensor<R>,
  value: Elementwise,
  derivative: Elementwise,
): tf.Tensor<R> {
  const op = tf.op({
    [name]: (input: tf.Tensor) => {
      const x32 = input.dtype === 'float32' ? input : tf.cast(input, 'float32');
      const v = withoutGradient(value)(x32);
      const g = withoutGradient((t) => tf.clipByValue(derivative(t), -FLOAT32_MAX, FLOAT32_MAX))(
        x32,
      );
      const anchor = withoutGradient(tf.clone)(x32);
      return tf.add(v, tf.mul(g, tf.sub(x32, anchor)));
    },
  });
  return op(x) as tf.Tensor<R>;
}

/**
 * `log I_v(x)` elementwise in float32: the log of the modified Bessel function of the first kind,
 * differentiable in `x` with gradient `A_v(x) + v/x` (`A_v = I_{v+1}/I_v`). Same formulas as
 * {@link logBesselI} (ascending series A&S 9.6.10 for small `x`, Debye's uniform expansion A&S
 * 9.7.7 / Olver 1954 elsewhere), arranged for float32 so that no intermediate overflows: finite
 * and accurate to ~1e-7 relative up to the largest float32 (`log I_0(1e20) = 1e20 - 23.4`,
 * which rounds to 1e20).
 *
 * Valid arguments are `0 <= x < Infinity`. `I_v(-x) = (-1)^v I_v(x)` for integer `v` and is
 * complex otherwise, so `log I_v` of a negative argument is not a real number for most `v`: the
 * function reads `x` back (`dataSync`) and throws an `Error` naming `x`, the first bad value and
 * that range for a negative, NaN or infinite entry. Inside a graph being differentiated
 * (`tf.grad`, `tf.variableGrads`, ...) nothing is read or checked, and such entries give NaN.
 *
 * @example
 * ```ts
 * logBesselITensor(0, tf.tensor1d([0, 1, 1e6])); // [0, 0.23591, 999992.17]
 * tf.grad((x) => logBesselITensor(2.5, x).sum())(tf.tensor1d([3])); // A_2.5(3) + 2.5/3
 * logBesselITensor(0, tf.tensor1d([-1])); // throws: logBesselITensor: x must be finite and >= 0 ...
 * ```
 *
 * @param v - order, a finite number `>= 0`.
 * @param x - arguments, finite and `>= 0` (any shape; cast to float32).
 * @returns a float32 tensor of the shape of `x`; `-Infinity` at `x = 0` when `v > 0` (where the
 * gradient, `+Infinity` in theory, is reported as the largest float32).
 * @throws Error when `v` is negative, NaN or infinite, or, outside a gradient scope, when an
 * entry of `x` is negative, NaN or infinite.
 * @see Abramowitz & Stegun (1964) 9.6.10, 9.7.7; Olver (1954).
 */
export function logBesselITensor<R extends tf.Rank>(v: number, x: tf.Tensor<R>): tf.Tensor<R> {
  requireNonNegative('logBesselITensor', 'v', v);
  checkValues(
    x,
    'logBesselITensor: x',
    'finite and >= 0 (x in [0, Infinity))',
    (value) => Number.isFinite(value) && value >= 0,
  );
  return elementwiseOp(
    'logBesselITensor',
    x,
    // NaN for x < 0 (inside a gradient scope, where x is not checked), whatever the order.
    (xs) => tf.where(tf.less(xs, 0), tf.fill(xs.shape, Number.NaN), logBesselIF32(v, tf.abs(xs))),
    (xs) => {
      const ratio = besselIRatioF32(v, xs);
      return v === 0 ? ratio : tf.add(ratio, tf.div(v, xs));
    },
  );
}

/**
 * Mean resultant length `A_d(kappa) = I_{d/2}(kappa) / I_{d/2-1}(kappa)` of the von Mises-Fisher
 * distribution on `S^{d-1}`, elementwise in float32, with gradient
 * `dA/dkappa = 1 - A^2 - (d - 1) A / kappa` (evaluated without cancellation; `1/d` at 0; it is
 * `~(d - 1)/(2 kappa^2)` and underflows float32 to 0 beyond kappa ~ 1e19).
 * See {@link vmfMeanResultantLength}.
 *
 * @example
 * ```ts
 * vmfMeanResultantLengthTensor(3, tf.tensor1d([0, 10])); // [0, 0.9]
 * ```
 *
 * @param dim - ambient dimension `d`, an integer `>= 2`.
 * @param kappa - concentrations `>= 0` (any shape; cast to float32).
 * @throws Error when `dim` is not an integer `>= 2`.
 * @see Davidson et al., "Hyperspherical Variational Auto-Encoders" (UAI 2018); Amos (1974);
 * Abramowitz & Stegun (1964) 9.7.7, 9.7.9.
 */
export function vmfMeanResultantLengthTensor<R extends tf.Rank>(
  dim: number,
  kappa: tf.Tensor<R>,
): tf.Tensor<R> {
  requireDimension('vmfMeanResultantLengthTensor', dim);
  const v = dim / 2 - 1;
  return elementwiseOp(
    'vmfMeanResultantLengthTensor',
    kappa,
    (k) => besselIRatioF32(v, k),
    (k) => besselIRatioDerivativeF32(v, k),
  );
}

/**
 * Log normaliser `log C_d(kappa) = (d/2 - 1) log kappa - (d/2) log(2 pi) - log I_{d/2-1}(kappa)` of
 * the von Mises-Fisher density on `S^{d-1}`, elementwise in float32 (`-log|S^{d-1}|` at
 * `kappa = 0`), with gradient `-A_d(kappa)`. See {@link vmfLogNormalizer}.
 *
 * @example
 * ```ts
 * vmfLogNormalizerTensor(3, tf.tensor1d([0, 1])); // [-log(4 pi), -2.6865]
 * ```
 *
 * @param dim - ambient dimension `d`, an integer `>= 2`.
 * @param kappa - concentrations `>= 0` (any shape; cast to float32).
 * @throws Error when `dim` is not an integer `>= 2`.
 * @see Davidson et al., "Hyperspherical Variational Auto-Encoders" (UAI 2018); Abramowitz &
 * Stegun (1964) 9.6.10, 9.7.7.
 */
export function vmfLogNormalizerTensor<R extends tf.Rank>(
  dim: number,
  kappa: tf.Tensor<R>,
): tf.Tensor<R> {
  requireDimension('vmfLogNormalizerTensor', dim);
  const v = dim / 2 - 1;
  const logArea = logSphereSurfaceArea(dim);
  return elementwiseOp(
    'vmfLogNormalizerTensor',
    kappa,
    (k) => tf.neg(tf.add(logBesselIReducedF32(v, k), logArea)),
    (k) => tf.neg(besselIRatioF32(v, k)),
  );
}

/**
 * `KL(vMF(mu, kappa) || Uniform(S^{d-1})) = kappa A_d(kappa) + log C_d(kappa) + log|S^{d-1}|`,
 * elementwise in float32, with gradient `kappa dA_d/dkappa` (evaluated as such, so that it stays
 * `~(d-1)/(2 kappa)` where `dA_d/dkappa` underflows). Exactly 0 at `kappa = 0`, `~ kappa^2/(2d)`
 * for small `kappa` (no cancellation), finite and accurate (error below `7e-7 max(KL,
 * |log|S^{d-1}||, 1)`) up to `kappa = 3.4e38`, `d = 10000`. See {@link vmfKLToUniform}.
 *
 * @example
 * ```ts
 * const kl = vmfKLToUniformTensor(64, kappa); // the KL term of a hyperspherical VAE
 * ```
 *
 * @param dim - ambient dimension `d`, an integer `>= 2`.
 * @param kappa - concentrations `>= 0` (any shape; cast to float32).
 * @throws Error when `dim` is not an integer `>= 2`.
 * @see Davidson et al., "Hyperspherical Variational Auto-Encoders" (UAI 2018).
 */
export function vmfKLToUniformTensor<R extends tf.Rank>(
  dim: number,
  kappa: tf.Tensor<R>,
): tf.Tensor<R> {
  requireDimension('vmfKLToUniformTensor', dim);
  const v = dim / 2 - 1;
  return elementwiseOp(
    'vmfKLToUniformTensor',
    kappa,
    (k) => vmfKLToUniformF32(v, k),
    (k) => besselIRatioDerivativeTimesXF32(v, k),
  );
}

/**
 * Entropy of the von Mises-Fisher distribution on `S^{d-1}`,
 * `H = -kappa A_d(kappa) - log C_d(kappa) = log|S^{d-1}| - KL(vMF || Uniform)`, elementwise in
 * float32, with gradient `-kappa dA_d/dkappa`. See {@link vmfEntropy}.
 *
 * @example
 * ```ts
 * vmfEntropyTensor(3, tf.tensor1d([0])); // [log(4 pi)]
 * ```
 *
 * @param dim - ambient dimension `d`, an integer `>= 2`.
 * @param kappa - concentrations `>= 0` (any shape; cast to float32).
 * @throws Error when `dim` is not an integer `>= 2`.
 * @see Davidson et al., "Hyperspherical Variational Auto-Encoders" (UAI 2018).
 */
export function vmfEntropyTensor<R extends tf.Rank>(
  dim: number,
  kappa: tf.Tensor<R>,
): tf.Tensor<R> {
  requireDimension('vmfEntropyTensor', dim);
  const v = dim / 2 - 1;
  const logArea = logSphereSurfaceArea(dim);
  return elementwiseOp(
    'vmfEntropyTensor',
    kappa,
    (k) => tf.sub(logArea, vmfKLToUniformF32(v, k)),
    (k) => tf.neg(besselIRatioDerivativeTimesXF32(v, k)),
  );
}

/**
 * `log C_d(kappa) + kappa = -log|S^{d-1}| - (log 0F1(; d/2; kappa^2/4) - kappa)`, elementwise in
 * float32, with gradient `1 - A_d(kappa)`: the vMF log-density at `z = mu`, which stays accurate
 * (to ~1e-6 relative, `O(d log kappa)` in size) where `log C_d ~ -kappa` alone would round away
 * everything but `-kappa` (kappa = 1e20). `logProb = (log C_d + kappa) + kappa (mu^T z - 1)`.
 * Internal (used by `VonMisesFisher.logProb`).
 *
 * @example
 * ```ts
 * vmfLogNormalizerPlusKappaTensor(3, tf.tensor1d([1e20])); // [44.2138] (log C_3 alone rounds to -1e20)
 * ```
 *
 * @param dim - ambient dimension `d`, an integer `>= 2`.
 * @param kappa - concentrations `>= 0` (any shape; cast to float32).
 * @see Davidson et al., "Hyperspherical Variational Auto-Encoders" (UAI 2018).
 */
export function vmfLogNormalizerPlusKappaTensor<R extends tf.Rank>(
  dim: number,
  kappa: tf.Tensor<R>,
): tf.Tensor<R> {
  requireDimension('vmfLogNormalizerPlusKappaTensor', dim);
  const v = dim / 2 - 1;
  const logArea = logSphereSurfaceArea(dim);
  return elementwiseOp(
    'vmfLogNormalizerPlusKappaTensor',
    kappa,
    (k) => tf.neg(tf.add(logBesselIReducedMinusXF32(v, k), logArea)),
    (k) => besselIRatioComplementF32(v, k),
  );
}
