/**
 * Prints gradient-check errors (relative L2 error and max absolute error) of the hand-written
 * FusedLSTM backward pass against autograd through a plain LSTM and against central finite
 * differences, of FusedLSTM's output against tf.layers.lstm, and of the BN-VAE scalers'
 * gradients against finite differences.
 *
 *   BK=wasm node --conditions=@vaekit/source --import tsx bench/gradient-check.ts    (or BK=cpu)
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { selectBackend } from '@vaekit/backend';
import { fixedGammaBatchNorm, fusedLSTM, posteriorScaler } from '../src/index';
import { numericGradient } from '../src/internal/numeric-gradient';
await selectBackend(process.env.BK ?? 'wasm');
console.log(`backend: ${tf.getBackend()}`);
tf.env().set('IS_TEST', false);
const randn = (shape: number[], seed: number, s = 1) =>
  tf.mul(tf.randomNormal(shape, 0, 1, 'float32', seed), s);
const relErr = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let n = 0,
    d = 0,
    m = 0;
  for (let i = 0; i < a.length; i++) {
    n += (a[i]! - b[i]!) ** 2;
    d += b[i]! ** 2;
    m = Math.max(m, Math.abs(a[i]! - b[i]!));
  }
  return `rel ${(Math.sqrt(n / d)).toExponential(1)} maxabs ${m.toExponential(1)}`;
};
function ref(x: tf.Tensor, [W, U, b]: tf.Tensor[], mask: tf.Tensor) {
  const [B, T] = x.shape as number[];
  const H = U!.shape[0]!;
  let h: tf.Tensor = tf.zeros([B!, H]);
  let c: tf.Tensor = tf.zeros([B!, H]);
  const outs: tf.Tensor[] = [];
  for (let t = 0; t < T!; t++) {
    const z = tf.add(
      tf.add(tf.matMul(tf.squeeze(tf.slice(x, [0, t, 0], [-1, 1, -1]), [1]), W!), tf.matMul(h, U!)),
      b!,
    );
    const [i, f, g, o] = tf.split(z, 4, 1);
    const cn = tf.add(tf.mul(tf.sigmoid(f!), c), tf.mul(tf.sigmoid(i!), tf.tanh(g!)));
    const hn = tf.mul(tf.sigmoid(o!), tf.tanh(cn));
    const m = tf.slice(mask, [0, t], [-1, 1]);
    h = tf.add(tf.mul(m, hn), tf.mul(tf.sub(1, m), h));
    c = tf.add(tf.mul(m, cn), tf.mul(tf.sub(1, m), c));
    outs.push(h);
  }
  return tf.stack(outs, 1);
}
const [B, T, E, H] = [4, 12, 5, 6];
const lstm = fusedLSTM({ units: H, returnSequences: true, seed: 1 });
const x = randn([B, T, E], 2);
const mask = tf.tensor2d(
  Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_, t) => (t < T - 2 * b ? 1 : 0))),
);
lstm.apply(x);
lstm.setWeights([randn([E, 4 * H], 3, 0.5), randn([H, 4 * H], 4, 0.5), randn([4 * H], 5, 0.5)]);
const vars = lstm.trainableWeights.map((w) => w.read() as tf.Variable);
const w = randn([B, T, H], 6);
const ours = (xx: tf.Tensor) =>
  tf.sum(tf.mul(lstm.apply(xx, { mask }) as tf.Tensor, w)) as tf.Scalar;
const theirs = (xx: tf.Tensor, ws: tf.Tensor[]) =>
  tf.sum(tf.mul(ref(xx, ws, mask), w)) as tf.Scalar;
const gO = tf.variableGrads(() => ours(x), vars).grads;
const gR = tf.grads((W: tf.Tensor, U: tf.Tensor, b: tf.Tensor) => theirs(x, [W, U, b]))(vars);
vars.forEach((v, k) => {
  console.log(
    `FusedLSTM d${['W', 'U', 'b'][k]} vs autograd:`,
    relErr(gO[v.name]!.dataSync(), gR[k]!.dataSync()),
  );
});
const dx = tf.grad(ours)(x);
console.log(
  'FusedLSTM dx vs autograd:',
  relErr(
    dx.dataSync(),
    tf
      .grad((xx: tf.Tensor) => theirs(xx, vars))(x)
      .dataSync(),
  ),
);
const idx = Array.from({ length: 24 }, (_, i) => (i * 7) % (4 * H * H));
console.log(
  'FusedLSTM dU vs finite differences (h=1e-2, 24 entries):',
  relErr(
    idx.map((i) => gO[vars[1]!.name]!.dataSync()[i]!),
    numericGradient((u) => theirs(x, [vars[0]!, u, vars[2]!]), vars[1]!, { indices: idx }),
  ),
);
const xi = Array.from({ length: 24 }, (_, i) => (i * 11) % (B * T * E));
console.log(
  'FusedLSTM dx vs finite differences (h=1e-2, 24 entries):',
  relErr(
    xi.map((i) => dx.dataSync()[i]!),
    numericGradient(ours, x, { indices: xi }),
  ),
);
const base = tfl.layers.lstm({
  units: H,
  returnSequences: true,
  recurrentActivation: 'sigmoid',
  recurrentInitializer: 'glorotUniform',
});
base.apply(x);
base.setWeights(lstm.getWeights());
const bo = base.apply(x, { mask: tf.cast(mask, 'bool') }) as tf.Tensor;
const fo = lstm.apply(x, { mask }) as tf.Tensor;
console.log('FusedLSTM output vs tf.layers.lstm:', relErr(fo.dataSync(), bo.dataSync()));
// Scaler and fixed-gamma BN.
const scaler = posteriorScaler({ tau: 0.3, momentum: 1 });
const a = randn([8, 4], 7);
const s2 = randn([8, 4], 8);
const w1 = randn([8, 4], 9);
const w2 = randn([8, 4], 10);
scaler.apply([a, s2], { training: true });
const theta = scaler.trainableWeights[0]!.read() as tf.Variable;
theta.assign(tf.tensor1d([0.5, -1, 0.2, 2]));
const sl = (xa: tf.Tensor, xs: tf.Tensor) =>
  tf.tidy(() => {
    const [m, s] = scaler.apply([xa, xs], { training: true }) as tf.Tensor[];
    return tf.add(
      tf.sum(tf.mul(tf.square(tf.add(m!, 0.3)), w1)),
      tf.sum(tf.mul(tf.square(tf.sub(s!, 0.2)), w2)),
    );
  });
const [da, ds] = tf.grads((xa: tf.Tensor, xs: tf.Tensor) => sl(xa, xs))([a, s2]);
console.log(
  'PosteriorScaler d meanRaw vs FD (all 32):',
  relErr(
    da!.dataSync(),
    numericGradient((xa) => sl(xa, s2), a),
  ),
);
console.log(
  'PosteriorScaler d stdRaw vs FD (all 32):',
  relErr(
    ds!.dataSync(),
    numericGradient((xs) => sl(a, xs), s2),
  ),
);
const gt = tf.variableGrads(() => sl(a, s2) as tf.Scalar, [theta]).grads[theta.name]!;
const tv = theta.clone();
console.log(
  'PosteriorScaler d theta vs FD:',
  relErr(
    gt.dataSync(),
    numericGradient((t) => {
      theta.assign(t);
      return sl(a, s2);
    }, tv),
  ),
);
theta.assign(tv);
const bn = fixedGammaBatchNorm({ gamma: 0.8, momentum: 1 });
bn.apply(a, { training: true });
const bl = (xa: tf.Tensor) =>
  tf.tidy(() =>
    tf.sum(tf.mul(tf.square(tf.add(bn.apply(xa, { training: true }) as tf.Tensor, 0.5)), w1)),
  );
console.log(
  'FixedGammaBatchNorm d input vs FD (all 32):',
  relErr(tf.grad(bl)(a).dataSync(), numericGradient(bl, a)),
);
