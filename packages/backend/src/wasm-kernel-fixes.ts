import {
  isWasmBernoulliLogProbRegistered,
  registerWasmBernoulliLogProb,
} from './wasm-bernoulli-log-prob';
import {
  isWasmCategoricalLogProbRegistered,
  registerWasmCategoricalLogProb,
} from './wasm-categorical-log-prob';
import { isWasmExpFixRegistered, registerWasmExpFix } from './wasm-exp';
import { isWasmFmaGemmRegistered, registerWasmFmaGemm } from './wasm-fma-gemm';
import { isWasmGemmFixRegistered, registerWasmGemmFix } from './wasm-gemm';
import { isWasmGatherFixRegistered, registerWasmGatherFix } from './wasm-gather';
import { isWasmIdentityFixRegistered, registerWasmIdentityFix } from './wasm-identity';
import { isWasmMatMulFixRegistered, registerWasmMatMulFix } from './wasm-matmul';
import { isWasmSliceFixRegistered, registerWasmSliceFix } from './wasm-slice';
import {
  isWasmStandardNormalKLRegistered,
  registerWasmStandardNormalKL,
} from './wasm-standard-normal-kl';
import { isWasmSoftplusFixRegistered, registerWasmSoftplusFix } from './wasm-softplus';
import { isWasmSumFixRegistered, registerWasmSumFix } from './wasm-sum';
import { isWasmTileFixRegistered, registerWasmTileFix } from './wasm-tile';

interface Fix {
  name: string;
  register: () => string[];
  active: () => boolean;
  /** Left out of the default set (its results are not the replaced kernel's within ulps). */
  optIn?: true;
}

/** vaekit's kernel-level workarounds for slow paths of `@tensorflow/tfjs-backend-wasm`. */
const FIXES: readonly Fix[] = [
  { name: 'transposed-matmul', register: registerWasmMatMulFix, active: isWasmMatMulFixRegistered },
  { name: 'simd-gemm', register: registerWasmGemmFix, active: isWasmGemmFixRegistered },
  // After simd-gemm, which it wraps (products it does not handle go to the exact kernel).
  {
    name: 'fma-gemm',
    register: registerWasmFmaGemm,
    active: isWasmFmaGemmRegistered,
    optIn: true,
  },
  { name: 'slice-from-heap', register: registerWasmSliceFix, active: isWasmSliceFixRegistered },
  { name: 'gather-rows', register: registerWasmGatherFix, active: isWasmGatherFixRegistered },
  { name: 'tile-rows', register: registerWasmTileFix, active: isWasmTileFixRegistered },
  { name: 'sum-leading-axes', register: registerWasmSumFix, active: isWasmSumFixRegistered },
  {
    name: 'identity-shares',
    register: registerWasmIdentityFix,
    active: isWasmIdentityFixRegistered,
  },
  {
    name: 'softplus-simd',
    register: registerWasmSoftplusFix,
    active: isWasmSoftplusFixRegistered,
  },
  { name: 'exp-simd', register: registerWasmExpFix, active: isWasmExpFixRegistered },
  {
    name: 'standard-normal-kl',
    register: registerWasmStandardNormalKL,
    active: isWasmStandardNormalKLRegistered,
  },
  {
    name: 'bernoulli-log-prob',
    register: registerWasmBernoulliLogProb,
    active: isWasmBernoulliLogProbRegistered,
  },
  {
    name: 'categorical-log-prob',
    register: registerWasmCategoricalLogProb,
    active: isWasmCategoricalLogProbRegistered,
  },
];

/**
 * The names of vaekit's wasm kernel fixes, in the order {@link registerWasmKernelFixes} registers
 * them.
 *
 * @example
 * ```ts
 * WASM_KERNEL_FIXES; // ['transposed-matmul', 'simd-gemm', 'fma-gemm', 'slice-from-heap', 'gather-rows', 'tile-rows', 'sum-leading-axes', 'identity-shares', 'softplus-simd', 'exp-simd', 'standard-normal-kl', 'bernoulli-log-prob', 'categorical-log-prob']
 * ```
 */
export const WASM_KERNEL_FIXES: readonly string[] = FIXES.map((fix) => fix.name);

