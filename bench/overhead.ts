/**
 * Small-batch overhead: a whole MLP VAE training step against the GEMM-only time of the same
 * step, i.e. its matmul kernels alone (the issue-17 target is a step within 1.5x of it).
 *
 *   node --conditions=@vaekit/source --import tsx bench/overhead.ts [batch] [objective] [k]
 *
 * Defaults: batch 32, ELBO, K = 1. It records every `BatchMatMul` and `_FusedMatMul` call of one
 * step (shapes and attributes, through a wrapper kernel), then replays exactly those calls on
 * tensors of the same shapes, and times both the same way: the median over ROUNDS (default 7)
 * rounds of STEPS (default 40) steps, after 3 s of warm-up. Environment: BENCH_BACKEND (default
 * auto), BENCH_WASM_FIXES (see bench/run.ts), ROUNDS, STEPS.
 */
import { backend, setUpBackend, type TF, tf } from './deps';
import { mlpVAE, trainerStep } from './vaekit-items';

const [batchArg = '32', objective = 'elbo', kArg = '1'] = process.argv.slice(2);
const batch = Number(batchArg);
const k = Number(kArg);
const ROUNDS = Number(process.env.ROUNDS ?? 7);
const STEPS = Number(process.env.STEPS ?? 40);
tf.env().set('PROD', true);
const selection = await setUpBackend(process.env.BENCH_BACKEND ?? 'auto');

const model = mlpVAE(1);
const optimizer = new backend.AdamWithClipping(1e-3, 5);
const x = tf.cast(tf.less(tf.randomUniform([batch, 784], 0, 1, 'float32', 3), 0.3), 'float32');
const options = { objective: objective as 'elbo' | 'iwae', k, seed: 0 };
const step = (i: number) => trainerStep(model, optimizer, x, { ...options, seed: 100 + i });

/** Median over `ROUNDS` rounds of the mean ms of `STEPS` calls of `f`. */
async function medianMs(f: (i: number) => unknown): Promise<number> {
  const rounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    for (let i = 0; i < STEPS; i++) await f(r * STEPS + i);
    rounds.push((performance.now() - t0) / STEPS);
  }
  return rounds.sort((a, b) => a - b)[ROUNDS >> 1]!;
}

// Warm up for 3 s: V8 tiers hot wasm functions up while they run.
for (let i = 0, start = performance.now(); i < 2 || performance.now() - start < 3000; i++) {
  await step(i);
}

// Record one step's matmul calls through wrappers around the registered kernels.
interface Call {
  name: string;
  shapes: number[][];
  attrs: TF.NamedAttrMap;
}
const calls: Call[] = [];
let recording = true;
let inStepGemmMs = 0;
const names = [tf.BatchMatMul, tf._FusedMatMul];
const originals = names.map((name) => tf.getKernel(name, tf.getBackend())!);
for (const kernel of originals) {
  tf.unregisterKernel(kernel.kernelName, kernel.backendName);
  tf.registerKernel({
    ...kernel,
    kernelFunc: (args) => {
      const shapes = ['a', 'b', 'bias']
        .map((name) => (args.inputs as Record<string, TF.TensorInfo | undefined>)[name])
        .filter((t) => t != null)
        .map((t) => t!.shape);
      if (recording) calls.push({ name: kernel.kernelName, shapes, attrs: { ...args.attrs } });
      const t0 = performance.now();
      const out = kernel.kernelFunc(args);
      inStepGemmMs += performance.now() - t0;
      return out;
    },
  });
}
await step(1000);
recording = false;
// The same matmuls inside training steps (operands as the step leaves them in cache): timed
// around each kernel call (wasm kernels are synchronous) over ROUNDS * STEPS steps.
inStepGemmMs = 0;
const timedT0 = performance.now();
for (let i = 0; i < ROUNDS * STEPS; i++) await step(2000 + i);
const timedStepMs = (performance.now() - timedT0) / (ROUNDS * STEPS);
const inStepMs = inStepGemmMs / (ROUNDS * STEPS);
for (const kernel of originals) {
  tf.unregisterKernel(kernel.kernelName, kernel.backendName);
  tf.registerKernel(kernel);
}

const stepMs = await medianMs(step);
// The replay: the same kernels with the same attributes, on fresh operands of the same shapes
// (new weights every step in training, so nothing is cached across calls there either).
const operands = calls.map((call) =>
  call.shapes.map((shape, i) => tf.randomNormal(shape, 0, 1, 'float32', 7 + i)),
);
const replay = () => {
  for (let c = 0; c < calls.length; c++) {
    const call = calls[c]!;
    const [a, b, bias] = operands[c]!;
    const inputs = call.name === tf._FusedMatMul ? { a, b, bias } : { a, b };
    (
      tf.engine().runKernel(call.name, inputs as TF.NamedTensorMap, call.attrs) as TF.Tensor
    ).dispose();
  }
};
const gemmMs = await medianMs(replay);
const perCall = calls.map((call, c) => {
  const [a, b, bias] = operands[c]!;
  const inputs = call.name === tf._FusedMatMul ? { a, b, bias } : { a, b };
  const run = () =>
    (
      tf.engine().runKernel(call.name, inputs as TF.NamedTensorMap, call.attrs) as TF.Tensor
    ).dispose();
  for (let i = 0; i < 20; i++) run();
  const t0 = performance.now();
  for (let i = 0; i < 200; i++) run();
  return { call, ms: (performance.now() - t0) / 200 };
});

console.log(
  `${selection.choice} [${selection.fixes.join(', ')}]: MLP VAE batch ${batch} ${objective} K=${k}`,
);
console.log(`  training step           ${stepMs.toFixed(2)} ms`);
console.log(`  its ${calls.length} matmuls alone   ${gemmMs.toFixed(2)} ms (GEMM-only time)`);
console.log(`  step / GEMM-only        ${(stepMs / gemmMs).toFixed(2)}x   (target <= 1.5x)`);
console.log(
  `  the matmuls inside steps ${inStepMs.toFixed(2)} ms of a ${timedStepMs.toFixed(2)} ms step (mean; the rest of the step: ${(timedStepMs - inStepMs).toFixed(2)} ms)`,
);
for (const { call, ms } of perCall) {
  const t = call.attrs.transposeA ? 'T' : '';
  const u = call.attrs.transposeB ? 'T' : '';
  console.log(
    `    ${call.name.padEnd(13)} [${call.shapes[0]}]${t} x [${call.shapes[1]}]${u}${call.shapes[2] ? ` + [${call.shapes[2]}]` : ''}: ${ms.toFixed(3)} ms`,
  );
}
tf.dispose(operands.flat());
