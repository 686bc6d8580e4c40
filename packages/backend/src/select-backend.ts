import * as tf from '@tensorflow/tfjs-core';
import { relaxedSimdSupported } from './relaxed-simd';
import { disableWasmFmaGemm, isWasmFmaGemmRegistered } from './wasm-fma-gemm';
import {
  DEFAULT_WASM_KERNEL_FIXES,
  checkWasmKernelFixNames,
  registerWasmKernelFixes,
} from './wasm-kernel-fixes';

/**
 * Backends vaekit knows how to load (the names {@link selectBackend} accepts). `auto` tries them
 * fastest first.
 *
 * @example
 * ```ts
 * BACKEND_CHOICES.includes(flag as BackendChoice); // validate a --backend flag
 * ```
 */
export const BACKEND_CHOICES = [
  'auto',
  'node-gpu',
  'node',
  'wasm',
  'wasm-fma',
  'webgpu',
  'webgl',
  'cpu',
] as const;
/** One of {@link BACKEND_CHOICES}. */
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** What {@link selectBackend} chose, and why the faster candidates were passed over. */
export interface BackendSelection {
  /**
   * The vaekit name of the backend now active (`node-gpu`, `node`, `wasm`, `wasm-fma`, `webgpu`,
   * `webgl`, `cpu`).
   */
  choice: Exclude<BackendChoice, 'auto'>;
  /** The name tfjs registered it under (`tensorflow` for tfjs-node and -gpu). */
  tfjsName: string;
  /** Candidates tried before it, each with the reason it was skipped. */
  skipped: { choice: BackendChoice; reason: string }[];
}

/** Options of {@link selectBackend}. */
export interface SelectBackendOptions {
  /**
   * Where the browser fetches `tfjs-backend-wasm-*.wasm` from (a folder URL ending in `/`, or a
   * map of file name to URL), as for `setWasmPaths`. Not needed in Node.
   */
  wasmPaths?: string | Record<string, string>;
  /**
   * Which of vaekit's wasm kernel fixes to register (names of `WASM_KERNEL_FIXES`; default:
   * `DEFAULT_WASM_KERNEL_FIXES`, and `fma-gemm` too on `wasm-fma`). `[]` keeps
   * tfjs-backend-wasm's own kernels, for comparisons. Fixes already registered in this thread
   * stay (a kernel cannot be given back; `fma-gemm` is switched off on plain `wasm`).
   */
  wasmKernelFixes?: readonly string[];
}

const NODE_ORDER: Exclude<BackendChoice, 'auto'>[] = ['node-gpu', 'node', 'wasm', 'cpu'];
const BROWSER_ORDER: Exclude<BackendChoice, 'auto'>[] = ['wasm', 'webgl', 'cpu'];

/**
 * Load and activate a TensorFlow.js backend.
 *
 * `auto` picks, in Node, `@tensorflow/tfjs-node-gpu`, then `@tensorflow/tfjs-node`, then
 * `@tensorflow/tfjs-backend-wasm`, then `@tensorflow/tfjs-backend-cpu`: the first that is
 * installed and initialises. The native packages are only `require`d when their compiled addon
 * file exists, so a half-installed tfjs-node (its install script could not download
 * libtensorflow) is skipped quietly instead of failing or flooding the console. In the browser
 * `auto` tries wasm, then webgl, then cpu (headless browsers often emulate WebGL in software,
 * where wasm is much faster; pick `webgl` explicitly on a real GPU).
 *
 * On wasm vaekit's exact kernel fixes are registered ({@link registerWasmKernelFixes}): transposed
 * matmuls, slicing, gathers, tiling, sums over leading axes and clones.
 *
 * `wasm-fma` (never chosen by `auto`) is wasm with vaekit's GEMM built with fused multiply-adds
 * (the `fma-gemm` fix: 1.2-1.3x faster matmuls on Intel CPUs), for WebAssembly engines with relaxed
 * SIMD ({@link relaxedSimdSupported}). Its products differ from the exact kernels' in their last
 * bits (within the float32 dot-product error bound) and between machines with and without FMA;
 * `wasm` gives the same bits on every machine.
 *
 * @throws Error naming the valid choices for an unknown name, or saying why a named backend
 *   could not be loaded.
 * @example
 * ```ts
 * const { choice, skipped } = await selectBackend('auto');
 * console.log(`backend: ${choice}`); // backend: wasm  (skipped: node-gpu, node: not installed)
 * ```
 */
export async function selectBackend(
  name: BackendChoice | string = 'auto',
  options: SelectBackendOptions = {},
): Promise<BackendSelection> {
  if (!(BACKEND_CHOICES as readonly string[]).includes(name)) {
    throw new Error(`Unknown backend '${name}'. Valid choices: ${BACKEND_CHOICES.join(', ')}.`);
  }
  checkWasmKernelFixNames(options.wasmKernelFixes);
  const candidates =
    name === 'auto'
      ? isNode()
        ? NODE_ORDER
        : BROWSER_ORDER
      : [name as Exclude<BackendChoice, 'auto'>];
  await registerGradients();
  const skipped: BackendSelection['skipped'] = [];
  for (const choice of candidates) {
    try {
      const tfjsName = await loadBackend(choice, options);
      const ok = await tf.setBackend(tfjsName);
      if (!ok) throw new Error(`tf.setBackend('${tfjsName}') failed to initialise`);
      await tf.ready();
      if (tfjsName === 'wasm') {
        const fixes = wasmFixes(choice, options);
        registerWasmKernelFixes(fixes);
        // Plain wasm after wasm-fma in this thread: exact products again.
        if (!fixes.includes('fma-gemm')) disableWasmFmaGemm();
      }
      return { choice, tfjsName, skipped };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (name !== 'auto') throw new Error(`Backend '${choice}' is not available: ${reason}`);
      skipped.push({ choice, reason });
    }
  }
  throw new Error(
    `No TensorFlow.js backend could be loaded: ${skipped.map((s) => `${s.choice} (${s.reason})`).join('; ')}`,
  );
}

