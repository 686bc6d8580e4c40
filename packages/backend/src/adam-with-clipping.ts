import * as tf from '@tensorflow/tfjs-core';
import { adamStep, globalNormSquared } from './adam-step';

/**
 * A tensor with a name, as optimizers save their state (tfjs-core's `NamedTensor`, which its
 * public API does not export).
 */
export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

const ITERATIONS = 'iter';
const ACC_BETA1 = 'adam/accBeta1';
const ACC_BETA2 = 'adam/accBeta2';

/**
 * Adam (Kingma & Ba 2015, "Adam: A Method for Stochastic Optimization") with global-norm
 * gradient clipping (Pascanu et al. 2013, "On the difficulty of training recurrent neural
 * networks"), as a TensorFlow.js `tf.Optimizer`:
 *
 * ```
 * g <- g * min(1, c / ||g||_2)            (||g|| over all variables together; c = 0 disables)
 * m <- b1 m + (1 - b1) g,  v <- b2 v + (1 - b2) g^2,  theta <- theta - lr m^ / (sqrt(v^) + eps)
 * ```
 *
 * It is used as any tfjs optimizer: {@link AdamWithClipping.applyGradients} with a map from
 * variable name to gradient (or a `{ name, tensor }` list), or the inherited `minimize(f)`;
 * `model.compile({ optimizer })` in tfjs-layers. Each variable's update is {@link adamStep}:
 * bit-identical to `tf.train.adam(learningRate, beta1, beta2, epsilon)` applied to the clipped
 * gradients (but for moment estimates that would be subnormal, stored as zero: 10x faster Adam
 * steps on x86 once they appear, the weights unchanged but for weights below ~1e-26; see
 * {@link adamStep}), and one fused kernel per variable on wasm. The global norm of each step's gradients
 * (before clipping) is {@link AdamWithClipping.lastGradNorm}; the learning rate may be changed
 * between steps (decay on plateau).
 *
 * The whole state is saved and restored by {@link AdamWithClipping.getWeights} /
 * {@link AdamWithClipping.setWeights} in the names of tfjs's Adam (`iter`, then `<variable>/m`
 * for every variable, then `<variable>/v`) followed by the running products beta^t
 * (`adam/accBeta1`, `adam/accBeta2`), so a resumed run continues the same trajectory bit for bit;
 * this is the checkpoint format of `getState()` in @vaekit/backend 0.1, which these methods
 * replace. As in tfjs, moments belong to positions in the gradient map (the order of its keys),
 * not to names: a state restores into a rebuilt model whose variables are named differently
 * (tfjs-layers numbers its layers per process).
 *
 * @example
 * ```ts
 * const optimizer = new AdamWithClipping(1e-3, 5);
 * const { value, grads } = tf.variableGrads(loss);
 * optimizer.applyGradients(grads);
 * optimizer.lastGradNorm; // 7.3: the global norm before clipping (to 5)
 * tf.dispose([value, ...Object.values(grads)]);
 * ```
 */
export class AdamWithClipping extends tf.Optimizer {
  /** The name tfjs's serialization registry knows this class by. */
  static className = 'AdamWithClipping';
  /** Clip the global gradient norm to this (0: no clipping). */
  readonly clipNorm: number;
  /** Exponential decay of the first moment. */
  readonly beta1: number;
  /** Exponential decay of the second moment. */
  readonly beta2: number;
  /**
   * Added to sqrt(v^); default: the backend's epsilon at construction, as tfjs's Adam (1e-7 on
   * wasm, cpu and node).
   */
  readonly epsilon: number;
  private learningRate_: number;
  private accBeta1: number;
  private accBeta2: number;
  private lastGradNorm_ = Number.NaN;
  /** Moment estimates by position in the gradient map, with the variable name they began with. */
  private moments: { name: string; m: tf.Variable; v: tf.Variable }[] = [];

