import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  type InitializerSpec,
  type Initializer,
  resolveInitializer,
  serializeInitializer,
} from './internal/initializers';
import type { Kwargs, LayerArgs, Shape } from './internal/layer-types';
import { lstmSequence } from './internal/lstm-sequence';
import { onHostMemoryBackend } from './internal/host-memory';
import { placeRows } from './internal/non-pad-token-log-prob';
import { embeddingLookup } from './token-embedding';
import { check } from './internal/validate';
import { deriveSeed } from '@vaekit/distributions/internal';

/** Arguments of {@link fusedLSTM} / {@link FusedLSTM}. */
export interface FusedLSTMArgs extends LayerArgs {
  /** Hidden size `H` (a positive integer). */
  units: number;
  /** Return the whole output sequence `[B, T, H]` (true) or only the last output `[B, H]` (false, default). */
  returnSequences?: boolean;
  /** Also return the final states: `[output, h_T, c_T]`. Default false. */
  returnState?: boolean;
  /** Add 1 to the forget-gate bias at initialisation (Jozefowicz et al. 2015). Default true. */
  unitForgetBias?: boolean;
  /** Seed for the default initializers (reproducible weights). */
  seed?: number;
  /** Initializer of the input kernel `W` `[E, 4H]`. Default Glorot uniform. */
  kernelInitializer?: InitializerSpec;
  /** Initializer of the recurrent kernel `U` `[H, 4H]`. Default Glorot uniform. */
  recurrentInitializer?: InitializerSpec;
}

/**
 * A long short-term memory layer (Hochreiter & Schmidhuber 1997, with the forget gate of Gers et
 * al. 2000) written for speed on CPU-like backends (wasm, cpu), with masking of padded steps.
 *
 * Mathematical details (Keras gate order and weight layout, so weights are interchangeable with
 * `tf.layers.lstm({ recurrentActivation: 'sigmoid' })`):
 * ```
 * [i, f, g, o] = [sigmoid, sigmoid, tanh, sigmoid]( x_t W + h_{t-1} U + b )     W [E,4H], U [H,4H], b [4H]
 * c_t = f * c_{t-1} + i * g,   h_t = o * tanh(c_t)
 * masked step (mask_t = 0): h_t = h_{t-1}, c_t = c_{t-1}, output_t = h_{t-1}   (state carried through padding)
 * ```
 * How it is fast: the input projection of all steps is ONE matmul (`[B*T, E] x [E, 4H]`); each
 * step does ONE matmul `h_{t-1} U` (`[B, H] x [H, 4H]`) and one sigmoid for all four gates
 * (`tanh(x) = 2 sigmoid(2x) - 1` on pre-scaled candidate columns); the backward pass is written by
 * hand (`tf.customGrad`): one matmul per step, the elementwise derivatives for all steps at once,
 * and the recurrent-kernel gradient as one `[H, B*T] x [B*T, 4H]` matmul. Per-step temporaries
 * are freed inside each step's `tf.tidy`. It is differentiable like any tfjs op
 * (`tf.grads`, `optimizer.minimize`).
 *
 * Inputs: `x` `[B, T, E]`, or `[x, h0, c0]` with initial states `[B, H]`. Mask: `kwargs.mask`
 * `[B, T]` (bool or 0/1), 1 at real tokens. Or `kwargs.lengths` (one integer in `[1, T]` per
 * row, a plain array): row `n` is computed for its first `lengths[n]` steps only and carries its
 * state after them (its outputs there repeat its last state), at the cost of the computed steps
 * alone; where nothing after a row's length reaches the loss (a decoder's padding), values and
 * gradients equal those without `lengths`, bit for bit up to the sign of zero. A mask that is
 * right padding is computed the same way on backends that keep tensors in host memory (wasm,
 * cpu, tfjs-node), with the mask's own arithmetic on the computed steps: the masked result bit
 * for bit (up to the sign of zero), without the padded steps' cost.
 *
 * Reference: Hochreiter & Schmidhuber 1997, "Long Short-Term Memory", Neural Computation 9(8).
 *
 * @example
 * ```ts
 * const lstm = fusedLSTM({ units: 256, returnSequences: true });
 * const h = lstm.apply(embedded, { mask: tf.notEqual(tokens, 0) }) as tf.Tensor; // [B, T, 256]
 * ```
 */
export class FusedLSTM extends tfl.layers.Layer {
  /** @nocollapse */
  static className = 'VaekitFusedLSTM';
  readonly units: number;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly unitForgetBias: boolean;
  readonly seed: number | undefined;
  private readonly kernelInit: Initializer;
  private readonly recurrentInit: Initializer;
  private kernel: tfl.LayerVariable | null = null;
  private recurrentKernel: tfl.LayerVariable | null = null;
  private bias: tfl.LayerVariable | null = null;

