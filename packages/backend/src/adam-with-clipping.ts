import * as tf from '@tensorflow/tfjs-core';
import { adamStep, globalNormSquared } from './adam-step';

/** A tensor with a name, as optimizers save their state. */
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
 * networks") and a learning rate that can be changed between steps (for decay on plateau):
 *
 * ```
 * g <- g * min(1, c / ||g||_2)            (||g|| over all variables together; c = 0 disables)
 * m <- b1 m + (1 - b1) g,  v <- b2 v + (1 - b2) g^2,  theta <- theta - lr m^ / (sqrt(v^) + eps)
 * ```
 *
 * Each variable's update is {@link adamStep}: bit-identical to tfjs's `tf.train.adam` applied to
 * the clipped gradients, and one fused kernel per variable on wasm. The whole state (step count,
 * both moment estimates and the running products beta^t) is saved and restored by
 * {@link AdamWithClipping.getState} / {@link AdamWithClipping.setState}, in the names tfjs uses
 * (`iter`, `<variable>/m`, `<variable>/v`), so a resumed run continues the same trajectory bit
 * for bit. As in tfjs, moments belong to positions in the gradient map (the order of its keys),
 * not to names: a state restores into a rebuilt model whose variables are named differently
 * (tfjs-layers numbers its layers per process).
 *
 * @example
 * ```ts
 * const optimizer = new AdamWithClipping(1e-3, 5);
 * const { grads } = tf.variableGrads(loss);
 * const norm = optimizer.apply(grads); // the global norm before clipping
 * ```
 */
export class AdamWithClipping {
  /** Exponential decay of the first moment. */
  readonly beta1 = 0.9;
  /** Exponential decay of the second moment. */
  readonly beta2 = 0.999;
  /** Added to sqrt(v^): the backend's epsilon, as tfjs's Adam (1e-7 on wasm, cpu and node). */
  readonly epsilon: number;
  private iterations = 0;
  private accBeta1: number;
  private accBeta2: number;
  /** Moment estimates by position in the gradient map, with the variable name they began with. */
  private moments: { name: string; m: tf.Variable; v: tf.Variable }[] = [];

  constructor(
    /** Step size; may be changed between steps. */
    public learningRate: number,
    /** Clip the global gradient norm to this (0: no clipping). */
    readonly clipNorm: number,
  ) {
    if (!(learningRate > 0)) throw new Error(`learningRate must be > 0, got ${learningRate}`);
    if (!(clipNorm >= 0)) throw new Error(`clipNorm must be >= 0 (0 disables), got ${clipNorm}`);
    this.epsilon = tf.backend().epsilon();
    this.accBeta1 = Math.fround(this.beta1);
    this.accBeta2 = Math.fround(this.beta2);
  }

  /** Steps applied so far. */
  get step(): number {
    return this.iterations;
  }

  /**
   * Clip and apply gradients (a map from variable name to gradient). Returns the global norm
   * before clipping. The gradients are not disposed.
   */
  apply(gradients: tf.NamedTensorMap): number {
    const names = Object.keys(gradients);
    const given = names.filter((n) => gradients[n] != null).map((n) => gradients[n]!);
    const norm = Math.sqrt(globalNormSquared(given));
    const clip = this.clipNorm > 0 && norm > this.clipNorm;
    const scalars = {
      learningRate: this.learningRate,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      accBeta1: this.accBeta1,
      accBeta2: this.accBeta2,
      ...(clip ? { gradientScale: this.clipNorm / norm } : {}),
    };
    for (const [i, name] of names.entries()) {
      const variable = tf.engine().registeredVariables[name];
      if (variable === undefined) {
        throw new Error(`AdamWithClipping: no variable named '${name}' for this gradient`);
      }
      const state = this.momentsAt(i, name, variable);
      if (gradients[name] == null) continue;
      const next = adamStep(variable, gradients[name]!, state.m, state.v, scalars);
      variable.assign(next.value);
      state.m.assign(next.m);
      state.v.assign(next.v);
      tf.dispose([next.value, next.m, next.v]);
    }
    // tfjs: accBeta.assign(mul(accBeta, beta)) in float32.
    this.accBeta1 = Math.fround(this.accBeta1 * Math.fround(this.beta1));
    this.accBeta2 = Math.fround(this.accBeta2 * Math.fround(this.beta2));
    this.iterations++;
    return norm;
  }

  /** The optimizer state as named tensors (copies the caller owns). */
  async getState(): Promise<NamedTensor[]> {
    const ms = this.moments.map(({ name, m }) => ({ name: `${name}/m`, tensor: m.clone() }));
    const vs = this.moments.map(({ name, v }) => ({ name: `${name}/v`, tensor: v.clone() }));
    return [
      { name: ITERATIONS, tensor: tf.scalar(this.iterations, 'int32') },
      ...ms,
      ...vs,
      { name: ACC_BETA1, tensor: tf.scalar(this.accBeta1) },
      { name: ACC_BETA2, tensor: tf.scalar(this.accBeta2) },
    ];
  }

  /**
   * Restore a state from {@link AdamWithClipping.getState} (or tfjs's `getWeights` names; without
   * the beta^t products they are recomputed as tfjs does, with pow).
   */
  async setState(state: NamedTensor[]): Promise<void> {
    const scalar = async (name: string) => {
      const entry = state.find((n) => n.name === name);
      return entry === undefined ? undefined : ((await entry.tensor.data())[0] as number);
    };
    const iterations = (await scalar(ITERATIONS)) ?? 0;
    const m = state.filter((n) => n.name.endsWith('/m'));
    const v = state.filter((n) => n.name.endsWith('/v'));
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
    this.iterations = iterations;
    this.accBeta1 =
      (await scalar(ACC_BETA1)) ?? Math.fround(Math.fround(this.beta1) ** (iterations + 1));
    this.accBeta2 =
      (await scalar(ACC_BETA2)) ?? Math.fround(Math.fround(this.beta2) ** (iterations + 1));
  }

  /** Free the moment estimates. */
  dispose(): void {
    this.disposeMoments();
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
