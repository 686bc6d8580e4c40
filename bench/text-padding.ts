/**
 * The text VAE's decoder on real, padded batches: Brown corpus sentences of at most 30 words in
 * batches of 32, each padded to its longest sentence (as `vaekit train` batches them), the
 * reproduction's model (vocabulary 5,000, embedding 256, LSTM 256, d = 32). Three ways to the
 * same token log-likelihood, alternated on the same batches: every position (the LSTM over every
 * step, every position projected onto the vocabulary and masked: what vaekit did before
 * 2026-12-07), the vocabulary projection on the non-pad positions only, and what
 * `TokenLikelihood.logProb` does now (also each row's LSTM steps after its last target skipped).
 * Timed: the forward and backward pass (gradients of every decoder weight), and the forward pass
 * alone on K = 20 copies of a batch (an importance-sampled NLL's decoding). All three must give
 * the same values (printed).
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

type Loss = (z: TF.Tensor, x: TF.Tensor2D) => TF.Scalar;
/** Every position: the LSTM over every step, every position projected (before 2026-12-07). */
const full: Loss = (zz, x) =>
  tf.tidy(() => {
    const [N, T] = x.shape;
    const logits = decoder.logits(zz, tf.slice(x, [0, 0], [N, T - 1]));
    const targets = tf.slice(x, [0, 1], [N, T - 1]);
    return tf.sum(layersInternal.categoricalLogProb(logits, targets, { padId: 0 })) as TF.Scalar;
  });
/** The vocabulary projection on the non-pad positions, the LSTM over every step. */
const vocabOnly: Loss = (zz, x) =>
  tf.tidy(() => {
    const [N, T] = x.shape;
    const targets = tf.slice(x, [0, 1], [N, T - 1]) as TF.Tensor2D;
    const rows = layersInternal.nonPadRows(targets, 0)!;
    const hidden = tf.reshape(decoder.hiddenStates(zz, tf.slice(x, [0, 0], [N, T - 1])), [
      N * (T - 1),
      256,
    ]) as TF.Tensor2D;
    return tf.sum(
      layersInternal.nonPadTokenLogProb(hidden, targets, rows, (h) => decoder.project(h)),
    ) as TF.Scalar;
  });
/** What `logProb` does: also each row's LSTM steps after its last target skipped. */
const packed: Loss = (zz, x) => tf.sum(decoder.apply(zz).logProb(x)) as TF.Scalar;

const backward = (loss: Loss) => (x: TF.Tensor2D) => {
  const g = tf.variableGrads(() => loss(z, x), decoder.trainableVariables);
  const value = g.value.dataSync()[0]!;
  tf.dispose([g.value, ...Object.values(g.grads)]);
  return value;
};
const K = 20;
const forward = (loss: Loss) => (x: TF.Tensor2D) =>
  tf.tidy(() => loss(tf.tile(z, [K, 1]), tf.tile(x, [K, 1]) as TF.Tensor2D).dataSync()[0]!);

/** One pass of `f` over all batches: mean ms per batch, and the values it returned. */
function time(f: (x: TF.Tensor2D) => number): { ms: number; values: number[] } {
  const t0 = performance.now();
  const values = batches.map(f);
  return { ms: (performance.now() - t0) / batches.length, values };
}
// Warm up (V8 tiers wasm up while it runs).
for (let start = performance.now(); performance.now() - start < 3000; ) {
  for (const loss of [full, vocabOnly, packed]) backward(loss)(batches[0]!);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
console.log(
  `${selection.choice}: ${batches.length} Brown batches of 32, ${real} real targets of ${positions} positions (${((100 * real) / positions).toFixed(1)}%); ms per batch, median of ${ROUNDS} alternated rounds`,
);
console.log(
  '                         every position   non-pad vocabulary   + LSTM steps skipped   speed-up   values',
);
for (const [label, run] of [
  ['forward + backward', backward],
  [`forward, K = ${K} copies`, forward],
] as const) {
  const ms: number[][] = [[], [], []];
  let same = true;
  for (let r = 0; r < ROUNDS; r++) {
    const results = [full, vocabOnly, packed].map((loss) => time(run(loss)));
    for (const [i, res] of results.entries()) ms[i]!.push(res.ms);
    same &&= results.every((res) => res.values.every((v, i) => v === results[0]!.values[i]));
  }
  const [a, b, c] = ms.map(median);
  console.log(
    `  ${label.padEnd(22)} ${a!.toFixed(1).padStart(14)} ${b!.toFixed(1).padStart(20)} ${c!.toFixed(1).padStart(22)} ${(a! / c!).toFixed(2).padStart(9)}x   ${same ? 'identical' : 'DIFFER'}`,
  );
}
