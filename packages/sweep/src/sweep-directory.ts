import fs from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '@vaekit/trainer/internal';
import { RUNS_DIR } from './run-one';
import {
  SweepError,
  type SweepSpec,
  loadSweepFile,
  sweepDifferences,
  sweepToYaml,
} from './sweep-spec';

/** The copy of the sweep file a sweep directory keeps: what it ran. */
export const SWEEP_FILE = 'sweep.yaml';

/**
 * Check that `out` can hold `spec`'s sweep, writing nothing: a new or empty directory, or one
 * that holds the same sweep (its `sweep.yaml` plans the same runs; `name`, `metrics` and
 * `plot` may differ, they only shape the reports).
 *
 * @returns the sweep the directory holds already, or `undefined` for a new one.
 * @throws SweepError naming the directory and, for another sweep, the keys that differ.
 * @example
 * ```ts
 * checkSweepDirectory(loadSweepFile('sweep.yaml'), 'sweeps/iwae'); // before any work
 * ```
 */
export function checkSweepDirectory(spec: SweepSpec, out: string): SweepSpec | undefined {
  let entries: string[];
  try {
    entries = fs.readdirSync(out);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ENOTDIR') throw new SweepError(out, '', 'is a file, not a sweep directory');
    throw error;
  }
  if (entries.length === 0) return undefined;
  const file = join(out, SWEEP_FILE);
  if (!entries.includes(SWEEP_FILE)) {
    throw new SweepError(
      out,
      '',
      `is not empty and holds no ${SWEEP_FILE}: it is not a sweep directory. Choose a new or empty directory`,
    );
  }
  let saved: SweepSpec;
  try {
    saved = loadSweepFile(file);
  } catch (error) {
    throw new SweepError(
      out,
      '',
      `its ${SWEEP_FILE} cannot be read (${(error as Error).message}); choose a new directory`,
    );
  }
  const differences = sweepDifferences(saved, spec);
  if (differences.length > 0) {
    throw new SweepError(
      out,
      '',
      `holds another sweep: ${differences.join(', ')} differ from its ${SWEEP_FILE}. Continue it with the same runs, or choose a new directory`,
    );
  }
  return saved;
}

/**
 * Open `out` for `spec`'s sweep: {@link checkSweepDirectory}, then create it with its `runs/`
 * folder and write `sweep.yaml` (atomically; the reports' `name`, `metrics` and `plot` are
 * updated).
 *
 * @returns whether the directory held the sweep already (it is being continued).
 * @throws SweepError as {@link checkSweepDirectory}.
 */
export function openSweepDirectory(spec: SweepSpec, out: string): { continued: boolean } {
  const saved = checkSweepDirectory(spec, out);
  fs.mkdirSync(join(out, RUNS_DIR), { recursive: true });
  const text = sweepToYaml(spec);
  const file = join(out, SWEEP_FILE);
  if (saved === undefined || fs.readFileSync(file, 'utf8') !== text) writeFileAtomic(file, text);
  return { continued: saved !== undefined };
}
