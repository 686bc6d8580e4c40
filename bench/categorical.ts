/**
 * The text VAE's token likelihood alone: `categoricalLogProb` (@vaekit/layers) forward and
 * backward on a decoder's `[640, 5000]` logits (32 sentences of 20 tokens, a vocabulary of
 * 5,000), through vaekit's fused wasm kernels (`categorical-log-prob`) against the tfjs ops they
 * stand in for (the kernels unregistered), alternated in one process; and a check that the two
 * give the same values and gradients bit for bit.
 *
 *   node --conditions=@vaekit/source --import tsx bench/categorical.ts
 *
 * Environment: ROUNDS (default 9), REPEATS per round (default 10).
 */
import { backendInternal, layersInternal, setUpBackend, type TF, tf } from './deps';

await setUpBackend('wasm');
tf.env().set('PROD', true);
const names = [
  backendInternal.CATEGORICAL_LOG_PROB_KERNEL,
  backendInternal.CATEGORICAL_LOG_PROB_GRAD_KERNEL,
];
const kernels = names.map((name) => tf.getKernel(name, 'wasm'));
if (kernels.some((k) => k === undefined)) {
  throw new Error('categorical-log-prob is not registered (BENCH_WASM_FIXES?)');
}
const ROUNDS = Number(process.env.ROUNDS ?? 9);
const REPEATS = Number(process.env.REPEATS ?? 10);

const bits = (a: ArrayLike<number>) => Array.from(new Uint32Array(Float32Array.from(a).buffer));
const [M, V] = [640, 5000];
const logits = tf.variable(tf.randomNormal([M, V], 0, 2, 'float32', 1));
const targets = tf.randomUniform([M], 0, V, 'int32', 2);
const forward = () => {
  tf.tidy(() => layersInternal.categoricalLogProb(logits, targets)).dataSync();
};
/** Value and gradient, read back; their float32 bits as a string when `fingerprint`. */
function both(fingerprint = false): string {
  // (Read back outside tf.tidy: it would walk a returned typed array element by element.)
  const { value, grads } = tf.variableGrads(
    () => tf.sum(layersInternal.categoricalLogProb(logits, targets)) as TF.Scalar,
    [logits],
  );
  const arrays = [value.dataSync(), grads[logits.name]!.dataSync()];
  tf.dispose([value, grads[logits.name]!]);
  return fingerprint ? arrays.map((a) => bits(a).join(',')).join(';') : '';
}

function use(fused: boolean): void {
  for (const [i, name] of names.entries()) {
    const registered = tf.getKernel(name, 'wasm') !== undefined;
    if (fused && !registered) tf.registerKernel(kernels[i]!);
    if (!fused && registered) tf.unregisterKernel(name, 'wasm');
  }
}

/** ms per call of `f`, one round. */
function time(f: () => unknown): number {
  const t0 = performance.now();
  for (let i = 0; i < REPEATS; i++) f();
  return (performance.now() - t0) / REPEATS;
}

use(true);
const fusedResult = both(true);
use(false);
const opsResult = both(true);
const same = fusedResult === opsResult;

const results = {
  ops: { forward: [] as number[], both: [] as number[] },
  fused: { forward: [] as number[], both: [] as number[] },
};
forward();
both(); // warm up
for (let r = 0; r < ROUNDS; r++) {
  for (const variant of ['ops', 'fused'] as const) {
    use(variant === 'fused');
    results[variant].forward.push(time(forward));
    results[variant].both.push(time(() => both()));
  }
}
use(true);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
console.log(
  `categoricalLogProb on [${M}, ${V}] logits, ms (median of ${ROUNDS} rounds of ${REPEATS}, alternated); same values and gradients bit for bit: ${same}`,
);
for (const what of ['forward', 'both'] as const) {
  const ops = median(results.ops[what]);
  const fused = median(results.fused[what]);
  console.log(
    `  ${what === 'forward' ? 'forward            ' : 'forward + gradient '}  ops ${ops.toFixed(2)}  fused ${fused.toFixed(2)}  speed-up ${(ops / fused).toFixed(2)}x`,
  );
}
