/**
 * The workspace packages, loaded from their TypeScript sources (run with
 * `node --conditions=@vaekit/source --import tsx`). bench/ is not a workspace package, so bare
 * specifiers are resolved from apps/cli, which depends on every package and on tfjs: the bench
 * then shares one tfjs-core instance (one engine, one Tensor class) with the packages.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type * as TF from '@tensorflow/tfjs-core';
import type * as Backend from '@vaekit/backend';
import type * as Core from '@vaekit/core';
import type * as BackendInternal from '@vaekit/backend/internal';
import type * as Distributions from '@vaekit/distributions';
import type * as Layers from '@vaekit/layers';
import type * as LayersInternal from '@vaekit/layers/internal';
import type * as Objectives from '@vaekit/objectives';
import type * as Trainer from '@vaekit/trainer';
import type * as TrainerInternal from '@vaekit/trainer/internal';

const workspaceRequire = createRequire(new URL('../apps/cli/package.json', import.meta.url));

/** The file a bare specifier resolves to from the workspace (with the `@vaekit/source` condition). */
export function resolveWorkspace(id: string): string {
  return workspaceRequire.resolve(id);
}

async function load<T>(id: string): Promise<T> {
  return (await import(pathToFileURL(resolveWorkspace(id)).href)) as T;
}

export const tf = await load<typeof TF>('@tensorflow/tfjs-core');
export const backend = await load<typeof Backend>('@vaekit/backend');
export const backendInternal = await load<typeof BackendInternal>('@vaekit/backend/internal');
export const core = await load<typeof Core>('@vaekit/core');
export const distributions = await load<typeof Distributions>('@vaekit/distributions');
export const layers = await load<typeof Layers>('@vaekit/layers');
export const layersInternal = await load<typeof LayersInternal>('@vaekit/layers/internal');
export const objectives = await load<typeof Objectives>('@vaekit/objectives');
export const trainer = await load<typeof Trainer>('@vaekit/trainer');
export const trainerInternal = await load<typeof TrainerInternal>('@vaekit/trainer/internal');
export type { TF };

/**
 * Activate a tfjs backend as `selectBackend` does. With `BENCH_WASM_FIXES` set (`none`, or a
 * comma-separated list of `WASM_KERNEL_FIXES` names) the backend is wasm with only those kernel
 * fixes: for measuring what each fix is worth.
 */
export async function setUpBackend(name: string): Promise<{ choice: string; fixes: string[] }> {
  const fixes = process.env.BENCH_WASM_FIXES;
  if (fixes !== undefined && fixes !== '' && fixes !== 'all') {
    await backend.registerGradients();
    await import(pathToFileURL(resolveWorkspace('@tensorflow/tfjs-backend-wasm')).href);
    if (!(await tf.setBackend('wasm'))) throw new Error('wasm backend failed to initialise');
    await tf.ready();
    backend.registerWasmKernelFixes(fixes === 'none' ? [] : fixes.split(','));
    return { choice: 'wasm', fixes: backend.registeredWasmKernelFixes() };
  }
  const selection = await backend.selectBackend(name);
  return { choice: selection.choice, fixes: backend.registeredWasmKernelFixes() };
}
