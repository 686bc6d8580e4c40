import * as tf from '@tensorflow/tfjs-core';
import { expectAllClose, expectNoLeaks, normalSamples } from '@vaekit/test-utils';
import {
  CATEGORICAL_LOG_PROB_GRAD_KERNEL,
  CATEGORICAL_LOG_PROB_KERNEL,
} from '@vaekit/distributions/internal';
import { describe, expect, it } from 'vitest';
import { categoricalLogProb } from './categorical-log-prob';
import { numericGradient } from './internal/numeric-gradient';

/** float64 reference: sum over unmasked positions of log softmax(l)[y]. */
function reference(
  l: Float64Array,
  y: number[],
  V: number,
  keep: (k: number) => boolean,
): number[] {
  const rows = y.length;
  return y.map((target, k) => {
    if (!keep(k)) return 0;
    let max = -Infinity;
    for (let v = 0; v < V; v++) max = Math.max(max, l[k * V + v]!);
    let s = 0;
    for (let v = 0; v < V; v++) s += Math.exp(l[k * V + v]! - max);
    return rows >= 0 ? l[k * V + target]! - max - Math.log(s) : 0;
  });
}

describe('categoricalLogProb', () => {
  const [N, T, V] = [2, 4, 6];
  const values = Float64Array.from(normalSamples(N * T * V, 1), (x) => 3 * x);
  const targetRows = [
    [3, 1, 5, 0],
    [2, 0, 0, 0],
  ];

  it('equals sum_t log softmax(l_t)[y_t] over non-padding positions (float64 reference)', () => {
    const logits = tf.tensor3d(Float32Array.from(values), [N, T, V]);
    const targets = tf.tensor2d(targetRows, undefined, 'int32');
    const flat = targetRows.flat();
    const perToken = reference(values, flat, V, (k) => flat[k] !== 0);
    const expected = [
      perToken.slice(0, 4).reduce((a, b) => a + b),
      perToken.slice(4).reduce((a, b) => a + b),
    ];
    expectAllClose(categoricalLogProb(logits, targets, { padId: 0 }), expected, { rtol: 1e-5 });
    expectAllClose(categoricalLogProb(logits, targets, { padId: 0, reduction: 'none' }), perToken, {
      rtol: 1e-5,
      atol: 1e-6,
    });
    // Without padId every position counts (token 0 is then a real token).
    const all = reference(values, flat, V, () => true);
    expectAllClose(
      categoricalLogProb(logits, targets),
      [all.slice(0, 4).reduce((a, b) => a + b), all.slice(4).reduce((a, b) => a + b)],
      { rtol: 1e-5 },
    );
    // An explicit mask drops position 1 of row 0.
    const mask = tf.tensor2d([
      [1, 0, 1, 1],
      [1, 1, 1, 1],
    ]);
    const masked = categoricalLogProb(logits, targets, { mask, reduction: 'none' }).dataSync();
    expect(Math.abs(masked[1]!)).toBe(0);
    expect(masked[5]).toBeCloseTo(all[5]!, 4);
    tf.dispose([logits, targets, mask]);
  });

  it('is unchanged by anything at padded positions, with zero gradient there', () => {
    const targets = tf.tensor2d(targetRows, undefined, 'int32');
    const logits = tf.tensor3d(Float32Array.from(values), [N, T, V]);
    const garbage = tf.tensor3d(
      Float32Array.from(values, (x, k) =>
        targetRows.flat()[Math.floor(k / V)] === 0 ? 100 * x : x,
      ),
      [N, T, V],
    );
    const a = categoricalLogProb(logits, targets, { padId: 0 });
    const b = categoricalLogProb(garbage, targets, { padId: 0 });
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    const g = tf.grad((l: tf.Tensor) => tf.sum(categoricalLogProb(l, targets, { padId: 0 })))(
      logits,
    );
    const gv = g.dataSync();
    targetRows.flat().forEach((y, k) => {
      for (let v = 0; v < V; v++) if (y === 0) expect(Math.abs(gv[k * V + v]!)).toBe(0);
    });
    tf.dispose([targets, logits, garbage, a, b, g]);
  });

  it('has the gradient m (onehot(y) - softmax(l)), matching finite differences and autograd of l - logsumexp(l)', () => {
    const targets = tf.tensor2d(targetRows, undefined, 'int32');
    const logits = tf.tensor3d(Float32Array.from(values), [N, T, V]);
    const w = tf.tensor1d([0.7, -1.3]);
    const f = (l: tf.Tensor) => tf.sum(tf.mul(categoricalLogProb(l, targets, { padId: 0 }), w));
    const g = tf.grad(f)(logits);
    const ref = tf.grad((l: tf.Tensor) => {
      const picked = tf.sum(
        tf.mul(tf.sub(l, tf.logSumExp(l, 2, true)), tf.cast(tf.oneHot(targets, V), 'float32')),
        2,
      );
      return tf.sum(
        tf.mul(tf.mul(picked, tf.cast(tf.notEqual(targets, 0), 'float32')), tf.expandDims(w, 1)),
      );
    })(logits);
    expectAllClose(g, ref, { rtol: 1e-4, atol: 1e-6 });
    const indices = [0, 3, 7, 13, 20];
    expectAllClose(
      Float64Array.from(indices, (k) => g.dataSync()[k]!),
      numericGradient(f, logits, { indices, h: 1e-2 }),
      {
        rtol: 1e-2,
        atol: 1e-3,
      },
    );
    tf.dispose([targets, logits, w, g, ref]);
  });

  it('takes a pad id outside the vocabulary (ignore_index = -100): those positions count 0, with no gradient', () => {
    const flat = targetRows.flat();
    const targets = tf.tensor2d(
      targetRows.map((row) => row.map((y) => (y === 0 ? -100 : y))),
      undefined,
      'int32',
    );
    const logits = tf.tensor3d(Float32Array.from(values), [N, T, V]);
    const perToken = reference(values, flat, V, (k) => flat[k] !== 0);
    expectAllClose(
      categoricalLogProb(logits, targets, { padId: -100 }),
      [perToken.slice(0, 4).reduce((a, b) => a + b), perToken.slice(4).reduce((a, b) => a + b)],
      { rtol: 1e-5 },
    );
    const g = tf.grad((l: tf.Tensor) => tf.sum(categoricalLogProb(l, targets, { padId: -100 })))(
      logits,
    );
    const gv = g.dataSync();
    flat.forEach((y, k) => {
      for (let v = 0; v < V; v++) if (y === 0) expect(Math.abs(gv[k * V + v]!)).toBe(0);
    });
    tf.dispose([targets, logits, g]);
  });

  it.runIf(process.env.VAEKIT_TEST_BACKEND === 'wasm')(
    "on wasm, through vaekit's fused kernels: the values and gradients of the ops bit for bit",
    async () => {
      const kernels = [CATEGORICAL_LOG_PROB_KERNEL, CATEGORICAL_LOG_PROB_GRAD_KERNEL].map(
        (name) => tf.getKernel(name, 'wasm')!,
      );
      // @vaekit/backend registers both under the names this package looks for, and they run.
      expect(kernels.every((k) => k !== undefined)).toBe(true);
      const profile = await tf.profile(() =>
        tf.tidy(() =>
          tf.grad((l: tf.Tensor) => tf.sum(categoricalLogProb(l, tf.zeros([2, 3], 'int32'))))(
            tf.zeros([2, 3, 4]),
          ),
        ),
      );
      tf.dispose(profile.result as tf.Tensor);
      expect(profile.kernelNames).toEqual(
        expect.arrayContaining([CATEGORICAL_LOG_PROB_KERNEL, CATEGORICAL_LOG_PROB_GRAD_KERNEL]),
      );
      const bits = (t: tf.Tensor) =>
        Array.from(new Uint32Array(Float32Array.from(t.dataSync()).buffer));
      const run = (logits: tf.Tensor, targets: tf.Tensor) =>
        tf.tidy(() => {
          const w = tf.randomNormal([targets.shape[0]!], 0, 1, 'float32', 5);
          const { value, grads } = tf.variableGrads(
            () => tf.sum(tf.mul(categoricalLogProb(logits, targets, { padId: 0 }), w)) as tf.Scalar,
            [logits as tf.Variable],
          );
          return [bits(value), bits(grads[(logits as tf.Variable).name]!)];
        });
      for (const [sd, seed] of [
        [1, 1],
        [6, 2],
      ] as const) {
        // Text-VAE-like batches: 4 rows of 10 tokens over 501 words (a SIMD tail), padded rows.
        const logits = tf.variable(tf.randomNormal([4, 10, 501], 0, sd, 'float32', seed));
        const targets = tf.tidy(() =>
          tf.mul(
            tf.randomUniform([4, 10], 1, 501, 'int32', seed + 10),
            tf.cast(
              tf.less(tf.expandDims(tf.range(0, 10), 0), tf.tensor2d([[10], [7], [3], [9]])),
              'int32',
            ),
          ),
        );
        const fused = run(logits, targets);
        for (const k of kernels) tf.unregisterKernel(k.kernelName, 'wasm');
        try {
          expect(run(logits, targets), `sd ${sd}`).toEqual(fused);
        } finally {
          for (const k of kernels) tf.registerKernel(k);
        }
        tf.dispose([logits, targets]);
      }
    },
  );

  it("differentiates under tfjs's IS_TEST kernel leak check", () => {
    const logits = tf.zeros([2, 3, 4]);
    tf.env().set('IS_TEST', true);
    try {
      tf.grad((l: tf.Tensor) => tf.sum(categoricalLogProb(l, tf.zeros([2, 3], 'int32'))))(
        logits,
      ).dispose();
    } finally {
      tf.env().set('IS_TEST', false);
    }
    logits.dispose();
  });

  it('checks shapes and leaks no tensors', async () => {
    const logits = tf.zeros([2, 3, 4]);
    const targets = tf.zeros([2, 3], 'int32');
    expect(() => categoricalLogProb(logits, tf.zeros([2, 4], 'int32'))).toThrow(
      /targets must be of shape \[2, 3\]/,
    );
    await expectNoLeaks(() => categoricalLogProb(logits, targets, { padId: 0 }));
    await expectNoLeaks(() =>
      tf.grad((l: tf.Tensor) => tf.sum(categoricalLogProb(l, targets, { padId: 0 })))(logits),
    );
    // Uniform logits: log(1/4) per token.
    expectAllClose(categoricalLogProb(logits, targets), [3 * Math.log(0.25), 3 * Math.log(0.25)], {
      rtol: 1e-6,
    });
    tf.dispose([logits, targets]);
  });
});