/**
 * Register tfjs-core's gradient functions (idempotent). tfjs-core alone registers none: the
 * `@tensorflow/tfjs` bundle does, so code that depends on tfjs-core only (as vaekit does) must
 * before calling `tf.grad`, `tf.variableGrads` or an optimizer. {@link selectBackend} calls it.
 *
 * @example
 * ```ts
 * await registerGradients();
 * tf.grad((x: tf.Tensor) => tf.sum(tf.square(x)))(tf.tensor([1, 2])); // [2, 4]
 * ```
 */
export async function registerGradients(): Promise<void> {
  if (tf.getGradient(tf.Sum) !== undefined) return;
  try {
    await import('./register-gradients');
  } catch (error) {
    // Run from TypeScript sources under a Node loader (tsx), the ES-module import of tfjs-core's
    // gradient files fails (tfjs-core is a CommonJS package); the loader's require hook
    // transpiles the same files.
    if (!isNode()) throw error;
    (await nodeRequire())('@tensorflow/tfjs-core/dist/register_all_gradients');
  }
}

/**
 * The {@link selectBackend} name of the tfjs backend active now, for starting another thread on
 * the same backend (a worker's own `selectBackend`): `node` for tfjs-node's `tensorflow`,
 * `wasm-fma` for wasm with the fused multiply-add GEMM, else tfjs's own name.
 *
 * @example
 * ```ts
 * await selectBackend('wasm-fma');
 * activeBackendChoice(); // 'wasm-fma'
 * ```
 */
export function activeBackendChoice(): string {
  const active = tf.getBackend();
  if (active === 'tensorflow') return 'node';
  if (active === 'wasm' && isWasmFmaGemmRegistered()) return 'wasm-fma';
  return active;
}

/** The wasm kernel fixes to register for `choice`: the requested ones, plus `fma-gemm` on wasm-fma. */
function wasmFixes(choice: BackendChoice, options: SelectBackendOptions): readonly string[] {
  const fixes = options.wasmKernelFixes ?? DEFAULT_WASM_KERNEL_FIXES;
  return choice === 'wasm-fma' && !fixes.includes('fma-gemm') ? [...fixes, 'fma-gemm'] : fixes;
}

function isNode(): boolean {
  return typeof process !== 'undefined' && process.versions?.node !== undefined;
}

async function loadBackend(
  choice: Exclude<BackendChoice, 'auto'>,
  options: SelectBackendOptions,
): Promise<string> {
  switch (choice) {
    case 'node-gpu':
    case 'node': {
      const pkg = choice === 'node' ? '@tensorflow/tfjs-node' : '@tensorflow/tfjs-node-gpu';
      if (!isNode()) throw new Error(`${pkg} only runs in Node.js`);
      const req = await nodeRequire();
      const addon = findNativeAddon(req, pkg);
      if (addon === undefined)
        throw new Error(`${pkg} is not installed (or its native addon was not built)`);
      req(pkg);
      return 'tensorflow';
    }
    case 'wasm-fma':
    case 'wasm': {
      if (choice === 'wasm-fma' && !relaxedSimdSupported()) {
        throw new Error(
          'this JavaScript engine has no WebAssembly relaxed SIMD (Node 20.16+ or 22+, Chrome 114+, Firefox 120+)',
        );
      }
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      if (options.wasmPaths !== undefined) {
        wasm.setWasmPaths(options.wasmPaths as string);
      }
      return 'wasm';
    }
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
      return 'cpu';
    case 'webgl':
      await import(/* @vite-ignore */ '@tensorflow/tfjs-backend-webgl' as string);
      return 'webgl';
    case 'webgpu':
      await import(/* @vite-ignore */ '@tensorflow/tfjs-backend-webgpu' as string);
      return 'webgpu';
  }
}

type Require = (id: string) => unknown;
interface NodeRequireLike extends Require {
  resolve(id: string, options?: { paths?: string[] }): string;
}

async function nodeRequire(): Promise<NodeRequireLike> {
  const { createRequire } = (await import(/* @vite-ignore */ 'node:module' as string)) as {
    createRequire(from: string): NodeRequireLike;
  };
  return createRequire(import.meta.url);
}

/** The path of a tfjs-node package's compiled `tfjs_binding.node`, if it exists. */
function findNativeAddon(req: NodeRequireLike, pkg: string): string | undefined {
  const root = resolveFrom(req, `${pkg}/package.json`);
  if (root === undefined) return undefined;
  const fs = req('node:fs') as typeof import('node:fs');
  const path = req('node:path') as typeof import('node:path');
  const lib = path.join(path.dirname(root), 'lib');
  if (!fs.existsSync(lib)) return undefined;
  for (const entry of fs.readdirSync(lib)) {
    const addon = path.join(lib, entry, 'tfjs_binding.node');
    if (entry.startsWith('napi-v') && fs.existsSync(addon)) return addon;
  }
  return undefined;
}

/** Resolve from vaekit's own location first, then from the user's working directory. */
function resolveFrom(req: NodeRequireLike, id: string): string | undefined {
  for (const options of [undefined, { paths: [process.cwd()] }]) {
    try {
      return req.resolve(id, options);
    } catch {
      // try the next location
    }
  }
  return undefined;
}
