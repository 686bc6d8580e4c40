import * as tf from '@tensorflow/tfjs-core';
import { broadcastShapes, toShape } from './internal/shapes';
import { stopGradient } from './internal/stop-gradient';
import type { Likelihood } from './latent-variable-model';

/** Options of {@link Distribution.sample} and {@link Distribution.rsample}. */
export interface SampleOptions {
  /**
   * Seed for this call. The same seed on the same backend gives the same draws; without one,
   * tfjs's global random generator is used.
   */
  seed?: number;
}

/**
 * Base class of every vaekit distribution: it owns shapes, argument checks, tensor clean-up and
 * the sample/rsample plumbing; subclasses implement the mathematics in `_rsample` (the sampler),
 * `_logProb`, `_mean` and `_detached`, and where they have one, the closed-form `_entropy`.
 *
 * What a subclass declares:
 * - `reparameterized` (default `true`): whether its sampler `_rsample` is differentiable in the
 *   parameters (pathwise or implicit reparameterisation). A distribution without such a sampler
 *   (a discrete one, say) overrides the getter to return `false`; its `_rsample` is then its plain
 *   sampler, which `sample` uses and `rsample` refuses, throwing an Error naming the class.
 * - `_entropy` (optional): the closed-form entropy. Without it `entropy()` throws an Error naming
 *   the class (estimate it by Monte Carlo, `-mean(logProb(sample(n)))`).
 *
 * Shapes follow TensorFlow Probability: a distribution holds a batch of independent
 * distributions (`batchShape`), each over events of shape `eventShape`. `rsample(sampleShape)`
 * returns `sampleShape + batchShape + eventShape`; `logProb(value)` returns
 * `sampleShape + batchShape` for a value of shape `sampleShape + batchShape + eventShape`
 * (batch dimensions broadcast).
 *
 * Parameters are tensors owned by the caller. Tensors the distribution derives itself (for
 * example a scale computed from a log-variance) live in the scope where it was built, like any
 * tfjs result: inside `tf.tidy` (or an optimizer's `minimize`) they are freed with the scope;
 * outside one, call {@link Distribution.dispose}.
 */
export abstract class Distribution {
  readonly batchShape: number[];
  readonly eventShape: number[];
  private readonly owned: tf.Tensor[] = [];

  protected constructor(batchShape: number[], eventShape: number[]) {
    this.batchShape = [...batchShape];
    this.eventShape = [...eventShape];
  }

  /**
   * Whether `rsample` is differentiable in the parameters: `true` by default (every vaekit
   * distribution is). A subclass without a reparameterised sampler overrides it to return
   * `false`, and `rsample` then throws.
   * @example
   * ```ts
   * class Coin extends Distribution {
   *   override get reparameterized(): boolean {
   *     return false; // Bernoulli draws are not differentiable in p
   *   }
   *   // ... _rsample (the plain sampler), _logProb, _mean, _detached
   * }
   * new Coin(p).sample(10);  // fine
   * new Coin(p).rsample(10); // Error: Coin is not reparameterised ...
   * ```
   */
  get reparameterized(): boolean {
    return true;
  }

  /**
   * Draw samples without gradient: `sampleShape + batchShape + eventShape`.
   *
   * Called with options only (`sample({ seed })`), it draws once: `batchShape + eventShape`.
   * That is the {@link Likelihood} signature, so a `Distribution` returned by a decoder (batch
   * `[N]`, events shaped like one observation) is a `Likelihood` as it is: one draw is shaped
   * like the observations `x` (`[N, ...]`).
   * @example
   * ```ts
   * new StandardNormal({ dim: 2 }).sample(3, { seed: 1 }).shape; // [3, 2]
   * new StandardNormal({ dim: 2, batchShape: [5] }).sample({ seed: 1 }).shape; // [5, 2]
   * ```
   */
  sample(options?: SampleOptions): tf.Tensor;
  sample(sampleShape?: number | number[], options?: SampleOptions): tf.Tensor;
  sample(
    shapeOrOptions?: number | number[] | SampleOptions,
    options: SampleOptions = {},
  ): tf.Tensor {
    const optionsOnly = isSampleOptions(shapeOrOptions);
    const sampleShape = optionsOnly ? [] : toShape(shapeOrOptions);
    const { seed } = optionsOnly ? shapeOrOptions : options;
    return tf.tidy(() => stopGradient(this._rsample(sampleShape, seed)));
  }

