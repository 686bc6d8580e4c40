import * as tf from '@tensorflow/tfjs-core';
import { registerGradients, registeredWasmKernelFixes, selectBackend } from '@vaekit/backend';
import {
  BROWSER_BACKENDS,
  type BackendReport,
  type BackendRequest,
  type BackendTiming,
  type BrowserBackend,
} from '../shared/types';
/** A candidate whose warm-up step takes longer than this is not timed further. */
const WARMUP_LIMIT_MS = 4000;

/** The WebGPU adapter's vendor and architecture, once WebGPU has been activated. */
let webgpuAdapter: string | undefined;

/** Minimal typing of the WebGPU entry point (`navigator.gpu`, also in workers). */
interface GPUEntry {
  requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string } } | null>;
}

/**
 * Whether this browser offers WebGPU here: `navigator.gpu` (secure contexts only) and an adapter.
 * Throws, saying which is missing, so that the start-up timing lists why WebGPU did not run.
 */
async function requireWebGPU(): Promise<void> {
  const gpu = (globalThis.navigator as { gpu?: GPUEntry } | undefined)?.gpu;
  if (gpu === undefined) throw new Error('this browser does not offer WebGPU (no navigator.gpu)');
  const adapter = await gpu.requestAdapter();
  if (adapter === null) throw new Error('WebGPU offers no adapter here (no usable GPU)');
  const { vendor, architecture } = adapter.info ?? {};
  webgpuAdapter = [vendor, architecture].filter(Boolean).join(' ') || undefined;
}

/**
 * Activate a backend. wasm, wasm-fma and cpu go through `@vaekit/backend`'s `selectBackend`
 * (gradients, wasm kernels; wasm and wasm-fma share one wasm backend, `selectBackend` switches its
 * fused multiply-add GEMM on or off). WebGL and WebGPU are imported here, because
 * `selectBackend` loads them with a bundler-ignored bare `import()` that a browser cannot resolve.
 */
async function activate(
  name: BrowserBackend,
  wasmPaths: Record<string, string>,
  wasmKernelFixes?: string[],
): Promise<void> {
  if (name === 'wasm' || name === 'wasm-fma') {
    await selectBackend(name, { wasmPaths, ...(wasmKernelFixes ? { wasmKernelFixes } : {}) });
    return;
  } else if (name === 'cpu') {
    await selectBackend('cpu');
    return;
  } else if (name === 'webgpu') {
    await requireWebGPU();
    await import('@tensorflow/tfjs-backend-webgpu');
    await registerGradients();
  } else {
    await import('@tensorflow/tfjs-backend-webgl');
    await registerGradients();
  }
  if (!(await tf.setBackend(name))) throw new Error(`${name} failed to initialise`);
  await tf.ready();
}

/**
 * One training step of a small MLP (batch 64, 784-256-784, forward and backward): the kind of
 * work the app does, small enough to time in a fraction of a second on a slow backend. Returns
 * the sum of the gradients' sums: every backend gets the same inputs (seeded in JavaScript), so
 * this is a checksum of the step that the backends' results must agree on.
 */
async function benchmarkStep(
  vars: tf.Variable[],
  x: tf.Tensor2D,
  syncRead = false,
): Promise<number> {
  const { value, grads } = tf.variableGrads(() => {
    const h = tf.relu(tf.matMul(x, vars[0] as tf.Tensor2D));
    const y = tf.sigmoid(tf.matMul(h, vars[1] as tf.Tensor2D));
    return tf.mean(tf.square(tf.sub(y, x))) as tf.Scalar;
  }, vars);
  const sums = tf.addN(Object.values(grads).map((g) => tf.sum(g)));
  // Timed steps read asynchronously: GPU backends block (and WebGPU warns) on a synchronous
  // read. The warm-up step reads synchronously too, as training does (vaekit's distributions
  // validate their parameters with dataSync).
  const checksum = syncRead ? sums.dataSync()[0]! : (await sums.data())[0]!;
  tf.dispose([value, sums, ...Object.values(grads)]);
  return checksum;
}

/** What {@link measure} found: the median step time and the step's checksum. */
interface Measurement {
  ms: number;
  checksum: number;
}

async function measure(
  name: BrowserBackend,
  wasmPaths: Record<string, string>,
  wasmKernelFixes?: string[],
): Promise<Measurement> {
  await activate(name, wasmPaths, wasmKernelFixes);
  const x = tf.randomUniform([64, 784], 0, 1, 'float32', 1) as tf.Tensor2D;
  const vars = [
    tf.variable(tf.randomNormal([784, 256], 0, 0.05, 'float32', 2)),
    tf.variable(tf.randomNormal([256, 784], 0, 0.05, 'float32', 3)),
  ];
  try {
    const warm = performance.now();
    const checksum = await benchmarkStep(vars, x, true);
    const warmMs = performance.now() - warm;
    if (warmMs > WARMUP_LIMIT_MS) return { ms: warmMs, checksum };
    await benchmarkStep(vars, x);
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await benchmarkStep(vars, x);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    return { ms: times[2]!, checksum };
  } finally {
    tf.dispose([x, ...vars]);
  }
}

