import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { relaxedSimdSupported } from '@vaekit/backend';
import { afterAll, describe, expect, it } from 'vitest';
import { TINY, vaekit } from './test-support';

const root = mkdtempSync(join(tmpdir(), 'vaekit-cli-fma-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The last training record of a run's metrics.jsonl. */
function lastTrainLoss(run: string): number {
  const records = readFileSync(join(run, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { split: string; loss?: number });
  return records.filter((r) => r.split === 'train').at(-1)!.loss!;
}

describe('vaekit train --backend wasm-fma', () => {
  it.runIf(relaxedSimdSupported())(
    'trains on it, workers too, records it in the run, and stays within float32 rounding of wasm',
    async () => {
      const train = async (backend: string) => {
        const out = join(root, backend);
        const r = await vaekit(
          'train',
          ...TINY,
          '--threads',
          '2',
          '--backend',
          backend,
          '--out',
          out,
        );
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout + r.stderr).toContain(`backend ${backend}, 2 data-parallel threads`);
        expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).backend).toBe(backend);
        return lastTrainLoss(out);
      };
      const fused = await train('wasm-fma');
      const exact = await train('wasm');
      expect(Math.abs(fused - exact)).toBeLessThan(1e-4 * Math.abs(exact));
    },
    120_000,
  );
});
