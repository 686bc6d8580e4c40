/**
 * Where a training step's time goes, per tfjs kernel (`tf.profile`).
 *
 *   node --conditions=@vaekit/source --import tsx bench/profile.ts [mlp|text] [batch] [objective] [k]
 *
 * Environment: BENCH_BACKEND (default auto), BENCH_WASM_FIXES (see bench/run.ts), PROFILE_STEPS
 * (default 3 profiled steps after 3 s of warm-up steps), PROFILE_TOP (default 25 kernels).
 */
import { backend, setUpBackend, tf } from './deps';
import { mlpVAE, textVAE, trainerStep } from './vaekit-items';

const [kind = 'mlp', batchArg = '128', objective = 'elbo', kArg = '1'] = process.argv.slice(2);
const batch = Number(batchArg);
const k = Number(kArg);
tf.env().set('PROD', true);
const selection = await setUpBackend(process.env.BENCH_BACKEND ?? 'auto');
const model = kind === 'text' ? textVAE() : mlpVAE(1);
const optimizer = new backend.AdamWithClipping(1e-3, 5);
const x =
  kind === 'text'
    ? tf.concat(
        [tf.fill([batch, 1], 1, 'int32'), tf.randomUniform([batch, 20], 4, 5000, 'int32', 3)],
        1,
      )
    : tf.cast(tf.less(tf.randomUniform([batch, 784], 0, 1, 'float32', 3), 0.3), 'float32');
const step = (i: number) =>
  trainerStep(model, optimizer, x, { objective: objective as 'elbo' | 'iwae', k, seed: 100 + i });
// Warm up for 3 s (at least 2 steps): V8 compiles wasm with its baseline tier first and tiers hot
// functions up while they run; the first seconds of a process are not its steady state.
for (let i = 0, start = performance.now(); i < 2 || performance.now() - start < 3000; i++) {
  await step(i);
}
const steps = Number(process.env.PROFILE_STEPS ?? 3);
let t0 = performance.now();
for (let i = 0; i < steps; i++) await step(10 + i);
const plainMs = (performance.now() - t0) / steps;
t0 = performance.now();
const profile = await tf.profile(async () => {
  for (let i = 0; i < steps; i++) await step(20 + i);
});
const profiledMs = (performance.now() - t0) / steps;
const byKernel = new Map<string, { ms: number; calls: number; shapes: Map<string, number> }>();
let total = 0;
for (const kernel of profile.kernels) {
  const ms = (await kernel.kernelTimeMs) as number;
  const entry = byKernel.get(kernel.name) ?? { ms: 0, calls: 0, shapes: new Map() };
  entry.ms += ms;
  entry.calls++;
  const shape = kernel.inputShapes.map((s) => `[${s}]`).join(' ');
  entry.shapes.set(shape, (entry.shapes.get(shape) ?? 0) + ms);
  byKernel.set(kernel.name, entry);
  total += ms;
}
console.log(
  `${selection.choice} [${selection.fixes.join(', ')}]: ${kind} batch ${batch} ${objective} K=${k}: ${plainMs.toFixed(1)} ms/step (${((batch / plainMs) * 1000).toFixed(0)} ex/s); profiled ${profiledMs.toFixed(1)} ms/step, kernels ${(total / steps).toFixed(1)} ms/step`,
);
const top = [...byKernel.entries()]
  .sort((a, b) => b[1].ms - a[1].ms)
  .slice(0, Number(process.env.PROFILE_TOP ?? 25));
for (const [name, { ms, calls, shapes }] of top) {
  const worst = [...shapes.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3);
  console.log(
    `${name.padEnd(22)} ${(ms / steps).toFixed(2).padStart(8)} ms/step ${String(calls / steps).padStart(5)} calls  ${worst.map(([s, t]) => `${s}:${(t / steps).toFixed(2)}`).join('  ')}`,
  );
}
