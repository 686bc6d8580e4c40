/**
 * The text VAE's decoder on real, padded batches: Brown corpus sentences of at most 30 words in
 * batches of 32, each padded to its longest sentence (as `vaekit train` batches them), the
 * reproduction's model (vocabulary 5,000, embedding 256, LSTM 256, d = 32). It times the token
 * likelihood's forward and backward pass (`decoder.apply(z).logProb(x)` and the gradients of
 * every decoder weight) against the same likelihood with every position projected onto the
 * vocabulary (`categoricalLogProb(decoder.logits(...), targets, { padId })`, what vaekit did
 * before 2026-12-07), alternating the two on the same batches; and the forward pass alone on
 * K = 20 copies of a batch (an importance-sampled NLL's decoding). Both give the same values.
 *
 *   node --conditions=@vaekit/source --import tsx bench/text-padding.ts
 *
 * Environment: BENCH_BACKEND (default auto), ROUNDS (default 5), BATCHES (default 12).
 */
import { core, layers, layersInternal, setUpBackend, type TF, tf, trainer } from './deps';

tf.env().set('PROD', true);
const selection = await setUpBackend(process.env.BENCH_BACKEND ?? 'auto');
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const BATCHES = Number(process.env.BATCHES ?? 12);

const config = core.resolveConfig({ data: 'brown', vocabSize: 5000, maxLength: 30, latentDim: 32 });
const data = trainer.loadTrainingData(config);
const decoder = new layers.LSTMTextDecoder(
  { vocabSize: data.vocabulary!.size, embeddingDim: 256, hiddenUnits: 256, latentDim: 32 },
  { seed: 1 },
);
decoder.build();
const batches: TF.Tensor2D[] = [];
for (const { x } of data.train.batches(new core.Rng(1), { batchSize: 32 })) {
  batches.push(x as TF.Tensor2D);
  if (batches.length === BATCHES) break;
}
const z = tf.randomNormal([32, 32], 0, 1, 'float32', 5);
let real = 0;
let positions = 0;
for (const x of batches) {
  const targets = tf.slice(x, [0, 1], [32, x.shape[1] - 1]);
  real += tf.sum(tf.cast(tf.notEqual(targets, 0), 'int32')).dataSync()[0]!;
  positions += targets.size;
  targets.dispose();
}

const packed = (x: TF.Tensor2D) => tf.sum(decoder.apply(z).logProb(x)) as TF.Scalar;
const full = (x: TF.Tensor2D) =>
  tf.tidy(() => {
    const [N, T] = x.shape;
    const logits = decoder.logits(z, tf.slice(x, [0, 0], [N, T - 1]));
    const targets = tf.slice(x, [0, 1], [N, T - 1]);
    return tf.sum(layersInternal.categoricalLogProb(logits, targets, { padId: 0 })) as TF.Scalar;
  });
const backward = (loss: (x: TF.Tensor2D) => TF.Scalar) => (x: TF.Tensor2D) => {
  const g = tf.variableGrads(() => loss(x), decoder.trainableVariables);
  const value = g.value.dataSync()[0]!;
  tf.dispose([g.value, ...Object.values(g.grads)]);
  return value;
};
const K = 20;
const forward = (loss: (x: TF.Tensor2D) => TF.Scalar) => (x: TF.Tensor2D) =>
  tf.tidy(() => {
    const tiled = tf.tile(x, [K, 1]) as TF.Tensor2D;
    const zz = tf.tile(z, [K, 1]);
    const [N, T] = tiled.shape;
    const value =
      loss === packed
        ? tf.sum(decoder.apply(zz).logProb(tiled))
        : tf.sum(
            layersInternal.categoricalLogProb(
              decoder.logits(zz, tf.slice(tiled, [0, 0], [N, T - 1])),
              tf.slice(tiled, [0, 1], [N, T - 1]),
              { padId: 0 },
            ),
          );
    return value.dataSync()[0]!;
  });

/** One pass of `f` over all batches: mean ms per batch, and the values it returned. */
function time(f: (x: TF.Tensor2D) => number): { ms: number[]; values: number[] } {
  const t0 = performance.now();
  const values = batches.map(f);
  return { ms: [(performance.now() - t0) / batches.length], values };
}
// Warm up both (V8 tiers wasm up while it runs).
for (let start = performance.now(); performance.now() - start < 3000; ) {
  backward(packed)(batches[0]!);
  backward(full)(batches[0]!);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const rows: [string, (x: TF.Tensor2D) => number, (x: TF.Tensor2D) => number][] = [
  ['forward + backward', backward(full), backward(packed)],
  [`forward, K = ${K} copies`, forward(full), forward(packed)],
];
console.log(
  `${selection.choice}: ${batches.length} Brown batches of 32, ${real} real targets of ${positions} positions (${((100 * real) / positions).toFixed(1)}%)`,
);
for (const [label, before, after] of rows) {
  const a: number[] = [];
  const b: number[] = [];
  let same = true;
  for (let r = 0; r < ROUNDS; r++) {
    const x = time(before);
    const y = time(after);
    a.push(...x.ms);
    b.push(...y.ms);
    same &&= x.values.every((v, i) => v === y.values[i]);
  }
  console.log(
    `  ${label.padEnd(22)} every position ${median(a).toFixed(1)} ms   non-pad only ${median(b).toFixed(1)} ms   ${(median(a) / median(b)).toFixed(2)}x   values ${same ? 'identical' : 'DIFFER'}`,
  );
}
