import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RunDirectory } from './run-directory';

const root = fs.mkdtempSync(join(tmpdir(), 'vaekit-run-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(root, `r${n++}`, 'nested');

describe('RunDirectory', () => {
  it('creates a run, writes config atomically and reads it back', () => {
    const path = fresh();
    const run = RunDirectory.create(path, { config: { latent: 2, lr: 1e-3 } });
    expect(RunDirectory.isRun(path)).toBe(true);
    expect(run.readConfig()).toEqual({ latent: 2, lr: 1e-3 });
    expect(fs.readdirSync(path).sort()).toEqual(['config.json', 'vaekit-run.json']);
    expect(run.checkpointDir).toBe(join(path, 'checkpoint'));
  });

  it('appends metric rows (one line each, non-finite numbers preserved) and reads them back', () => {
    const run = RunDirectory.create(fresh());
    expect(run.readMetrics()).toEqual([]);
    const rows = [
      {
        step: 1,
        epoch: 0,
        loss: 150.5,
        elbo: -150.5,
        kl: 3.25,
        examplesPerSec: 5000,
        lr: 1e-3,
        wallTime: 0.5,
      },
      { step: 2, epoch: 0, loss: Number.NaN, kl: Infinity, note: 'diverged' },
    ];
    for (const r of rows) run.appendMetrics(r);
    run.appendMetrics({ step: 3 }, { fsync: true });
    expect(fs.readFileSync(run.file('metrics.jsonl'), 'utf8').split('\n')).toHaveLength(4);
    const back = run.readMetrics();
    expect(back).toHaveLength(3);
    expect(back[0]).toEqual(rows[0]);
    expect(back[1]!.loss).toBeNaN();
    expect(back[1]!.kl).toBe(Infinity);
    expect(() => run.appendMetrics({ step: Number.NaN })).toThrow(
      /row.step must be a finite number/,
    );
  });

  it('skips a last line cut short by a crash, reports a bad line elsewhere, and truncates on resume', () => {
    const path = fresh();
    const run = RunDirectory.create(path);
    for (let step = 1; step <= 5; step++) run.appendMetrics({ step, loss: 100 - step });
    fs.appendFileSync(run.file('metrics.jsonl'), '{"step": 6, "lo');
    expect(run.readMetrics().map((r) => r.step)).toEqual([1, 2, 3, 4, 5]);
    const resumed = RunDirectory.create(path, { resume: true });
    expect(resumed.truncateMetrics(3)).toBe(2);
    expect(resumed.readMetrics().map((r) => r.step)).toEqual([1, 2, 3]);
    resumed.appendMetrics({ step: 4 });
    expect(resumed.readMetrics().map((r) => r.step)).toEqual([1, 2, 3, 4]);
    fs.writeFileSync(run.file('metrics.jsonl'), '{"step":1}\nnot json\n{"step":3}\n');
    expect(() => run.readMetrics()).toThrow(/metrics\.jsonl:2: invalid metrics row/);
  });

  it('refuses a non-empty non-run directory and an existing run without resume', () => {
    const other = join(root, 'other');
    fs.mkdirSync(other);
    fs.writeFileSync(join(other, 'thesis.tex'), 'precious');
    expect(() => RunDirectory.create(other)).toThrow(/is not empty and is not a vaekit run/);
    expect(() => RunDirectory.create(other, { resume: true })).toThrow(
      /is not empty and is not a vaekit run/,
    );
    expect(fs.readdirSync(other)).toEqual(['thesis.tex']);
    const path = fresh();
    RunDirectory.create(path).appendMetrics({ step: 1 });
    expect(() => RunDirectory.create(path)).toThrow(
      /already holds a vaekit run; continue it with resume: true/,
    );
    expect(RunDirectory.create(path, { resume: true }).readMetrics()).toHaveLength(1);
    expect(() => RunDirectory.open(other)).toThrow(/is not a vaekit run/);
    fs.writeFileSync(join(root, 'afile'), '');
    expect(() => RunDirectory.create(join(root, 'afile'))).toThrow(/is not a directory/);
  });

  it('writes artefacts atomically in subdirectories and rejects paths outside the run', () => {
    const run = RunDirectory.create(fresh());
    run.writeFile('samples/epoch-1.png', new Uint8Array([1, 2, 3]));
    run.writeJson('eval.json', { elbo: -90 });
    expect(Array.from(fs.readFileSync(run.file('samples/epoch-1.png')))).toEqual([1, 2, 3]);
    expect(JSON.parse(fs.readFileSync(run.file('eval.json'), 'utf8'))).toEqual({ elbo: -90 });
    expect(fs.readdirSync(run.file('samples'))).toEqual(['epoch-1.png']); // no temp files left
    expect(() => run.writeFile('../escape.txt', 'x')).toThrow(
      /relative path inside the run directory/,
    );
    expect(RunDirectory.open(run.path).readConfig()).toBeUndefined();
  });
});
