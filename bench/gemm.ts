/**
 * The wasm matmul kernels, alone: vaekit's SIMD GEMM (`simd-gemm`) against the kernel it
 * replaces (XNNPACK, with explicit transposes for transposed operands), on the shapes of the MLP
 * VAE's training step (batch 128 and 512; K = 50 decoder rows), with new weights every call as in
 * training (XNNPACK re-packs them); and the same GEMM built with fused multiply-adds (`fma-gemm`,
 * the `wasm-fma` backend) where the engine has WebAssembly relaxed SIMD.
 *
 *   node --conditions=@vaekit/source --import tsx bench/gemm.ts
 */
import {
  backendInternal as backend,
  backend as backendRoot,
  setUpBackend,
  type TF,
  tf,
} from './deps';

await setUpBackend('wasm');
tf.env().set('PROD', true);
const previous = (name: string) => backend.previousWasmGemmKernel(name)!;
const fma = backendRoot.relaxedSimdSupported()
  ? backend.fmaGemmKernel(tf.BatchMatMul, tf.getKernel(tf.BatchMatMul, 'wasm')!.kernelFunc)
  : undefined;

const REPEATS = 15;

function median(f: () => void, repeats = REPEATS - 1): number {
  f();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    f();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[repeats >> 1]!;
}

const SHAPES: [string, number, number, number, boolean, boolean][] = [
  ['x W (encoder layer 1, batch 32)', 32, 784, 512, false, false],
  ['x W (encoder layer 1, batch 128)', 128, 784, 512, false, false],
  ['dY W^T (decoder output layer, batch 128)', 128, 784, 512, false, true],
  ['X^T dY (weight gradient, batch 128)', 512, 128, 784, true, false],
  ['x W (encoder layer 1, batch 512)', 512, 784, 512, false, false],
  ['h W (decoder output, K = 50 x 128 rows)', 6400, 512, 784, false, false],
  ['H^T dY (weight gradient, K = 50 x 128 rows)', 512, 6400, 784, true, false],
  ['h U (LSTM recurrence, batch 32)', 32, 256, 1024, false, false],
  ['h V (text vocabulary logits, 32 x 20 tokens)', 640, 256, 5000, false, false],
  ['dY V^T (vocabulary gradient, 32 x 20 tokens)', 640, 5000, 256, false, true],
];
// Warm up for 3 s: V8 compiles wasm with its baseline tier first and tiers hot functions up.
{
  const a = tf.randomNormal([128, 784]);
  const b = tf.randomNormal([784, 512]);
  for (let start = performance.now(); performance.now() - start < 3000; ) {
    tf.tidy(() => {
      for (const [ta, tb] of [
        [false, false],
        [true, false],
        [false, true],
      ] as const) {
        const [x, y] = [ta ? tf.transpose(a) : a, tb ? tf.transpose(b) : b];
        tf.matMul(x, y, ta, tb);
        for (const kernel of fma === undefined
          ? [previous(tf.BatchMatMul)]
          : [previous(tf.BatchMatMul), fma]) {
          const theirs = kernel({
            inputs: { a: x, b: y },
            attrs: { transposeA: ta, transposeB: tb },
            backend: tf.backend(),
          }) as TF.TensorInfo;
          tf.engine().makeTensorFromTensorInfo(theirs);
        }
      }
    });
  }
  tf.dispose([a, b]);
}
console.log(
  'product (m x k x n)                              tfjs (ms)  vaekit (ms)  speed-up  vaekit GFLOP/s  FMA (ms)  FMA speed-up  FMA GFLOP/s',
);
if (fma === undefined) console.log('(no WebAssembly relaxed SIMD in this engine: no FMA columns)');
for (const [label, m, k, n, ta, tb] of SHAPES) {
  const a = tf.randomNormal(ta ? [k, m] : [m, k]);
  const b = tf.randomNormal(tb ? [n, k] : [k, n]);
  // A new right operand each call (a tensor the kernel has not seen), as a training step's weights.
  const copies = Array.from({ length: 3 * (REPEATS + 1) }, () => tf.add(b, 0));
  let next = 0;
  const run = (kernel: 'ours' | 'theirs' | 'fma') => () => {
    const fresh = copies[next++]!;
    const direct = kernel === 'fma' ? fma! : previous(tf.BatchMatMul);
    const out =
      kernel === 'ours'
        ? tf.matMul(a, fresh, ta, tb)
        : tf.engine().makeTensorFromTensorInfo(
            direct({
              inputs: { a, b: fresh },
              attrs: { transposeA: ta, transposeB: tb },
              backend: tf.backend(),
            }) as TF.TensorInfo,
          );
    out.dataSync();
    out.dispose();
  };
  const theirs = median(run('theirs'));
  const ours = median(run('ours'));
  const fused = fma === undefined ? undefined : median(run('fma'));
  const gflops = (ms: number) => ((2 * m * k * n) / ms / 1e6).toFixed(1);
  console.log(
    `${`${label} ${m}x${k}x${n}`.padEnd(50)} ${theirs.toFixed(2).padStart(8)} ${ours.toFixed(2).padStart(11)} ${(theirs / ours).toFixed(2).padStart(8)}x ${gflops(ours).padStart(10)}` +
      (fused === undefined
        ? ''
        : ` ${fused.toFixed(2).padStart(13)} ${(ours / fused).toFixed(2).padStart(12)}x ${gflops(fused).padStart(12)}`),
  );
  tf.dispose([a, b, ...copies]);
}
