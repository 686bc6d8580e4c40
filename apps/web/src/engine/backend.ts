import * as tf from '@tensorflow/tfjs-core';
import { registerGradients, registeredWasmKernelFixes, selectBackend } from '@vaekit/backend';
import type { BackendReport, BackendRequest, BackendTiming, BrowserBackend } from '../shared/types';

/** Candidates of `auto`, in the order they are measured. */
const CANDIDATES: BrowserBackend[] = ['wasm', 'webgl', 'cpu'];
/** A candidate whose warm-up step takes longer than this is not timed further. */
const WARMUP_LIMIT_MS = 4000;

let wasmInitialised = false;

/**
 * Activate a backend. wasm and cpu go through `@vaekit/backend`'s `selectBackend` (gradients,
 * wasm matmul fix). WebGL is imported here, because `selectBackend('webgl')` loads it with a
 * bundler-ignored bare `import()` that a browser cannot resolve.
 */
async function activate(
  name: BrowserBackend,
  wasmPaths: Record<string, string>,
  wasmKernelFixes?: string[],
): Promise<void> {
  if (name === 'wasm') {
    if (!wasmInitialised) {
      await selectBackend('wasm', { wasmPaths, ...(wasmKernelFixes ? { wasmKernelFixes } : {}) });
      wasmInitialised = true;
      return;
    }
  } else if (name === 'cpu') {
    await selectBackend('cpu');
    return;
  } else {
    await import('@tensorflow/tfjs-backend-webgl');
    await registerGradients();
  }
  if (!(await tf.setBackend(name))) throw new Error(`${name} failed to initialise`);
  await tf.ready();
}

/**
 * One training step of a small MLP (batch 64, 784-256-784, forward and backward): the kind of
 * work the app does, small enough to time in a fraction of a second on a slow backend.
 */
function benchmarkStep(vars: tf.Variable[], x: tf.Tensor2D): void {
  const { value, grads } = tf.variableGrads(() => {
    const h = tf.relu(tf.matMul(x, vars[0] as tf.Tensor2D));
    const y = tf.sigmoid(tf.matMul(h, vars[1] as tf.Tensor2D));
    return tf.mean(tf.square(tf.sub(y, x))) as tf.Scalar;
  }, vars);
  const sums = tf.addN(Object.values(grads).map((g) => tf.sum(g)));
  sums.dataSync();
  tf.dispose([value, sums, ...Object.values(grads)]);
}

async function measure(
  name: BrowserBackend,
  wasmPaths: Record<string, string>,
  wasmKernelFixes?: string[],
): Promise<number> {
  await activate(name, wasmPaths, wasmKernelFixes);
  const x = tf.randomUniform([64, 784], 0, 1, 'float32', 1) as tf.Tensor2D;
  const vars = [
    tf.variable(tf.randomNormal([784, 256], 0, 0.05, 'float32', 2)),
    tf.variable(tf.randomNormal([256, 784], 0, 0.05, 'float32', 3)),
  ];
  try {
    const warm = performance.now();
    benchmarkStep(vars, x);
    const warmMs = performance.now() - warm;
    if (warmMs > WARMUP_LIMIT_MS) return warmMs;
    benchmarkStep(vars, x);
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      benchmarkStep(vars, x);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    return times[2]!;
  } finally {
    tf.dispose([x, ...vars]);
  }
}

function describe(name: BrowserBackend): string {
  if (name === 'wasm') {
    const features = [
      tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'SIMD' : 'no SIMD',
      tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') ? 'threads' : 'one thread',
      `${registeredWasmKernelFixes().length} vaekit kernels`,
    ];
    return `wasm (${features.join(', ')})`;
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
  return 'cpu (plain JavaScript)';
}

/**
 * Choose and activate a backend. `auto` times one small training step on each candidate (wasm,
 * WebGL, cpu) and keeps the fastest: in a headless browser WebGL is often emulated in software
 * (SwiftShader) and far slower than wasm, while on a real GPU it can win.
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
    await activate(requested, wasmPaths, wasmKernelFixes);
    return {
      requested,
      choice: requested,
      detail: describe(requested),
      timings,
      totalMs: performance.now() - started,
    };
  }
  for (const backend of CANDIDATES) {
    try {
      timings.push({ backend, ms: await measure(backend, wasmPaths, wasmKernelFixes) });
    } catch (error) {
      timings.push({ backend, error: error instanceof Error ? error.message : String(error) });
    }
  }
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