  constructor(args: FusedLSTMArgs) {
    const {
      units,
      returnSequences = false,
      returnState = false,
      unitForgetBias = true,
      seed,
      kernelInitializer,
      recurrentInitializer,
      ...base
    } = args;
    check(Number.isInteger(units) && units >= 1, 'fusedLSTM units', 'a positive integer', units);
    super(base);
    this.units = units;
    this.returnSequences = returnSequences;
    this.returnState = returnState;
    this.unitForgetBias = unitForgetBias;
    this.seed = seed;
    this.kernelInit = resolveInitializer(kernelInitializer, () =>
      tfl.initializers.glorotUniform({ seed: deriveSeed(seed, 0) }),
    );
    this.recurrentInit = resolveInitializer(recurrentInitializer, () =>
      tfl.initializers.glorotUniform({ seed: deriveSeed(seed, 1) }),
    );
  }

  override build(inputShape: Shape | Shape[]): void {
    const xShape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const e = xShape[xShape.length - 1];
    check(
      xShape.length === 3 && typeof e === 'number',
      'fusedLSTM input',
      'of shape [batch, time, features] with known features',
      `shape [${xShape.join(', ')}]`,
    );
    const H = this.units;
    this.kernel = this.addWeight('kernel', [e as number, 4 * H], 'float32', this.kernelInit);
    this.recurrentKernel = this.addWeight(
      'recurrent_kernel',
      [H, 4 * H],
      'float32',
      this.recurrentInit,
    );
    this.bias = this.addWeight('bias', [4 * H], 'float32', tfl.initializers.zeros());
    if (this.unitForgetBias) {
      tf.tidy(() => {
        this.bias!.write(tf.concat([tf.zeros([H]), tf.ones([H]), tf.zeros([2 * H])]));
      });
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const xShape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const [b, t] = xShape;
    const out: Shape = this.returnSequences ? [b!, t!, this.units] : [b!, this.units];
    return this.returnState ? [out, [b!, this.units], [b!, this.units]] : out;
  }

  /** Padded steps are consumed here: no mask is propagated to the next layer. */
  override computeMask(): tf.Tensor | tf.Tensor[] {
    return (this.returnState ? [null, null, null] : null) as unknown as tf.Tensor;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    return tf.tidy(() => {
      const list = Array.isArray(inputs) ? inputs : [inputs];
      check(
        list.length === 1 || list.length === 3,
        'fusedLSTM inputs',
        'x or [x, h0, c0]',
        `${list.length} tensors`,
      );
      const x = list[0] as tf.Tensor3D;
      check(
        x.rank === 3 && x.shape[1] >= 1,
        'fusedLSTM input',
        'of shape [batch, time >= 1, features]',
        `shape [${x.shape.join(', ')}]`,
      );
      const [B, T, E] = x.shape;
      const H = this.units;
      const rawMask = Array.isArray(kwargs['mask']) ? kwargs['mask'][0] : kwargs['mask'];
      const mask = rawMask == null ? null : (rawMask as tf.Tensor);
      if (mask !== null) {
        check(
          mask.rank === 2 && mask.shape[0] === B && mask.shape[1] === T,
          'fusedLSTM mask',
          `of shape [${B}, ${T}]`,
          `shape [${mask.shape.join(', ')}]`,
        );
      }
      const given = (kwargs['lengths'] as ArrayLike<number> | undefined) ?? null;
      check(
        given === null || mask === null,
        'fusedLSTM kwargs',
        'a mask or lengths, not both',
        'both',
      );
      // A right-padding mask on a host-memory backend: the same arithmetic on its 1s only.
      const prefix = mask === null ? null : prefixLengths(mask);
      const lengths = given ?? prefix;
      const h0 = (list[1] as tf.Tensor2D | undefined) ?? tf.zeros([B, H]);
      const c0 = (list[2] as tf.Tensor2D | undefined) ?? tf.zeros([B, H]);
      // Pre-scale the cell-candidate block by 2: one sigmoid then gives all gates.
      const scale = gateScale(H);
      const w = tf.mul(this.kernel!.read(), scale);
      const u = tf.mul(this.recurrentKernel!.read(), scale) as tf.Tensor2D;
      const b = tf.mul(this.bias!.read(), scale);
      const xTimeMajor = tf.reshape(tf.transpose(x, [1, 0, 2]), [T * B, E]);
      const project = (rows: tf.Tensor) => tf.add(tf.matMul(rows, w), b);
      // With lengths, only the positions the recurrence computes are projected (the others are
      // never read: zeros), the projection's gradients the same sums without their zero terms.
      const computed = lengths === null ? null : computedPositions(lengths, T, B);
      const xzFlat =
        computed === null
          ? project(xTimeMajor)
          : placeRows(project(embeddingLookup(xTimeMajor, computed)), computed, T * B);
      const xz = tf.reshape(xzFlat, [T, B, 4 * H]) as tf.Tensor3D;
      const maskTimeMajor =
        mask === null || prefix !== null
          ? null
          : (tf.reshape(tf.transpose(tf.cast(mask, 'float32')), [T, B, 1]) as tf.Tensor3D);
      const packed = lstmSequence(xz, u, h0, c0, maskTimeMajor, lengths, prefix !== null);
      const hs = tf.slice(packed, [0, 0, 0], [T, B, H]);
      const hLast = tf.reshape(tf.slice(packed, [T - 1, 0, 0], [1, B, H]), [B, H]);
      const cLast = tf.reshape(tf.slice(packed, [2 * T - 1, 0, 0], [1, B, H]), [B, H]);
      const output = this.returnSequences ? tf.transpose(hs, [1, 0, 2]) : hLast;
      return this.returnState ? [output, hLast, cLast] : output;
    });
  }

  /**
   * One LSTM step without masking, for step-by-step decoding: `x_t` `[B, E]`, state `[h, c]`
   * (`[B, H]` each) to the next state `[h, c]` (the output is `h`). Plain tfjs ops.
   */
  step(x: tf.Tensor, state: [tf.Tensor, tf.Tensor]): [tf.Tensor2D, tf.Tensor2D] {
    check(this.built, 'fusedLSTM', 'built (applied once) before step()', 'an unbuilt layer');
    return tf.tidy(() => {
      const z = tf.add(
        tf.add(
          tf.matMul(x, this.kernel!.read()),
          tf.matMul(state[0], this.recurrentKernel!.read()),
        ),
        this.bias!.read(),
      );
      const [i, f, g, o] = tf.split(z, 4, 1);
      const c = tf.add(tf.mul(tf.sigmoid(f!), state[1]), tf.mul(tf.sigmoid(i!), tf.tanh(g!)));
      const h = tf.mul(tf.sigmoid(o!), tf.tanh(c));
      return [h, c] as [tf.Tensor2D, tf.Tensor2D];
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {
      ...super.getConfig(),
      units: this.units,
      returnSequences: this.returnSequences,
      returnState: this.returnState,
      unitForgetBias: this.unitForgetBias,
      kernelInitializer: serializeInitializer(
        this.kernelInit,
      ) as unknown as tf.serialization.ConfigDictValue,
      recurrentInitializer: serializeInitializer(
        this.recurrentInit,
      ) as unknown as tf.serialization.ConfigDictValue,
    };
    if (this.seed !== undefined) config['seed'] = this.seed;
    return config;
  }
}
tf.serialization.registerClass(FusedLSTM);

/**
 * Each row's count of leading 1s when `mask` `[B, T]` is right padding (every row exactly
 * 1...1 0...0, at least one 1, and some row shorter than `T`) and the backend keeps tensors in host memory;
 * else `null` (the mask is then applied as it is).
 */
function prefixLengths(mask: tf.Tensor): Int32Array | null {
  if (!onHostMemoryBackend()) return null;
  const [B, T] = mask.shape as [number, number];
  const m = mask.dataSync();
  const lengths = new Int32Array(B);
  let padded = false;
  for (let n = 0; n < B; n++) {
    let l = 0;
    while (l < T && m[n * T + l] === 1) l++;
    for (let t = l; t < T; t++) if (m[n * T + t] !== 0) return null;
    if (l === 0) return null;
    if (l < T) padded = true;
    lengths[n] = l;
  }
  return padded ? lengths : null;
}

/**
 * The time-major positions `t * B + n` the recurrence computes with `lengths` (`t < lengths[n]`),
 * ascending, as an int32 tensor; `null` when that is every position (or the lengths are invalid:
 * `lstmSequence` then says why).
 */
function computedPositions(lengths: ArrayLike<number>, T: number, B: number): tf.Tensor1D | null {
  if (lengths.length !== B) return null;
  const positions: number[] = [];
  for (let t = 0; t < T; t++) {
    for (let n = 0; n < B; n++) if (t < lengths[n]!) positions.push(t * B + n);
  }
  return positions.length === T * B ? null : tf.tensor1d(positions, 'int32');
}

/** `[1, 1, 2, 1]` per gate block of width `H`: the pre-scaling that turns tanh into a sigmoid. */
function gateScale(H: number): tf.Tensor1D {
  return tf.concat([tf.ones([2 * H]), tf.fill([H], 2), tf.ones([H])]) as tf.Tensor1D;
}

/**
 * Create a {@link FusedLSTM} layer (Hochreiter & Schmidhuber 1997): an LSTM with one fused gate
 * matmul per step, a hand-written backward pass and masking of padded steps, serialisable like
 * any tfjs-layers layer.
 *
 * @throws Error if `units` is not a positive integer.
 * @example
 * ```ts
 * const model = tf.sequential({ layers: [
 *   tf.layers.embedding({ inputDim: 5000, outputDim: 256, inputLength: 20 }),
 *   fusedLSTM({ units: 256, returnSequences: true }),
 *   tf.layers.dense({ units: 5000 }),
 * ] });
 * ```
 */
export function fusedLSTM(args: FusedLSTMArgs): FusedLSTM {
  return new FusedLSTM(args);
}
