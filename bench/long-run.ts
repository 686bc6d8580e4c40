/**
 * Does a training step slow down as training goes on? One run of the MLP VAE (ELBO, batch 32, on
 * the MNIST test set's batches in turn) or the text VAE (batch 32 x 20, Zipf-distributed token
 * ids), timed per block of steps. Where Adam's moment estimates decay into the float32
 * subnormals (gradients that are zero step after step), x86 cores take a microcode assist on
 * every operation on them: before `AdamWithClipping` flushed them, the MLP VAE's step went from
 * 11 to 27 ms by step 2,000 here.
 *
 *   node --conditions=@vaekit/source --import tsx bench/long-run.ts [mlp|text] [blocks] [steps]
 *
 * Defaults: mlp, 8 blocks of 250 steps. Environment: BENCH_BACKEND (default wasm). The PyTorch
 * peer's run: `python3 bench/long_run_torch.py [flush]` (`flush`: `torch.set_flush_denormal`).
 */
import { backend, setUpBackend, type TF, tf } from './deps';
import { mlpVAE, mnistBatches, mnistTest, textVAE, trainerStep } from './vaekit-items';

tf.env().set('PROD', true);
const selection = await setUpBackend(process.env.BENCH_BACKEND ?? 'wasm');
const [kind = 'mlp', blocksArg = '8', stepsArg = '250'] = process.argv.slice(2);
const blocks = Number(blocksArg);
const perBlock = Number(stepsArg);
const batch = 32;
const model = kind === 'text' ? textVAE() : mlpVAE(1);
const optimizer = new backend.AdamWithClipping(1e-3, 5);
let xs: TF.Tensor[];
if (kind === 'text') {
  // Token ids exp(u log 4996) - 1: a few frequent tokens, most rare (zero gradient in most steps).
  xs = Array.from({ length: 64 }, (_, b) =>
    tf.tidy(() => {
      const u = tf.randomUniform([batch, 20], 0, 1, 'float32', 100 + b);
      const ids = tf.cast(tf.minimum(tf.floor(tf.exp(tf.mul(u, Math.log(4996)))), 4995), 'int32');
      return tf.concat([tf.fill([batch, 1], 1, 'int32'), tf.add(ids, 4)], 1);
    }),
  );
} else {
  xs = mnistBatches(mnistTest(), batch);
}
console.log(`${kind} VAE, ELBO, batch ${batch}, on ${selection.choice}`);
let step = 0;
for (let block = 0; block < blocks; block++) {
  const t0 = performance.now();
  for (let i = 0; i < perBlock; i++, step++) {
    await trainerStep(model, optimizer, xs[step % xs.length]!, {
      objective: 'elbo',
      k: 1,
      seed: step,
    });
  }
  const ms = (performance.now() - t0) / perBlock;
  console.log(`steps ${step - perBlock + 1}-${step}: ${ms.toFixed(1)} ms/step`);
}
