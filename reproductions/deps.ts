/**
 * The workspace packages the reproduction report uses, loaded from their TypeScript sources
 * (run with `node --conditions=@vaekit/source --import tsx`). reproductions/ is not a workspace
 * package, so bare specifiers are resolved from apps/cli, which depends on every package.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type * as Core from '@vaekit/core';
import type * as Sweep from '@vaekit/sweep';
import type * as Trainer from '@vaekit/trainer';

export type { GroupSummary, MetricSummary, SweepPlotLine, SweepResults } from '@vaekit/sweep';

const workspaceRequire = createRequire(new URL('../apps/cli/package.json', import.meta.url));

async function load<T>(id: string): Promise<T> {
  return (await import(pathToFileURL(workspaceRequire.resolve(id)).href)) as T;
}

export const core = await load<typeof Core>('@vaekit/core');
export const sweep = await load<typeof Sweep>('@vaekit/sweep');
export const trainer = await load<typeof Trainer>('@vaekit/trainer');
