import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { type MetricsRow, RunDirectory } from '../run/run-directory';
import { train } from '../train/train';
import { python, readWithPython } from './__fixtures__/read-with-python';
import { type EventMessage, decodeEvent } from './event-proto';
import { TENSORBOARD_DIR, TENSORBOARD_METRICS, TensorBoardLog } from './tensorboard-log';
import { EVENT_FILE_VERSION, TensorBoardWriter } from './tensorboard-writer';
import { readTFRecords } from './tfrecord';
import { TINY } from '../train/__fixtures__/runs';

const dirs: string[] = [];
function tempRun(): string {
  const d = fs.mkdtempSync(join(tmpdir(), 'vaekit-tblog-'));
  dirs.push(d);
  return join(d, 'run');
}
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function eventFiles(run: string): string[] {
  const dir = join(run, TENSORBOARD_DIR);
  return fs
    .readdirSync(dir)
    .sort()
    .map((name) => join(dir, name));
}

function readEvents(path: string): EventMessage[] {
  return readTFRecords(fs.readFileSync(path)).map(decodeEvent);
}

/** `tag@step=value` for each scalar event, values as float32. */
function scalars(events: EventMessage[]): string[] {
  return events.flatMap((e) =>
    (e.summary?.value ?? []).map((v) => `${v.tag}@${e.step ?? 0}=${v.simple_value}`),
  );
}

/** The same for the rows of metrics.jsonl, as the log must have written them. */
function expectedScalars(rows: MetricsRow[]): string[] {
  return rows.flatMap((row) => {
    const split = row['split'] as string;
    return TENSORBOARD_METRICS[split]!.filter((k) => typeof row[k] === 'number').map(
      (k) => `${split}/${k}@${row.step}=${Math.fround(row[k] as number)}`,
    );
  });
}

