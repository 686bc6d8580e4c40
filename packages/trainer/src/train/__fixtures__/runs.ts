/**
 * What the training tests share: a tiny run configuration, temporary run directories removed
 * after the file's tests, and a run's metrics rows and final weights in comparable form.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TrainConfig } from '@vaekit/core';
import { afterAll } from 'vitest';
import { readCheckpoint } from '../../checkpoint/read-checkpoint';
import { RunDirectory } from '../../run/run-directory';

/** A small, fast image run: MLP 784-32-4, 8 steps, validation every 4 steps. */
export const TINY: Partial<TrainConfig> = {
  hidden: [32],
  latentDim: 4,
  batchSize: 32,
  maxSteps: 8,
  evalEvery: 4,
  evalExamples: 64,
  evalK: 4,
  seed: 3,
};

/** A function giving a new (not yet existing) run directory path; all are removed after the file. */
export function tempRuns(prefix: string): () => string {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  return () => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(d);
    return join(d, 'run');
  };
}

/** A run's metrics rows as JSON, without wall time and throughput (they differ between runs). */
export function metricRows(dir: string): string[] {
  return RunDirectory.open(dir)
    .readMetrics()
    .map(({ wallTime: _w, examplesPerSec: _e, ...rest }) => JSON.stringify(rest));
}

/** The weights of a run's last checkpoint, sorted by name. */
export async function finalWeights(dir: string): Promise<Float32Array[]> {
  const c = await readCheckpoint(RunDirectory.open(dir).checkpointDir);
  return Object.keys(c.weights)
    .sort()
    .map((k) => c.weights[k]!.data as Float32Array);
}