/**
 * The fixes {@link registerWasmKernelFixes} registers by default: all but `fma-gemm` (the fused
 * multiply-add GEMM of the `wasm-fma` backend, whose products differ from tfjs's in their last
 * bits and from machine to machine).
 *
 * @example
 * ```ts
 * DEFAULT_WASM_KERNEL_FIXES.includes('fma-gemm'); // false
 * ```
 */
export const DEFAULT_WASM_KERNEL_FIXES: readonly string[] = FIXES.filter(
  (fix) => fix.optIn !== true,
).map((fix) => fix.name);

/**
 * Register every wasm kernel fix of vaekit (idempotent; {@link selectBackend} calls it when it
 * activates wasm): transposed matmuls (`transposed-matmul`), vaekit's own SIMD matmul
 * (`simd-gemm`; products it does not handle go to the transposing fix), slicing
 * (`slice-from-heap`), gathers (`gather-rows`), tiling (`tile-rows`), sums over leading axes
 * (`sum-leading-axes`), clones (`identity-shares`), softplus (`softplus-simd`) and the exponential
 * (`exp-simd`), and adds three fused kernels, the Gaussian VAE's KL term (`standard-normal-kl`,
 * which `@vaekit/distributions` uses when it is registered), the Bernoulli log-likelihood
 * (`bernoulli-log-prob`, used by `@vaekit/layers`) and the categorical (token) log-likelihood
 * with its gradient (`categorical-log-prob`, used by `@vaekit/layers`), the last two
 * bit-identical to the ops they stand in for. Each of the first seven replaces
 * kernels by ones whose results equal the original kernels' bit for bit (the matmul fix: the
 * original kernel's own product of explicitly transposed operands), only faster;
 * `softplus-simd` is within 3 ulp of the exactly rounded softplus (the original: within 7, near
 * its cut-offs), `exp-simd` within 1 ulp of the exactly rounded `e^x` (as the original), and
 * `standard-normal-kl` is the exactly rounded KL (the chain of ops it replaces: within 4e-7), so
 * results that use them change in their last bits. Each has a test
 * comparing it with the kernel it replaces. The per-fix functions (`registerWasmGemmFix`, ...) are in
 * `@vaekit/backend/internal`.
 *
 * @param only register only the fixes with these names (from {@link WASM_KERNEL_FIXES}; for
 *   measuring each fix's effect, or adding the opt-in `fma-gemm`). Default:
 *   {@link DEFAULT_WASM_KERNEL_FIXES} (all but `fma-gemm`).
 * @returns the kernel names replaced by this call.
 * @throws Error naming the valid fixes for an unknown name.
 * @example
 * ```ts
 * await tf.setBackend('wasm');
 * registerWasmKernelFixes(); // ['BatchMatMul', '_FusedMatMul', 'BatchMatMul', '_FusedMatMul', 'Slice', 'Unpack', 'SplitV', 'GatherV2', 'Tile', 'Sum', 'Identity', 'Softplus']
 * ```
 */
export function registerWasmKernelFixes(
  only: readonly string[] = DEFAULT_WASM_KERNEL_FIXES,
): string[] {
  checkWasmKernelFixNames(only);
  return FIXES.filter((fix) => only.includes(fix.name)).flatMap((fix) => fix.register());
}

/**
 * The names of the wasm kernel fixes active in this process (for logs and benchmark reports).
 *
 * @example
 * ```ts
 * registeredWasmKernelFixes(); // ['transposed-matmul', 'slice-from-heap', ...] after selectBackend('wasm')
 * ```
 */
export function registeredWasmKernelFixes(): string[] {
  return FIXES.filter((fix) => fix.active()).map((fix) => fix.name);
}

/**
 * Throw, naming the valid fixes, when `names` holds a name that is not in
 * {@link WASM_KERNEL_FIXES} (before anything is registered).
 */
export function checkWasmKernelFixNames(names?: readonly string[]): void {
  const unknown = (names ?? []).filter((name) => !WASM_KERNEL_FIXES.includes(name));
  if (unknown.length > 0) {
    throw new Error(
      `Unknown wasm kernel fix '${unknown[0]}'. Valid fixes: ${WASM_KERNEL_FIXES.join(', ')}.`,
    );
  }
}
