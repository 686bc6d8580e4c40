/**
 * The wasm softplus kernel alone: vaekit's SIMD one (`softplus-simd`) against the one it
 * replaces (tfjs-backend-wasm's, one value at a time through libm), on a Bernoulli decoder's
 * logits (1,000 x 784 values, normal with standard deviation 5), and their accuracy on the same
 * values against a float64 reference.
 *
 *   node --conditions=@vaekit/source --import tsx bench/softplus.ts
 */
import { backendInternal as backend, setUpBackend, type TF, tf } from './deps';

await setUpBackend('wasm');
tf.env().set('PROD', true);
const original = backend.originalWasmSoftplusKernel();
if (original === undefined) throw new Error('softplus-simd is not registered (BENCH_WASM_FIXES?)');

const x = tf.randomNormal([1000, 784], 0, 5, 'float32', 1);
const n = x.size;
const runOriginal = () =>
  tf
    .engine()
    .makeTensorFromTensorInfo(
      original({ inputs: { x }, attrs: {}, backend: tf.backend() }) as TF.TensorInfo,
    );
const runOurs = () => tf.softplus(x);

function median(f: () => TF.Tensor, repeats = 21): number {
  f().dispose();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    f().dispose();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[repeats >> 1]!;
}

/** Largest distance, in float32 values, from the exactly rounded softplus. */
function worstUlp(y: Float32Array, xs: Float32Array): number {
  const pair = new Float32Array(2);
  const bits = new Int32Array(pair.buffer);
  let worst = 0;
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i]!;
    pair[0] = y[i]!;
    pair[1] = v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v));
    worst = Math.max(worst, Math.abs(bits[0]! - bits[1]!));
  }
  return worst;
}

const xs = x.dataSync() as Float32Array;
const theirs = median(runOriginal);
const ours = median(runOurs);
const yTheirs = runOriginal();
const yOurs = runOurs();
console.log(`softplus of ${n.toLocaleString('en')} values (median of 21)`);
console.log(
  `  tfjs-backend-wasm: ${theirs.toFixed(2)} ms (${((theirs * 1e6) / n).toFixed(2)} ns a value), worst ${worstUlp(yTheirs.dataSync() as Float32Array, xs)} ulp`,
);
console.log(
  `  vaekit (SIMD):     ${ours.toFixed(2)} ms (${((ours * 1e6) / n).toFixed(2)} ns a value), worst ${worstUlp(yOurs.dataSync() as Float32Array, xs)} ulp`,
);
console.log(`  speed-up ${(theirs / ours).toFixed(1)}x`);
