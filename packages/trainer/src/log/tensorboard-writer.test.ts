import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { READ_EVENTS, python, readWithPython } from './__fixtures__/read-with-python';
import { decodeEvent } from './event-proto';
import { EVENT_FILE_VERSION, TensorBoardWriter } from './tensorboard-writer';
import { readTFRecords } from './tfrecord';

const dirs: string[] = [];
function tempDir(): string {
  const d = fs.mkdtempSync(join(tmpdir(), 'vaekit-tb-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** Every event of a file, through the record reader (both CRCs checked) and protobufjs. */
function readEvents(path: string) {
  return readTFRecords(fs.readFileSync(path)).map(decodeEvent);
}

/** The TensorBoard events of a small sample run, with fixed times. */
function writeSample(dir: string): string {
  const writer = TensorBoardWriter.open(dir, { wallTime: 1_700_000_000.5, hostname: 'host-a' });
  writer.addScalar('train/loss', 50, 143.25, 1_700_000_010);
  writer.addScalar('train/loss', 100, 0.1, 1_700_000_020);
  writer.addScalars(100, { 'validation/nll': 111.8, 'validation/activeUnits': 32 }, 1_700_000_021);
  writer.addScalar('train/kl', 150, Number.NaN, 1_700_000_030);
  writer.addSessionStart(101, 1_700_000_040);
  writer.close();
  return writer.path;
}

/** The sample's events as the file must hold them (values rounded to float32). */
const SAMPLE = [
  { wall_time: 1_700_000_000.5, step: 0, file_version: EVENT_FILE_VERSION },
  { wall_time: 1_700_000_010, step: 50, values: [['train/loss', Math.fround(143.25)]] },
  { wall_time: 1_700_000_020, step: 100, values: [['train/loss', Math.fround(0.1)]] },
  { wall_time: 1_700_000_021, step: 100, values: [['validation/nll', Math.fround(111.8)]] },
  { wall_time: 1_700_000_021, step: 100, values: [['validation/activeUnits', 32]] },
  { wall_time: 1_700_000_030, step: 150, values: [['train/kl', Number.NaN]] },
  { wall_time: 1_700_000_040, step: 101, session_log: { status: 1 } },
];

describe('TensorBoardWriter', () => {
  it('writes events.out.tfevents.<seconds>.<host>: the file version, then one event per scalar', () => {
    const dir = join(tempDir(), 'tensorboard');
    const path = writeSample(dir);
    expect(path).toBe(join(dir, 'events.out.tfevents.1700000000.host-a'));
    const events = readEvents(path);
    expect(
      events.map((e) => ({
        wall_time: e.wall_time,
        step: e.step ?? 0,
        ...(e.file_version !== undefined ? { file_version: e.file_version } : {}),
        ...(e.summary ? { values: e.summary.value.map((v) => [v.tag, v.simple_value]) } : {}),
        ...(e.session_log ? { session_log: { status: e.session_log.status } } : {}),
      })),
    ).toEqual(SAMPLE);
  });

  it('never overwrites: a second file of the same second and host gets a suffix', () => {
    const dir = tempDir();
    const a = TensorBoardWriter.open(dir, { wallTime: 1_700_000_000, hostname: 'h' });
    const b = TensorBoardWriter.open(dir, { wallTime: 1_700_000_000.9, hostname: 'h' });
    a.addScalar('x', 1, 1);
    b.addScalar('x', 1, 2);
    a.close();
    b.close();
    expect(b.path).toBe(`${a.path}.1`);
    expect(readEvents(a.path)[1]!.summary!.value[0]!.simple_value).toBe(1);
    expect(readEvents(b.path)[1]!.summary!.value[0]!.simple_value).toBe(2);
    // Characters that cannot be in a file name are replaced.
    const c = TensorBoardWriter.open(dir, { wallTime: 5, hostname: 'a/b c' });
    c.close();
    expect(c.path).toBe(join(dir, 'events.out.tfevents.5.a_b_c'));
  });

  it('buffers until flush, then the OS has every whole record', () => {
    const dir = tempDir();
    const writer = TensorBoardWriter.open(dir, { wallTime: 1, hostname: 'h' });
    const header = fs.statSync(writer.path).size;
    expect(readEvents(writer.path).map((e) => e.file_version)).toEqual([EVENT_FILE_VERSION]);
    writer.addScalar('a', 1, 1);
    expect(fs.statSync(writer.path).size).toBe(header);
    writer.flush();
    expect(readEvents(writer.path)).toHaveLength(2);
    writer.close();
    writer.close();
    writer.addScalar('a', 2, 2);
    expect(readEvents(writer.path)).toHaveLength(2);
    expect(writer.isOpen).toBe(false);
  });

  it('refuses bad steps and tags', () => {
    const writer = TensorBoardWriter.open(tempDir(), { hostname: 'h' });
    expect(() => writer.addScalar('a', -1, 0)).toThrow(
      /step must be a non-negative integer, got -1/,
    );
    expect(() => writer.addScalar('a', 1.5, 0)).toThrow(/got 1.5/);
    expect(() => writer.addScalar('', 1, 0)).toThrow(/tag must not be empty/);
    expect(() => writer.addScalars(1, { a: '1' as unknown as number })).toThrow(
      /the value of a must be a number, got "1"/,
    );
    expect(() => TensorBoardWriter.open(tempDir(), { wallTime: Number.NaN })).toThrow(/wallTime/);
    writer.close();
  });

  it('a failed write cuts the file back to its last whole record, reports once and stops', () => {
    const dir = tempDir();
    const errors: Error[] = [];
    const writer = TensorBoardWriter.open(dir, {
      hostname: 'h',
      onError: (error) => errors.push(error),
    });
    writer.addScalar('a', 1, 1);
    writer.flush();
    const good = fs.readFileSync(writer.path);
    // The disk fills up half-way through the next write.
    const realWrite = fs.writeSync;
    const spy = vi.spyOn(fs, 'writeSync').mockImplementation(((
      fd: number,
      buffer: Uint8Array,
      offset: number,
      length: number,
      position: number,
    ) => {
      if (length > 1) return realWrite(fd, buffer, offset, Math.floor(length / 2), position);
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), {
        code: 'ENOSPC',
      });
    }) as typeof fs.writeSync);
    writer.addScalar('a', 2, 2);
    writer.flush();
    spy.mockRestore();
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(
      /cannot write the TensorBoard event file .*events\.out\.tfevents.*: ENOSPC.*TensorBoard logging stopped/,
    );
    expect(writer.isOpen).toBe(false);
    writer.addScalar('a', 3, 3);
    writer.flush();
    writer.close();
    expect(errors).toHaveLength(1);
    expect(fs.readFileSync(writer.path)).toEqual(good);
    expect(readEvents(writer.path)).toHaveLength(2);
  });

  it('without onError, a failed write throws (after cutting the file back)', () => {
    const writer = TensorBoardWriter.open(tempDir(), { hostname: 'h' });
    const size = fs.statSync(writer.path).size;
    vi.spyOn(fs, 'writeSync').mockImplementation(() => {
      throw Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' });
    });
    writer.addScalar('a', 1, 1);
    expect(() => writer.flush()).toThrow(/cannot write the TensorBoard event file .*EIO/);
    vi.restoreAllMocks();
    expect(fs.statSync(writer.path).size).toBe(size);
    expect(() => writer.close()).not.toThrow();
  });
});

describe.runIf(python !== undefined)('an independent decoder (Python, google.protobuf)', () => {
  it('reads the same events, and the bytes are canonical protobuf', () => {
    const path = writeSample(tempDir());
    const [file] = readWithPython([path]);
    expect(
      file!.events.map((e) => ({
        wall_time: e.wall_time,
        step: e.step,
        ...(e.file_version !== undefined ? { file_version: e.file_version } : {}),
        ...(e.values ? { values: e.values.map((v) => [v.tag, v.simple_value]) } : {}),
        ...(e.session_log ? { session_log: e.session_log } : {}),
      })),
    ).toEqual(SAMPLE);
    for (const e of file!.events) {
      expect(e.canonical).toBe(true);
      expect(e.unknown_fields ?? 0).toBe(0);
    }
  });

  it('fails on a corrupted byte', () => {
    const path = writeSample(tempDir());
    const bytes = fs.readFileSync(path);
    bytes[40]! ^= 0x04;
    fs.writeFileSync(path, bytes);
    const run = spawnSync(python!, [READ_EVENTS, path], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/CRC mismatch/);
  });
});