/** The CPU-side backends, whose step results the GPU backends' must match. */
const REFERENCES: BrowserBackend[] = ['wasm', 'cpu'];
/** Relative difference of checksums beyond which a backend's results count as wrong. */
const CHECKSUM_RTOL = 1e-3;

/**
 * A backend that ran but computed a different step than wasm (or cpu) is not a candidate: its
 * timing is replaced by the reason. Float32 summation orders differ by ~1e-6 relative; a backend
 * off by more than 1e-3 is computing something else (WebGPU on headless Chromium's SwiftShader
 * does: its results are wrong, and training on it fails).
 */
function refuseWrongResults(
  timings: BackendTiming[],
  checksums: Map<BrowserBackend, number>,
): void {
  const reference = REFERENCES.find((b) => checksums.has(b));
  if (reference === undefined) return;
  const want = checksums.get(reference)!;
  for (const timing of timings) {
    const got = checksums.get(timing.backend);
    if (got === undefined || REFERENCES.includes(timing.backend)) continue;
    if (!(Math.abs(got - want) <= CHECKSUM_RTOL * Math.abs(want))) {
      delete timing.ms;
      timing.error = `it ran, but its results differ from ${reference}'s (checksum ${got.toPrecision(6)}, ${reference} ${want.toPrecision(6)})`;
    }
  }
}

function describe(name: BrowserBackend): string {
  if (name === 'wasm' || name === 'wasm-fma') {
    const features = [
      tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'SIMD' : 'no SIMD',
      tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') ? 'threads' : 'one thread',
      `${registeredWasmKernelFixes().length} vaekit kernels`,
      ...(name === 'wasm-fma' ? ['fused multiply-add matmuls'] : []),
    ];
    return `${name} (${features.join(', ')})`;
  }
  if (name === 'webgl') {
    try {
      const gl = (tf.backend() as unknown as { gpgpu?: { gl?: WebGLRenderingContext } }).gpgpu?.gl;
      const info = gl?.getExtension('WEBGL_debug_renderer_info');
      const renderer = info ? gl!.getParameter(info.UNMASKED_RENDERER_WEBGL) : undefined;
      if (typeof renderer === 'string') return `webgl (${renderer})`;
    } catch {
      // the renderer's name is only a nicety
    }
    return 'webgl';
  }
  if (name === 'webgpu') return webgpuAdapter ? `webgpu (${webgpuAdapter})` : 'webgpu';
  return 'cpu (plain JavaScript)';
}

/**
 * Choose and activate a backend. `auto` times one small training step on each candidate (WebGPU
 * where the browser offers it, wasm, wasm-fma where it has relaxed SIMD, WebGL, cpu) and keeps
 * the fastest: in a headless browser the
 * GPU backends are often emulated in software (SwiftShader) and far slower than wasm, while on a
 * real GPU they can win. A candidate that cannot run is listed with the reason.
 */
export async function chooseBackend(
  requested: BackendRequest,
  wasmPaths: Record<string, string>,
  wasmKernelFixes?: string[],
): Promise<BackendReport> {
  const started = performance.now();
  tf.env().set('PROD', true);
  const timings: BackendTiming[] = [];
  if (requested !== 'auto') {
    // One test step even when chosen by hand: a backend that starts but cannot run training
    // (WebGPU on SwiftShader) is refused here, with the reason, not at the first training step.
    try {
      const { ms } = await measure(requested, wasmPaths, wasmKernelFixes);
      timings.push({ backend: requested, ms });
    } catch (error) {
      throw new Error(
        `${requested} could not run a training step here: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    return {
      requested,
      choice: requested,
      detail: describe(requested),
      timings,
      totalMs: performance.now() - started,
    };
  }
  const checksums = new Map<BrowserBackend, number>();
  for (const backend of BROWSER_BACKENDS) {
    try {
      const { ms, checksum } = await measure(backend, wasmPaths, wasmKernelFixes);
      timings.push({ backend, ms });
      checksums.set(backend, checksum);
    } catch (error) {
      timings.push({ backend, error: error instanceof Error ? error.message : String(error) });
    }
  }
  refuseWrongResults(timings, checksums);
  const ran = timings.filter((t) => t.ms !== undefined).sort((a, b) => a.ms! - b.ms!);
  if (ran.length === 0) {
    throw new Error(
      `no TensorFlow.js backend could run here: ${timings.map((t) => `${t.backend}: ${t.error}`).join('; ')}`,
    );
  }
  const choice = ran[0]!.backend;
  await activate(choice, wasmPaths, wasmKernelFixes);
  return {
    requested,
    choice,
    detail: describe(choice),
    timings,
    totalMs: performance.now() - started,
  };
}
