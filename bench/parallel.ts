/**
 * Where a data-parallel training step's time goes (`DataParallelGradients.lastTimings`), beside
 * the one-thread step, on the suite's MLP VAE and MNIST test images: with the weights sent each
 * step, and with a replicated optimizer (the trainer's way: gradients exchanged, not weights).
 *
 *   node --conditions=@vaekit/source --import tsx bench/parallel.ts [batch,...] [objective] [k]
 *
 * Environment: BENCH_BACKEND (default auto), PARALLEL_STEPS (timed steps after 3 warm-up steps,
 * default 20).
 */
import type { DataParallelGradients } from '@vaekit/trainer/internal';
import { backend, setUpBackend, tf, trainerInternal } from './deps';
import { mlpVAE, mnistTest, trainerStep } from './vaekit-items';

const [batchesArg = '32,128,512', objective = 'elbo', kArg = '1'] = process.argv.slice(2);
const k = Number(kArg);
const steps = Number(process.env.PARALLEL_STEPS ?? 20);
tf.env().set('PROD', true);
const selection = await setUpBackend(process.env.BENCH_BACKEND ?? 'auto');
const data = mnistTest(2048);
console.log(`backend ${selection.choice}; ${objective}${objective === 'elbo' ? '' : ` K = ${k}`}`);
console.log(
  'batch | 1 thread ms | exchange | 2 threads ms | send | local | share | wait | combine | optimizer+rest',
);

for (const batch of batchesArg.split(',').map(Number)) {
  const x = tf.tensor2d(data.images.subarray(0, batch * 784), [batch, 784]);
  const options = { objective: objective as 'elbo' | 'iwae', k };
  const single = await time(null);
  for (const exchange of ['weights', 'gradients'] as const) {
    const model = mlpVAE(1);
    const optimizer = new backend.AdamWithClipping(1e-3, 5);
    const parallel = await trainerInternal.DataParallelGradients.create(model, {
      threads: 2,
      ...(exchange === 'gradients' ? { optimizer } : {}),
    });
    const parts = { sendMs: 0, localMs: 0, shareMs: 0, waitMs: 0, combineMs: 0 };
    const double = await time(parallel, optimizer, (t) => {
      for (const key of Object.keys(parts) as (keyof typeof parts)[]) parts[key] += t[key] / steps;
    });
    await parallel.dispose();
    optimizer.dispose();
    model.dispose();
    const rest = Object.values(parts).reduce((left, ms) => left - ms, double);
    const f = (v: number) => v.toFixed(1);
    console.log(
      `${batch} | ${f(single)} | ${exchange} | ${f(double)} | ${f(parts.sendMs)} | ${f(parts.localMs)} | ${f(parts.shareMs)} | ${f(parts.waitMs)} | ${f(parts.combineMs)} | ${f(rest)}`,
    );
  }
  x.dispose();

  /** Mean step time in ms over `steps` steps after 3 warm-up steps. */
  async function time(
    p: DataParallelGradients | null,
    given?: InstanceType<typeof backend.AdamWithClipping>,
    record?: (t: DataParallelGradients['lastTimings']) => void,
  ): Promise<number> {
    const model = p?.model ?? mlpVAE(1);
    const optimizer = given ?? new backend.AdamWithClipping(1e-3, 5);
    let total = 0;
    for (let i = -3; i < steps; i++) {
      const start = performance.now();
      await trainerStep(model, optimizer, x, { ...options, seed: 1000 + i }, p);
      if (i >= 0) {
        total += performance.now() - start;
        if (p !== null) record?.(p.lastTimings);
      }
    }
    if (given === undefined) optimizer.dispose();
    if (p === null) model.dispose();
    return total / steps;
  }
}
