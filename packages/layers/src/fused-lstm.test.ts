import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expectAllClose, expectNoLeaks, normalTensor } from '@vaekit/test-utils';
import { describe, expect, it } from 'vitest';
import { FusedLSTM, fusedLSTM } from './fused-lstm';
import { numericGradient, pick } from './internal/numeric-gradient';

const randn = normalTensor;

/** A plain-autograd LSTM (Keras layout) used as the reference for outputs and gradients. */
function referenceLSTM(
  x: tf.Tensor,
  [W, U, b]: tf.Tensor[],
  h0: tf.Tensor,
  c0: tf.Tensor,
  mask: tf.Tensor | null,
): { outputs: tf.Tensor; h: tf.Tensor; c: tf.Tensor } {
  const [, T] = x.shape as number[];
  let h = h0;
  let c = c0;
  const outputs: tf.Tensor[] = [];
  for (let t = 0; t < T!; t++) {
    const xt = tf.squeeze(tf.slice(x, [0, t, 0], [-1, 1, -1]), [1]);
    const z = tf.add(tf.add(tf.matMul(xt, W!), tf.matMul(h, U!)), b!);
    const [i, f, g, o] = tf.split(z, 4, 1);
    let cNew = tf.add(tf.mul(tf.sigmoid(f!), c), tf.mul(tf.sigmoid(i!), tf.tanh(g!)));
    let hNew = tf.mul(tf.sigmoid(o!), tf.tanh(cNew));
    if (mask !== null) {
      const m = tf.slice(mask, [0, t], [-1, 1]);
      hNew = tf.add(tf.mul(m, hNew), tf.mul(tf.sub(1, m), h));
      cNew = tf.add(tf.mul(m, cNew), tf.mul(tf.sub(1, m), c));
    }
    h = hNew;
    c = cNew;
    outputs.push(h);
  }
  return { outputs: tf.stack(outputs, 1), h, c };
}

type Net = (x: tf.Tensor, h0: tf.Tensor, c0: tf.Tensor) => tf.Scalar;

/**
 * `ours` and `reference` (the same loss with the weights as an argument) have the same gradients
 * for the inputs `[x, h0, c0]` and for the weights `vars`, to float32 rounding (1e-4 relative).
 */
function expectSameGradients(
  ours: Net,
  reference: (x: tf.Tensor, h0: tf.Tensor, c0: tf.Tensor, ws: tf.Tensor[]) => tf.Scalar,
  inputs: [tf.Tensor, tf.Tensor, tf.Tensor],
  vars: tf.Variable[],
) {
  const tol = { rtol: 1e-4, atol: 1e-5 };
  const gOurs = tf.grads((x: tf.Tensor, h: tf.Tensor, c: tf.Tensor) => ours(x, h, c))(inputs);
  const gRef = tf.grads((x: tf.Tensor, h: tf.Tensor, c: tf.Tensor) => reference(x, h, c, vars))(
    inputs,
  );
  for (let k = 0; k < 3; k++) expectAllClose(gOurs[k]!, gRef[k]!, tol);
  const wOurs = tf.variableGrads(() => ours(...inputs), vars).grads;
  const wRef = tf.grads((W: tf.Tensor, U: tf.Tensor, b: tf.Tensor) =>
    reference(...inputs, [W, U, b]),
  )(vars);
  vars.forEach((v, k) => {
    expectAllClose(wOurs[v.name]!, wRef[k]!, tol);
  });
  return { gOurs, gRef, wOurs, wRef };
}

