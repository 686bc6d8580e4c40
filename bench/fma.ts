/**
 * The `wasm-fma` backend against `wasm`, on whole training steps: the MLP VAE (ELBO at batch 32,
 * 128 and 512; IWAE with K = 5 and 50 at batch 128) and the LSTM text VAE (batch 32 x 20 tokens),
 * each step vaekit's trainer step (gradients, loss read back, clipping, Adam).
 *
 *   node --conditions=@vaekit/source --import tsx bench/fma.ts
 *
 * In one process, on one model per item, the fused multiply-add GEMM is switched on and off
 * between rounds (ROUNDS, default 5, alternated exact/fused, each STEPS_SECONDS = 2 s of steps,
 * after 3 s of warm-up in each mode), so that both modes see the same machine state; it prints
 * each mode's median ms per step and the speed-up. Needs WebAssembly relaxed SIMD (Node 20.16+).
 * Environment: FMA_ITEMS (default mlp/elbo/b32,mlp/elbo/b128,mlp/elbo/b512,mlp/iwae5/b128,
 * mlp/iwae50/b128,text/b32), ROUNDS, STEPS_SECONDS.
 */
import { backend, backendInternal, setUpBackend, tf } from './deps';
import { mlpVAE, mnistBatches, mnistTest, textVAE, trainerStep } from './vaekit-items';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const SECONDS = Number(process.env.STEPS_SECONDS ?? 2);
const ITEMS = (
  process.env.FMA_ITEMS ??
  'mlp/elbo/b32,mlp/elbo/b128,mlp/elbo/b512,mlp/iwae5/b128,mlp/iwae50/b128,text/b32'
).split(',');

tf.env().set('PROD', true);
if (!backend.relaxedSimdSupported()) {
  console.log('this engine has no WebAssembly relaxed SIMD: nothing to compare');
  process.exit(0);
}
await setUpBackend('wasm-fma');
const fused = (on: boolean) =>
  on ? backendInternal.registerWasmFmaGemm() : backendInternal.disableWasmFmaGemm();

/** Mean ms per step over `seconds` of steps (at least 2). */
async function msPerStep(step: (i: number) => Promise<unknown>, seconds: number): Promise<number> {
  const t0 = performance.now();
  let n = 0;
  while (n < 2 || performance.now() - t0 < seconds * 1000) await step(n++);
  return (performance.now() - t0) / n;
}

const images = mnistTest();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

console.log(`${ROUNDS} alternated rounds of ${SECONDS} s per mode; ms per step (median)`);
console.log('item                 wasm (exact)   wasm-fma   speed-up');
for (const id of ITEMS) {
  const [kind, what, batchArg] = id.split('/') as [string, string, string | undefined];
  const batch = Number((kind === 'text' ? what : batchArg)!.slice(1));
  const objective = what.startsWith('iwae') ? 'iwae' : 'elbo';
  const k = objective === 'iwae' ? Number(what.slice(4)) : 1;
  const model = kind === 'text' ? textVAE() : mlpVAE(1);
  const optimizer = new backend.AdamWithClipping(1e-3, 5);
  // Every batch of the MNIST test set in turn (one batch over and over, the model fits it within
  // a few hundred steps and its steps slow down up to 3x, with values running into subnormals).
  const xs =
    kind === 'text'
      ? [
          tf.concat(
            [tf.fill([batch, 1], 1, 'int32'), tf.randomUniform([batch, 20], 4, 5000, 'int32', 3)],
            1,
          ),
        ]
      : mnistBatches(images, batch);
  let next = 0;
  const step = (i: number) =>
    trainerStep(model, optimizer, xs[next++ % xs.length]!, {
      objective: objective as 'elbo' | 'iwae',
      k,
      seed: next + i,
    });
  const times: Record<'exact' | 'fma', number[]> = { exact: [], fma: [] };
  for (const mode of ['exact', 'fma'] as const) {
    fused(mode === 'fma');
    await msPerStep(step, 3);
  }
  for (let r = 0; r < ROUNDS; r++) {
    for (const mode of r % 2 === 0 ? (['exact', 'fma'] as const) : (['fma', 'exact'] as const)) {
      fused(mode === 'fma');
      times[mode].push(await msPerStep(step, SECONDS));
    }
  }
  const exact = median(times.exact);
  const fma = median(times.fma);
  console.log(
    `${id.padEnd(20)} ${exact.toFixed(1).padStart(12)} ${fma.toFixed(1).padStart(10)} ${(exact / fma).toFixed(2).padStart(9)}x`,
  );
  tf.dispose(xs);
  optimizer.dispose();
  model.dispose();
}