describe('train({ tensorboard: true })', () => {
  it('writes every metrics row to <run>/tensorboard/ under split/metric tags', async () => {
    const out = tempRun();
    await train({ ...TINY, latent: 'bn' }, { out, logEvery: 2, tensorboard: true });
    const files = eventFiles(out);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/events\.out\.tfevents\.\d{10}\.[^/]+$/);
    const events = readEvents(files[0]!);
    expect(events[0]!.file_version).toBe(EVENT_FILE_VERSION);
    const tags = new Set(scalars(events).map((s) => s.split('@')[0]));
    expect([...tags].sort()).toEqual(
      [
        'train/loss',
        'train/elbo',
        'train/kl',
        'train/klWeight',
        'train/gradNorm',
        'train/lr',
        'train/examplesPerSec',
        'validation/nll',
        'validation/elbo',
        'validation/kl',
        'validation/mutualInformation',
        'validation/activeUnits',
      ].sort(),
    );
    const steps = (tag: string) =>
      events.filter((e) => e.summary?.value[0]?.tag === tag).map((e) => e.step);
    expect(steps('train/loss')).toEqual([2, 4, 6, 8]);
    expect(steps('validation/nll')).toEqual([4, 8]);
    expect(scalars(events)).toEqual(expectedScalars(RunDirectory.open(out).readMetrics()));
    const now = Date.now() / 1000;
    for (const e of events) expect(Math.abs(e.wall_time - now)).toBeLessThan(600);
  });

  it.runIf(python !== undefined)('the independent decoder reads the run’s file', async () => {
    const out = tempRun();
    await train(TINY, { out, logEvery: 4, tensorboard: true, artifacts: false });
    const [file] = readWithPython(eventFiles(out));
    const pythonScalars = file!.events.flatMap((e) =>
      (e.values ?? []).map((v) => `${v.tag}@${e.step}=${v.simple_value}`),
    );
    expect(pythonScalars).toEqual(expectedScalars(RunDirectory.open(out).readMetrics()));
    expect(file!.events.every((e) => e.canonical)).toBe(true);
  });

  it('is off by default', async () => {
    const out = tempRun();
    await train(TINY, { out, artifacts: false });
    expect(fs.existsSync(join(out, TENSORBOARD_DIR))).toBe(false);
  });

  it('a resumed run writes a new file that starts with SessionLog START after the checkpoint', async () => {
    const out = tempRun();
    const controller = new AbortController();
    await train(TINY, {
      out,
      logEvery: 2,
      tensorboard: true,
      artifacts: false,
      signal: controller.signal,
      events: { onStep: (s) => s.step === 5 && controller.abort() },
    });
    // A process that crashed after its checkpoint at step 5 had logged steps 6 and 8 already.
    const crashed = TensorBoardWriter.open(join(out, TENSORBOARD_DIR), { wallTime: 1 });
    crashed.addScalars(6, { 'train/loss': 999 });
    crashed.addScalars(8, { 'train/loss': 999, 'validation/nll': 999 });
    crashed.close();
    const logs: string[] = [];
    await train(TINY, {
      out,
      resume: true,
      logEvery: 2,
      tensorboard: true,
      artifacts: false,
      events: { onLog: (m) => logs.push(m) },
    });
    const files = eventFiles(out);
    expect(files).toHaveLength(3);
    const latest = files
      .map((f) => ({ f, events: readEvents(f) }))
      .sort((a, b) => a.events[0]!.wall_time - b.events[0]!.wall_time)
      .at(-1)!.events;
    expect(latest[0]!.file_version).toBe(EVENT_FILE_VERSION);
    expect(latest[1]).toMatchObject({ step: 6, session_log: { status: 1 } });
    const rows = RunDirectory.open(out).readMetrics();
    expect(scalars(latest.slice(2))).toEqual(expectedScalars(rows.filter((r) => r.step > 5)));
    // What TensorBoard shows, reading the files in name order: the last value of each step.
    const shown = new Map<string, string>();
    for (const f of files) for (const s of scalars(readEvents(f))) shown.set(s.split('=')[0]!, s);
    expect([...shown.values()].filter((s) => s.endsWith('=999'))).toEqual([]);
    expect(shown.get('validation/nll@8')).toBe(
      expectedScalars(rows.filter((r) => r.step === 8 && r['split'] === 'validation')).find((s) =>
        s.startsWith('validation/nll'),
      ),
    );
    expect(logs.filter((m) => /TensorBoard/.test(m))).toEqual([]);
  });

  it('a run resumed with TensorBoard on first writes the rows logged before', async () => {
    const out = tempRun();
    const controller = new AbortController();
    await train(TINY, {
      out,
      logEvery: 2,
      artifacts: false,
      signal: controller.signal,
      events: { onStep: (s) => s.step === 5 && controller.abort() },
    });
    const before = RunDirectory.open(out).readMetrics();
    expect(before.map((r) => r.step)).toEqual([2, 4, 4]);
    await train(TINY, { out, resume: true, logEvery: 2, tensorboard: true, artifacts: false });
    const [file] = eventFiles(out);
    const events = readEvents(file!);
    expect(events[1]).toMatchObject({ step: 6, session_log: { status: 1 } });
    expect(scalars(events)).toEqual(expectedScalars(RunDirectory.open(out).readMetrics()));
    // The earlier rows are placed back in time by the training time between them.
    const wall = events.slice(2).map((e) => e.wall_time);
    expect(wall).toEqual([...wall].sort((a, b) => a - b));
  });

  it('when the log cannot be written, training goes on and says why', async () => {
    const out = tempRun();
    const controller = new AbortController();
    await train(TINY, {
      out,
      logEvery: 2,
      artifacts: false,
      signal: controller.signal,
      events: { onStep: (s) => s.step === 3 && controller.abort() },
    });
    fs.writeFileSync(join(out, TENSORBOARD_DIR), 'not a directory');
    const logs: string[] = [];
    const result = await train(TINY, {
      out,
      resume: true,
      tensorboard: true,
      logEvery: 2,
      artifacts: false,
      events: { onLog: (m) => logs.push(m) },
    });
    expect(result.status).toBe('completed');
    expect(logs.filter((m) => /TensorBoard/.test(m))).toEqual([
      expect.stringMatching(
        /^cannot write TensorBoard logs to .*tensorboard: .*training goes on without them \(metrics\.jsonl is not affected\)$/,
      ),
    ]);
    expect(
      RunDirectory.open(out)
        .readMetrics()
        .map((r) => r.step),
    ).toEqual([2, 4, 4, 6, 8, 8]);
    expect(fs.readFileSync(join(out, TENSORBOARD_DIR), 'utf8')).toBe('not a directory');
  });

  it('a write error mid-run is reported once and the log stops, the file whole', () => {
    const run = tempRun();
    const logs: string[] = [];
    const log = TensorBoardLog.open(run, { onLog: (m) => logs.push(m) })!;
    log.write({ step: 2, split: 'train', loss: 1, kl: 0.5, wallTime: 1 });
    const spy = vi.spyOn(fs, 'writeSync').mockImplementation(() => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    });
    log.write({ step: 4, split: 'train', loss: 2 });
    log.write({ step: 6, split: 'train', loss: 3 });
    spy.mockRestore();
    log.write({ step: 8, split: 'train', loss: 4 });
    log.close();
    expect(logs).toEqual([
      expect.stringMatching(
        /^cannot write the TensorBoard event file .*: ENOSPC.*TensorBoard logging stopped\); metrics\.jsonl is not affected$/,
      ),
    ]);
    expect(scalars(readEvents(log.path))).toEqual(['train/loss@2=1', 'train/kl@2=0.5']);
  });

  it('writes only the metrics of train and validation rows', () => {
    const log = TensorBoardLog.open(tempRun())!;
    log.write({ step: 1, split: 'test', nll: 1 });
    log.write({ step: 1, split: 'validation', nll: 90, k: 100, examples: 64, lr: 0.1 });
    log.write({ step: 2, split: 'train', loss: 3, epoch: 0, wallTime: 5, note: 'x' });
    log.close();
    expect(scalars(readEvents(log.path))).toEqual(['validation/nll@1=90', 'train/loss@2=3']);
  });
});