describe('FusedLSTM', () => {
  it('matches tf.layers.lstm (sigmoid gates) with the same weights to 1e-5, with and without a mask', () => {
    const [B, T, E, H] = [3, 5, 4, 6];
    const x = randn([B, T, E], 1);
    const ours = fusedLSTM({ units: H, returnSequences: true, returnState: true, seed: 3 });
    const theirs = tfl.layers.lstm({
      units: H,
      returnSequences: true,
      returnState: true,
      recurrentActivation: 'sigmoid',
      recurrentInitializer: 'glorotUniform',
    });
    ours.apply(x);
    theirs.apply(x);
    const weights = [randn([E, 4 * H], 2, 0.5), randn([H, 4 * H], 3, 0.5), randn([4 * H], 4, 0.5)];
    ours.setWeights(weights);
    theirs.setWeights(weights);
    const a = ours.apply(x) as tf.Tensor[];
    const b = theirs.apply(x) as tf.Tensor[];
    for (let k = 0; k < 3; k++) expectAllClose(a[k]!, b[k]!, { rtol: 1e-5, atol: 1e-5 });
    // Right padding: sequences of length 5, 3 and 1.
    const mask = tf.tensor2d([
      [1, 1, 1, 1, 1],
      [1, 1, 1, 0, 0],
      [1, 0, 0, 0, 0],
    ]);
    const am = ours.apply(x, { mask }) as tf.Tensor[];
    const bm = theirs.apply(x, { mask: tf.cast(mask, 'bool') }) as tf.Tensor[];
    for (let k = 0; k < 3; k++) expectAllClose(am[k]!, bm[k]!, { rtol: 1e-5, atol: 1e-5 });
    tf.dispose([x, mask, ...weights, ...a, ...b, ...am, ...bm]);
  });

  it('ignores padded positions: whatever they hold, outputs at real steps and final states are unchanged', () => {
    const [B, T, E, H] = [2, 6, 3, 4];
    const lstm = fusedLSTM({ units: H, returnSequences: true, returnState: true, seed: 5 });
    const mask = tf.tensor2d([
      [1, 1, 1, 1, 0, 0],
      [1, 1, 0, 0, 0, 0],
    ]);
    const x1 = randn([B, T, E], 6);
    const noise = randn([B, T, E], 7, 10);
    const x2 = tf.add(x1, tf.mul(noise, tf.sub(1, tf.expandDims(mask, 2)))); // garbage at padding only
    const [o1, h1, c1] = lstm.apply(x1, { mask }) as tf.Tensor[];
    const [o2, h2, c2] = lstm.apply(x2, { mask }) as tf.Tensor[];
    expect(Array.from(o2!.dataSync())).toEqual(Array.from(o1!.dataSync()));
    expect(Array.from(h2!.dataSync())).toEqual(Array.from(h1!.dataSync()));
    expect(Array.from(c2!.dataSync())).toEqual(Array.from(c1!.dataSync()));
    // Without the mask the garbage does change the final state: the test can fail.
    const [, h3] = lstm.apply(x2) as tf.Tensor[];
    expect(tf.max(tf.abs(tf.sub(h3!, h1!))).dataSync()[0]).toBeGreaterThan(1e-3);
    // The final state of the padded row equals the state after its real prefix alone.
    const prefix = tf.slice(x1, [1, 0, 0], [1, 2, E]);
    const [, hPrefix] = lstm.apply(prefix) as tf.Tensor[];
    expectAllClose(hPrefix!, tf.slice(h1!, [1, 0], [1, H]), { rtol: 1e-6, atol: 1e-7 });
    tf.dispose([mask, x1, noise, x2, o1!, h1!, c1!, o2!, h2!, c2!, h3!, prefix, hPrefix!]);
  });

  it('has a hand-written backward pass equal to autograd through the plain recurrence, and to finite differences', () => {
    const [B, T, E, H] = [3, 4, 3, 5];
    const lstm = fusedLSTM({ units: H, returnSequences: true, returnState: true, seed: 8 });
    const x = randn([B, T, E], 9);
    const h0 = randn([B, H], 10, 0.5);
    const c0 = randn([B, H], 11, 0.5);
    const mask = tf.tensor2d([
      [1, 1, 1, 1],
      [1, 1, 1, 0],
      [1, 0, 0, 0],
    ]);
    lstm.apply([x, h0, c0]);
    const weights = [
      randn([E, 4 * H], 12, 0.5),
      randn([H, 4 * H], 13, 0.5),
      randn([4 * H], 14, 0.5),
    ];
    lstm.setWeights(weights);
    const wOut = randn([B, T, H], 15);
    const wH = randn([B, H], 16);
    const wC = randn([B, H], 17);
    const vars = lstm.trainableWeights.map((w) => w.read() as tf.Variable);
    // A loss that touches every output: the sequence, h_T and c_T.
    const objective = (outputs: tf.Tensor, h: tf.Tensor, c: tf.Tensor) =>
      tf.add(
        tf.add(tf.sum(tf.mul(outputs, wOut)), tf.sum(tf.mul(h, wH))),
        tf.sum(tf.mul(tf.square(c), wC)),
      );
    const ours = (xx: tf.Tensor, hh: tf.Tensor, cc: tf.Tensor) => {
      const [o, h, c] = lstm.apply([xx, hh, cc], { mask }) as tf.Tensor[];
      return objective(o!, h!, c!) as tf.Scalar;
    };
    const reference = (xx: tf.Tensor, hh: tf.Tensor, cc: tf.Tensor, ws: tf.Tensor[]) => {
      const { outputs, h, c } = referenceLSTM(xx, ws, hh, cc, mask);
      return objective(outputs, h, c) as tf.Scalar;
    };
    const { gOurs, gRef, wOurs, wRef } = expectSameGradients(ours, reference, [x, h0, c0], vars);
    // Finite differences (float32, h = 1e-2) on a few entries of x, U and h0.
    const tol = { rtol: 1e-2, atol: 2e-3 };
    const xi = [0, 7, 20, 35];
    expectAllClose(
      pick(gOurs[0]!, xi),
      numericGradient((xx) => ours(xx, h0, c0), x, { indices: xi }),
      tol,
    );
    const hi = [1, 6, 14];
    expectAllClose(
      pick(gOurs[1]!, hi),
      numericGradient((hh) => ours(x, hh, c0), h0, { indices: hi }),
      tol,
    );
    const ui = [0, 23, 57, 99];
    const U = vars[1]!;
    const numericU = numericGradient((uu) => reference(x, h0, c0, [vars[0]!, uu, vars[2]!]), U, {
      indices: ui,
    });
    expectAllClose(pick(wOurs[U.name]!, ui), numericU, tol);
    tf.dispose([
      x,
      h0,
      c0,
      mask,
      ...weights,
      wOut,
      wH,
      wC,
      ...gOurs,
      ...gRef,
      ...Object.values(wOurs),
      ...wRef,
    ]);
  });

  it('with lengths: the prefix-masked recurrence (values and gradients), computed steps exactly unmasked', () => {
    const [B, T, E, H] = [3, 4, 3, 5];
    const lstm = fusedLSTM({ units: H, returnSequences: true, returnState: true, seed: 8 });
    const x = randn([B, T, E], 19);
    const h0 = randn([B, H], 20, 0.5);
    const c0 = randn([B, H], 21, 0.5);
    const lengths = [4, 3, 1];
    const mask = tf.tensor2d(lengths.map((l) => [0, 1, 2, 3].map((t) => (t < l ? 1 : 0))));
    lstm.apply([x, h0, c0]);
    const vars = lstm.trainableWeights.map((w) => w.read() as tf.Variable);
    const wOut = randn([B, T, H], 22);
    const wH = randn([B, H], 23);
    const wC = randn([B, H], 24);
    const objective = (outputs: tf.Tensor, h: tf.Tensor, c: tf.Tensor) =>
      tf.add(
        tf.add(tf.sum(tf.mul(outputs, wOut)), tf.sum(tf.mul(h, wH))),
        tf.sum(tf.mul(tf.square(c), wC)),
      ) as tf.Scalar;
    const ours = (xx: tf.Tensor, hh: tf.Tensor, cc: tf.Tensor) => {
      const [o, h, c] = lstm.apply([xx, hh, cc], { lengths }) as tf.Tensor[];
      return objective(o!, h!, c!);
    };
    const reference = (xx: tf.Tensor, hh: tf.Tensor, cc: tf.Tensor, ws: tf.Tensor[]) => {
      const { outputs, h, c } = referenceLSTM(xx, ws, hh, cc, mask);
      return objective(outputs, h, c);
    };
    // Values: the masked reference's (a carried state is what a prefix mask gives).
    const [o, hT, cT] = lstm.apply([x, h0, c0], { lengths }) as tf.Tensor[];
    const ref = referenceLSTM(x, vars, h0, c0, mask);
    expectAllClose(o!, ref.outputs, { rtol: 1e-5, atol: 1e-5 });
    expectAllClose(hT!, ref.h, { rtol: 1e-5, atol: 1e-5 });
    expectAllClose(cT!, ref.c, { rtol: 1e-5, atol: 1e-5 });
    // The computed steps are the unmasked recurrence's, bit for bit.
    const [plain] = lstm.apply([x, h0, c0]) as tf.Tensor[];
    const a = o!.arraySync() as number[][][];
    const b = plain!.arraySync() as number[][][];
    for (let n = 0; n < B; n++) {
      for (let t = 0; t < lengths[n]!; t++) expect(a[n]![t]).toEqual(b[n]![t]);
      // ... and a finished row repeats its last state.
      for (let t = lengths[n]!; t < T; t++) expect(a[n]![t]).toEqual(a[n]![lengths[n]! - 1]);
    }
    // Gradients: those of the masked reference, for inputs, initial states and weights.
    const { gOurs, gRef, wOurs, wRef } = expectSameGradients(ours, reference, [x, h0, c0], vars);
    expect(() => lstm.apply([x, h0, c0], { lengths: [4, 3] })).toThrow(
      /lengths: expected 3 \(one per row\), got 2/,
    );
    expect(() => lstm.apply([x, h0, c0], { lengths: [4, 0, 1] })).toThrow(
      /lengths\[1\]: expected an integer in \[1, 4\], got 0/,
    );
    expect(() => lstm.apply([x, h0, c0], { lengths, mask })).toThrow(/a mask or lengths, not both/);
    tf.dispose([x, h0, c0, mask, wOut, wH, wC, o!, hT!, cT!, plain!, ref.outputs, ref.h, ref.c]);
    tf.dispose([...gOurs, ...gRef, ...Object.values(wOurs), ...wRef]);
  });

  it('differentiates single-step, unmasked and long (chunked) sequences like autograd', () => {
    for (const [T, masked] of [
      [1, false],
      [3, false],
      [11, true],
      [23, false],
    ] as const) {
      const [B, E, H] = [2, 3, 4];
      const lstm = fusedLSTM({ units: H, returnSequences: true, seed: 40 + T });
      const x = randn([B, T, E], 41);
      const mask = masked
        ? tf.tensor2d([
            Array.from({ length: T }, (_, t) => (t < T - 3 ? 1 : 0)),
            new Array(T).fill(1),
          ])
        : null;
      lstm.apply(x);
      const vars = lstm.trainableWeights.map((w) => w.read() as tf.Variable);
      const w = randn([B, T, H], 42);
      const ours = tf.variableGrads(
        () => tf.sum(tf.mul(lstm.apply(x, { mask }) as tf.Tensor, w)) as tf.Scalar,
        vars as tf.Variable[],
      ).grads;
      const ref = tf.grads((W: tf.Tensor, U: tf.Tensor, b: tf.Tensor) =>
        tf.sum(
          tf.mul(referenceLSTM(x, [W, U, b], tf.zeros([B, H]), tf.zeros([B, H]), mask).outputs, w),
        ),
      )(vars);
      vars.forEach((v, k) => {
        expectAllClose(ours[v.name]!, ref[k]!, { rtol: 1e-4, atol: 1e-6 });
      });
      tf.dispose([x, w, ...Object.values(ours), ...ref]);
    }
  });

  it('step() reproduces the sequence computation one step at a time', () => {
    const [B, T, E, H] = [2, 3, 4, 5];
    const lstm = fusedLSTM({ units: H, returnSequences: true, seed: 21 });
    const x = randn([B, T, E], 22);
    const seq = lstm.apply(x) as tf.Tensor;
    let state: [tf.Tensor, tf.Tensor] = [tf.zeros([B, H]), tf.zeros([B, H])];
    for (let t = 0; t < T; t++) {
      state = lstm.step(tf.squeeze(tf.slice(x, [0, t, 0], [B, 1, E]), [1]), state);
      expectAllClose(state[0], tf.squeeze(tf.slice(seq, [0, t, 0], [B, 1, H]), [1]), {
        rtol: 1e-5,
        atol: 1e-6,
      });
    }
    tf.dispose([x, seq, ...state]);
  });

  it('saves and loads inside a model with identical outputs', async () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.embedding({
          inputDim: 11,
          outputDim: 4,
          inputLength: 5,
          embeddingsInitializer: tfl.initializers.randomUniform({ seed: 1 }),
        }),
        fusedLSTM({ units: 6, seed: 2 }),
        tfl.layers.dense({
          units: 3,
          kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }),
        }),
      ],
    });
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(artifacts!));
    expect(loaded.layers[1]).toBeInstanceOf(FusedLSTM);
    const tokens = tf.tensor2d(
      [
        [1, 2, 3, 4, 5],
        [10, 9, 8, 0, 0],
      ],
      undefined,
      'int32',
    );
    const a = model.predict(tokens) as tf.Tensor;
    const b = loaded.predict(tokens) as tf.Tensor;
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([tokens, a, b]);
    model.dispose();
    loaded.dispose();
  });

  it("differentiates under tfjs's IS_TEST kernel leak check (which counts saved tensors on wasm)", () => {
    const lstm = fusedLSTM({ units: 3, returnSequences: true, seed: 1 });
    const x = randn([2, 4, 2], 51);
    const mask = tf.tensor2d([
      [1, 1, 0, 0],
      [1, 1, 1, 1],
    ]);
    lstm.apply(x);
    const vars = lstm.trainableWeights.map((w) => w.read() as tf.Variable);
    tf.env().set('IS_TEST', true);
    try {
      const { grads } = tf.variableGrads(
        () => tf.sum(lstm.apply(x, { mask }) as tf.Tensor) as tf.Scalar,
        vars,
      );
      tf.dispose(Object.values(grads));
    } finally {
      tf.env().set('IS_TEST', false);
    }
    tf.dispose([x, mask]);
  });

  it('rejects bad arguments and leaks no tensors in the forward or backward pass', async () => {
    expect(() => fusedLSTM({ units: 0 })).toThrow(/units must be a positive integer/);
    const lstm = fusedLSTM({ units: 3, returnSequences: true, seed: 1 });
    const x = randn([2, 4, 2], 31);
    const mask = tf.tensor2d([
      [1, 1, 0, 0],
      [1, 1, 1, 1],
    ]);
    lstm.apply(x);
    expect(() => lstm.apply(x, { mask: tf.ones([2, 3]) })).toThrow(
      /mask must be of shape \[2, 4\]/,
    );
    await expectNoLeaks(() => lstm.apply(x, { mask }));
    await expectNoLeaks(() => lstm.apply(x));
    const vars = lstm.trainableWeights.map((w) => w.read()) as tf.Variable[];
    await expectNoLeaks(() =>
      tf.variableGrads(() => tf.sum(lstm.apply(x, { mask }) as tf.Tensor) as tf.Scalar, vars),
    );
    const [x0, s0] = [tf.zeros([2, 2]), tf.zeros([2, 3])];
    await expectNoLeaks(() => lstm.step(x0, [s0, s0]));
    tf.dispose([x, mask, x0, s0]);
  });
});