  /**
   * @param learningRate step size (> 0); may be changed between steps.
   * @param clipNorm clip the global gradient norm to this (>= 0; 0 disables clipping).
   * @param beta1 exponential decay of the first moment, in [0, 1) (default 0.9).
   * @param beta2 exponential decay of the second moment, in [0, 1) (default 0.999).
   * @param epsilon added to sqrt(v^), > 0 (default: the active backend's epsilon, as tfjs).
   * @throws Error naming the parameter and its valid range.
   */
  constructor(
    learningRate: number,
    clipNorm: number,
    beta1 = 0.9,
    beta2 = 0.999,
    epsilon?: number,
  ) {
    super();
    this.learningRate_ = checkLearningRate(learningRate);
    if (!(clipNorm >= 0)) throw new Error(`clipNorm must be >= 0 (0 disables), got ${clipNorm}`);
    for (const [name, beta] of [
      ['beta1', beta1],
      ['beta2', beta2],
    ] as const) {
      if (!(beta >= 0 && beta < 1)) throw new Error(`${name} must be in [0, 1), got ${beta}`);
    }
    if (epsilon != null && !(epsilon > 0)) throw new Error(`epsilon must be > 0, got ${epsilon}`);
    this.clipNorm = clipNorm;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon ?? tf.backend().epsilon();
    // tfjs: accBeta = scalar(beta).variable(), a float32 value.
    this.accBeta1 = Math.fround(beta1);
    this.accBeta2 = Math.fround(beta2);
  }

  /** Step size (> 0); may be changed between steps. */
  get learningRate(): number {
    return this.learningRate_;
  }

  set learningRate(value: number) {
    this.learningRate_ = checkLearningRate(value);
  }

  /**
   * The global norm `sqrt(sum_i ||g_i||^2)` of the gradients of the last
   * {@link AdamWithClipping.applyGradients} (or `minimize`), before clipping; `NaN` before the
   * first step. Non-finite when a gradient was.
   */
  get lastGradNorm(): number {
    return this.lastGradNorm_;
  }