  /**
   * Draw reparameterised samples `z = g(eps; params)`: gradients flow from `z` into the
   * parameters (pathwise or implicit reparameterisation). Shape `sampleShape + batchShape + eventShape`.
   * @throws Error naming the class when it is not {@link Distribution.reparameterized}.
   */
  rsample(sampleShape?: number | number[], options: SampleOptions = {}): tf.Tensor {
    if (!this.reparameterized) {
      throw new Error(
        `${this.constructor.name} is not reparameterised: rsample() has no gradient path into its parameters; use sample() for draws without gradient (and a score-function estimator for gradients)`,
      );
    }
    return tf.tidy(() => this._rsample(toShape(sampleShape), options.seed));
  }

  /** Log-density of `value` (shape `sampleShape + batchShape + eventShape`, batch broadcasting). */
  logProb(value: tf.Tensor): tf.Tensor {
    this.checkEvent(value, 'value');
    return tf.tidy(() => this._logProb(value));
  }

  /**
   * Differential entropy `H = -E[log p(z)]`, shape `batchShape`, in closed form.
   * @throws Error naming the class when it has no closed-form entropy (no `_entropy`).
   */
  entropy(): tf.Tensor {
    return tf.tidy(() => this._entropy());
  }

  /** Mean, shape `batchShape + eventShape`. */
  mean(): tf.Tensor {
    return tf.tidy(() => this._mean());
  }

  /**
   * The same distribution with every parameter behind a stop-gradient: samples from it are
   * still differentiable through the noise path only where a caller differentiates its input,
   * and its `logProb(z)` is differentiable in `z` but not in the parameters. This is what the
   * doubly reparameterised (DReG) estimator needs for `log q(z|x)`
   * (Tucker et al. 2018, "Doubly Reparameterized Gradient Estimators for Monte Carlo Objectives").
   */
  detached(): Distribution {
    return this._detached();
  }

  /** Free the tensors this distribution created itself (never the caller's parameters). */
  dispose(): void {
    for (const t of this.owned.splice(0)) t.dispose();
  }

  /** Record a tensor this distribution derived, to be freed by {@link Distribution.dispose}. */
  protected own<T extends tf.Tensor>(t: T): T {
    this.owned.push(t);
    return t;
  }

  /** The output shape of a sampler: `sampleShape + batchShape + eventShape`. */
  protected sampleEventShape(sampleShape: number[]): number[] {
    return [...sampleShape, ...this.batchShape, ...this.eventShape];
  }

  /** Check that `value` ends in the event shape and its batch part broadcasts against ours. */
  protected checkEvent(value: tf.Tensor, name: string): void {
    const e = this.eventShape.length;
    const tail = value.shape.slice(value.rank - e);
    if (value.rank < e || tail.some((n, i) => n !== this.eventShape[i])) {
      throw new Error(
        `${name} must have event shape [${this.eventShape.join(', ')}] in its last ${e} dimension(s), got shape [${value.shape.join(', ')}]`,
      );
    }
    broadcastShapes(value.shape.slice(0, value.rank - e), this.batchShape, `${name} batch shape`);
  }

  /**
   * The sampler: `sampleShape + batchShape + eventShape` draws, differentiable in the parameters
   * when {@link Distribution.reparameterized} (`rsample`), behind a stop-gradient in `sample`.
   */
  protected abstract _rsample(sampleShape: number[], seed: number | undefined): tf.Tensor;
  protected abstract _logProb(value: tf.Tensor): tf.Tensor;

  /**
   * The closed-form entropy, shape `batchShape`. Optional: subclasses that have one override it;
   * this default throws an Error naming the class.
   */
  protected _entropy(): tf.Tensor {
    throw new Error(
      `${this.constructor.name} has no closed-form entropy; estimate it by Monte Carlo as -mean(logProb(sample(n)))`,
    );
  }
  protected abstract _mean(): tf.Tensor;
  protected abstract _detached(): Distribution;
}

/** Whether a `sample` argument is the options record rather than a sample shape. */
function isSampleOptions(x: number | number[] | SampleOptions | undefined): x is SampleOptions {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
