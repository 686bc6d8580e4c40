import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SWEEP_FILE, checkSweepDirectory, openSweepDirectory } from './sweep-directory';
import { SweepError, loadSweepFile, validateSweep } from './sweep-spec';

const root = mkdtempSync(join(tmpdir(), 'vaekit-sweep-dir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const spec = validateSweep({ base: { maxSteps: 4 }, grid: { k: [1, 5] }, seeds: 2 }, 'a.yaml');

describe('checkSweepDirectory and openSweepDirectory', () => {
  it('opens a new directory: runs/ and sweep.yaml, which reads back as the sweep', () => {
    const out = join(root, 'new');
    expect(checkSweepDirectory(spec, out)).toBeUndefined();
    expect(openSweepDirectory(spec, out)).toEqual({ continued: false });
    const saved = loadSweepFile(join(out, SWEEP_FILE));
    expect({ ...saved, source: '' }).toEqual({ ...spec, source: '' });
    // Again: the same sweep is continued; new metrics and name are recorded.
    const relabelled = { ...spec, name: 'renamed', metrics: ['nll'] };
    expect(openSweepDirectory(relabelled, out)).toEqual({ continued: true });
    expect(loadSweepFile(join(out, SWEEP_FILE)).metrics).toEqual(['nll']);
  });

  it('refuses another sweep naming the keys, a foreign directory and a file; writes nothing', () => {
    const out = join(root, 'new');
    const before = readFileSync(join(out, SWEEP_FILE), 'utf8');
    const other = validateSweep(
      { base: { maxSteps: 8 }, grid: { k: [1, 50] }, seeds: 2 },
      'b.yaml',
    );
    expect(() => openSweepDirectory(other, out)).toThrow(
      `${out}: holds another sweep: base.maxSteps, grid.k differ from its sweep.yaml`,
    );
    expect(readFileSync(join(out, SWEEP_FILE), 'utf8')).toBe(before);
    const foreign = join(root, 'foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'notes.txt'), 'mine');
    expect(() => checkSweepDirectory(spec, foreign)).toThrow(SweepError);
    expect(() => checkSweepDirectory(spec, foreign)).toThrow(/holds no sweep\.yaml/);
    const file = join(root, 'file');
    writeFileSync(file, '');
    expect(() => checkSweepDirectory(spec, file)).toThrow(
      `${file}: is a file, not a sweep directory`,
    );
    const damaged = join(root, 'damaged');
    mkdirSync(damaged);
    writeFileSync(join(damaged, SWEEP_FILE), 'grid: [');
    expect(() => checkSweepDirectory(spec, damaged)).toThrow(/its sweep\.yaml cannot be read/);
  });
});