  /**
   * Clip and apply gradients: a map from variable name to gradient, or a list of
   * `{ name, tensor }` (tfjs's `Optimizer.applyGradients`). Names must be those of registered
   * variables; a `null` gradient leaves its variable unchanged. The gradients are not disposed.
   * Read the global norm before clipping from {@link AdamWithClipping.lastGradNorm}.
   *
   * @throws Error naming a gradient that has no variable, or whose size differs from that of
   *   the moments restored at its position.
   */
  applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const gradients: [string, tf.Tensor | null | undefined][] = Array.isArray(variableGradients)
      ? variableGradients.map(({ name, tensor }) => [name, tensor])
      : Object.keys(variableGradients).map((name) => [name, variableGradients[name]]);
    const given = gradients.flatMap(([, g]) => (g == null ? [] : [g]));
    const norm = Math.sqrt(globalNormSquared(given));
    const clip = this.clipNorm > 0 && norm > this.clipNorm;
    const scalars = {
      learningRate: this.learningRate_,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      accBeta1: this.accBeta1,
      accBeta2: this.accBeta2,
      ...(clip ? { gradientScale: this.clipNorm / norm } : {}),
    };
    for (const [i, [name, gradient]] of gradients.entries()) {
      const variable = tf.engine().registeredVariables[name];
      if (variable === undefined) {
        throw new Error(`AdamWithClipping: no variable named '${name}' for this gradient`);
      }
      const state = this.momentsAt(i, name, variable);
      if (gradient == null) continue;
      const next = adamStep(variable, gradient, state.m, state.v, scalars);
      variable.assign(next.value);
      state.m.assign(next.m);
      state.v.assign(next.v);
      tf.dispose([next.value, next.m, next.v]);
    }
    // tfjs: accBeta.assign(mul(accBeta, beta)) in float32.
    this.accBeta1 = Math.fround(this.accBeta1 * Math.fround(this.beta1));
    this.accBeta2 = Math.fround(this.accBeta2 * Math.fround(this.beta2));
    this.lastGradNorm_ = norm;
    this.incrementIterations();
  }

  /**
   * The whole optimizer state, in tfjs Adam's names and order: `iter` (int32), `<variable>/m`
   * for every position, `<variable>/v` for every position, then `adam/accBeta1` and
   * `adam/accBeta2` (float32 beta^(t+1), kept so a resume is bit-exact). Unlike tfjs's Adam,
   * whose `getWeights` hands out its own variables, these are copies the caller owns and must
   * dispose.
   *
   * @example
   * ```ts
   * const state = await optimizer.getWeights();
   * state.map((s) => s.name); // ['iter', 'dense_Dense1/kernel/m', ..., 'dense_Dense1/kernel/v', ..., 'adam/accBeta1', 'adam/accBeta2']
   * tf.dispose(state.map((s) => s.tensor));
   * ```
   */
  override async getWeights(): Promise<NamedTensor[]> {
    const ms = this.moments.map(({ name, m }) => ({ name: `${name}/m`, tensor: m.clone() }));
    const vs = this.moments.map(({ name, v }) => ({ name: `${name}/v`, tensor: v.clone() }));
    return [
      await this.saveIterations(),
      ...ms,
      ...vs,
      { name: ACC_BETA1, tensor: tf.scalar(this.accBeta1) },
      { name: ACC_BETA2, tensor: tf.scalar(this.accBeta2) },
    ];
  }

  /**
   * Restore a state from {@link AdamWithClipping.getWeights} (or from `getState()` of
   * @vaekit/backend 0.1: the same names). Entries are found by name; the `/m` and `/v` moments
   * are taken in order and restore by position. A state from tfjs's Adam (no `adam/accBeta*`)
   * restores too: beta^(t+1) is then recomputed with a power, as tfjs does. The tensors are
   * copied: the caller still owns them.
   *
   * @throws Error when the numbers of `/m` and `/v` entries differ.
   * @example
   * ```ts
   * const resumed = new AdamWithClipping(1e-3, 5);
   * await resumed.setWeights(state); // state from getWeights(), e.g. read back from a checkpoint
   * resumed.iterations; // the step count saved
   * ```
   */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const scalar = async (name: string) => {
      const entry = weightValues.find((n) => n.name === name);
      return entry === undefined ? undefined : ((await entry.tensor.data())[0] as number);
    };
    const iterations = (await scalar(ITERATIONS)) ?? 0;
    const m = weightValues.filter((n) => n.name.endsWith('/m'));
    const v = weightValues.filter((n) => n.name.endsWith('/v'));
    if (m.length !== v.length) {
      throw new Error(
        `optimizer state has ${m.length} first-moment ('/m') and ${v.length} second-moment ('/v') tensors: they must pair up`,
      );
    }
    this.disposeMoments();
    this.moments = m.map((entry, i) =>
      tf.tidy(() => ({
        name: entry.name.slice(0, -2),
        m: tf.variable(tf.cast(entry.tensor, 'float32'), false),
        v: tf.variable(tf.cast(v[i]!.tensor, 'float32'), false),
      })),
    );
    this.iterations_ = iterations;
    this.accBeta1 =
      (await scalar(ACC_BETA1)) ?? Math.fround(Math.fround(this.beta1) ** (iterations + 1));
    this.accBeta2 =
      (await scalar(ACC_BETA2)) ?? Math.fround(Math.fround(this.beta2) ** (iterations + 1));
  }

  /** Free the moment estimates. The optimizer can still be used: it starts new ones. */
  override dispose(): void {
    super.dispose();
    this.disposeMoments();
  }

  /**
   * The settings (not the state), for tfjs serialization: `learningRate`, `clipNorm`, `beta1`,
   * `beta2`, `epsilon`.
   *
   * @example
   * ```ts
   * new AdamWithClipping(1e-3, 5).getConfig(); // { learningRate: 0.001, clipNorm: 5, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }
   * ```
   */
  getConfig(): tf.serialization.ConfigDict {
    return {
      learningRate: this.learningRate_,
      clipNorm: this.clipNorm,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
    };
  }

  /**
   * An optimizer with the settings of {@link AdamWithClipping.getConfig} (tfjs serialization).
   *
   * @example
   * ```ts
   * const copy = AdamWithClipping.fromConfig(AdamWithClipping, optimizer.getConfig());
   * ```
   */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(
      config['learningRate'],
      config['clipNorm'],
      config['beta1'],
      config['beta2'],
      config['epsilon'],
    );
  }

  private momentsAt(
    i: number,
    name: string,
    variable: tf.Variable,
  ): { m: tf.Variable; v: tf.Variable } {
    let state = this.moments[i];
    if (state === undefined) {
      state = tf.tidy(() => ({
        name,
        m: tf.variable(tf.zerosLike(variable), false),
        v: tf.variable(tf.zerosLike(variable), false),
      }));
      this.moments[i] = state;
    }
    if (state.m.size !== variable.size) {
      throw new Error(
        `AdamWithClipping: gradient ${i} ('${name}') has ${variable.size} values, its saved moments ${state.m.size}: was the state restored into another model?`,
      );
    }
    return state;
  }

  private disposeMoments(): void {
    for (const { m, v } of this.moments) tf.dispose([m, v]);
    this.moments = [];
  }
}

function checkLearningRate(learningRate: number): number {
  if (!(learningRate > 0)) throw new Error(`learningRate must be > 0, got ${learningRate}`);
  return learningRate;
}

// Known to tfjs serialization by its class name (e.g. an optimizer in a tfjs-layers training
// config): a registration at module load, listed in package.json's `sideEffects`.
tf.serialization.registerClass(AdamWithClipping);
