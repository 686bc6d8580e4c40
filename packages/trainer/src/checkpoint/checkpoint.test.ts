import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@vaekit/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '@vaekit/core';
import { type CheckpointData, writeCheckpoint } from './write-checkpoint';
import { hasCheckpoint, readCheckpoint } from './read-checkpoint';
import { restoreTensors, snapshotTensors } from './tensor-record';

const root = fs.mkdtempSync(join(tmpdir(), 'vaekit-ckpt-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => join(root, `c${n++}`);

function sample(step: number): CheckpointData {
  const rng = new Rng(step);
  return {
    weights: {
      'encoder/dense/kernel': {
        shape: [3, 4],
        dtype: 'float32',
        data: Float32Array.from({ length: 12 }, () => rng.normal()),
      },
      'encoder/dense/bias': {
        shape: [4],
        dtype: 'float32',
        data: new Float32Array([step, -0, Number.MIN_VALUE, -1e30]),
      },
      counter: { shape: [], dtype: 'int32', data: new Int32Array([-step]) },
    },
    optimizerState: {
      'adam/m': { shape: [2], dtype: 'float32', data: new Float32Array([0.5, step]) },
    },
    rngState: rng.state(),
    step,
    epoch: Math.floor(step / 10),
    config: { model: 'vae', latent: 2, lr: 1e-3 },
    extra: { bestElbo: -101.25 },
  };
}

function expectSame(a: CheckpointData, b: Awaited<ReturnType<typeof readCheckpoint>>) {
  expect(b.step).toBe(a.step);
  expect(b.epoch).toBe(a.epoch);
  expect(b.rngState).toEqual(a.rngState);
  expect(b.config).toEqual(a.config);
  expect(b.extra).toEqual(a.extra);
  expect(Object.keys(b.weights)).toEqual(Object.keys(a.weights));
  for (const [name, t] of Object.entries(a.weights)) {
    expect(b.weights[name]!.shape).toEqual(t.shape);
    expect(b.weights[name]!.dtype).toBe(t.dtype);
    expect(Object.is(b.weights[name]!.data[1], t.data[1]) || t.data.length < 2).toBe(true);
    expect(Array.from(b.weights[name]!.data)).toEqual(Array.from(t.data));
  }
  expect(Array.from(b.optimizerState['adam/m']!.data)).toEqual(
    Array.from(a.optimizerState!['adam/m']!.data),
  );
}

const payloadOf = (dir: string) =>
  join(dir, JSON.parse(fs.readFileSync(join(dir, 'checkpoint.json'), 'utf8')).payload.file);

describe('checkpoints', () => {
  it('round-trips weights (bit-exact), optimizer state, generator state and metadata', async () => {
    const dir = freshDir();
    expect(hasCheckpoint(dir)).toBe(false);
    const data = sample(7);
    await writeCheckpoint(dir, data);
    expect(hasCheckpoint(dir)).toBe(true);
    const back = await readCheckpoint(dir);
    expectSame(data, back);
    expect(Rng.fromState(back.rngState as number[]).next()).toBe(
      Rng.fromState(data.rngState as number[]).next(),
    );
  });

  it('keeps one previous checkpoint, deletes older payloads, and leaves no temporary files', async () => {
    const dir = freshDir();
    for (const step of [1, 2, 3]) await writeCheckpoint(dir, sample(step));
    const files = fs.readdirSync(dir).sort();
    expect(files.filter((f) => f.endsWith('.bin'))).toHaveLength(2);
    expect(files.filter((f) => f.startsWith('.'))).toEqual([]);
    expect((await readCheckpoint(dir)).step).toBe(3);
    const prev = JSON.parse(fs.readFileSync(join(dir, 'checkpoint.previous.json'), 'utf8'));
    expect(prev.step).toBe(2);
  });

  it('detects a flipped payload byte, naming the file and both checksums; can fall back', async () => {
    const dir = freshDir();
    await writeCheckpoint(dir, sample(1));
    await writeCheckpoint(dir, sample(2));
    const payload = payloadOf(dir);
    const bytes = fs.readFileSync(payload);
    bytes[5]! ^= 0x01;
    fs.writeFileSync(payload, bytes);
    await expect(readCheckpoint(dir)).rejects.toThrow(
      new RegExp(
        `^checkpoint ${payload.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is corrupt: checksum mismatch \\(expected [0-9a-f]{64}, got [0-9a-f]{64}\\)$`,
      ),
    );
    const fallback = await readCheckpoint(dir, { fallbackToPrevious: true });
    expect(fallback.step).toBe(1);
    expect(fallback.fallbackReason).toMatch(/checksum mismatch/);
    // The next write does not promote the corrupt checkpoint to "previous".
    await writeCheckpoint(dir, sample(3));
    const previous = JSON.parse(fs.readFileSync(join(dir, 'checkpoint.previous.json'), 'utf8'));
    expect(previous.step).toBe(1);
    expect(fs.existsSync(join(dir, previous.payload.file))).toBe(true); // its payload is kept
  });

  it('detects an edited manifest, a truncated payload, and reports missing or malformed manifests', async () => {
    const dir = freshDir();
    await writeCheckpoint(dir, sample(4));
    const manifestPath = join(dir, 'checkpoint.json');
    const original = fs.readFileSync(manifestPath, 'utf8');
    fs.writeFileSync(manifestPath, original.replace('"step": 4', '"step": 5'));
    await expect(readCheckpoint(dir)).rejects.toThrow(
      `checkpoint ${manifestPath} is corrupt: checksum mismatch (expected`,
    );
    fs.writeFileSync(manifestPath, original.slice(0, 100));
    await expect(readCheckpoint(dir)).rejects.toThrow(
      `checkpoint ${manifestPath} is malformed: invalid JSON`,
    );
    fs.writeFileSync(manifestPath, '{"format": "other"}');
    await expect(readCheckpoint(dir)).rejects.toThrow(
      /is malformed: not a vaekit checkpoint manifest/,
    );
    fs.writeFileSync(manifestPath, original);
    fs.truncateSync(payloadOf(dir), 10);
    await expect(readCheckpoint(dir)).rejects.toThrow(
      /is corrupt: size mismatch \(expected \d+ bytes, got 10\)/,
    );
    await expect(readCheckpoint(freshDir())).rejects.toThrow(
      /checkpoint .*checkpoint\.json is missing/,
    );
  });

  it('a leftover partial temporary payload (crash mid-write) does not affect reads and is cleaned up', async () => {
    const dir = freshDir();
    await writeCheckpoint(dir, sample(1));
    fs.writeFileSync(
      join(dir, '.vaekit-tmp-weights-000000002-abcdefabcdef.bin-999-00000000'),
      new Uint8Array(17),
    );
    expect((await readCheckpoint(dir)).step).toBe(1);
    await writeCheckpoint(dir, sample(2));
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('rejects bad input, naming the tensor', async () => {
    const dir = freshDir();
    const bad = sample(1);
    bad.weights['encoder/dense/bias'] = { shape: [5], dtype: 'float32', data: new Float32Array(4) };
    await expect(writeCheckpoint(dir, bad)).rejects.toThrow(
      "weights['encoder/dense/bias'].data has 4 values, shape [5] needs 5",
    );
    await expect(writeCheckpoint(dir, { ...sample(1), step: -1 })).rejects.toThrow(
      /step must be a non-negative integer/,
    );
    const wrongType = sample(1);
    wrongType.weights.counter = { shape: [1], dtype: 'int32', data: new Float32Array(1) as never };
    await expect(writeCheckpoint(dir, wrongType)).rejects.toThrow(
      /counter'\]\.data must be a Int32Array/,
    );
    expect(hasCheckpoint(dir)).toBe(false);
  });

  it('snapshotTensors/restoreTensors convert tensors without leaks', async () => {
    const dir = freshDir();
    await expectNoLeaks(async () => {
      const a = tf.tensor2d([
        [1, 2],
        [3, 4],
      ]);
      const b = tf.tensor1d([5, 6], 'int32');
      const snap = await snapshotTensors({ a, b });
      const named = await snapshotTensors([{ name: 'x', tensor: a }]);
      tf.dispose([a, b]);
      expect(Object.keys(named)).toEqual(['x']);
      await writeCheckpoint(dir, { weights: snap, step: 0, epoch: 0 });
      const back = restoreTensors((await readCheckpoint(dir)).weights);
      expect(back.b!.dtype).toBe('int32');
      expect(await back.a!.array()).toEqual([
        [1, 2],
        [3, 4],
      ]);
      return back;
    });
  });

  // A real crash: a child process SIGKILLs itself in the middle of writing checkpoint 3.
  it.each(['payload-half', 'before-manifest-rename'])(
    'a process killed mid-write (%s) leaves the last good checkpoint readable',
    async (point) => {
      const dir = freshDir();
      const script = join(__dirname, '__fixtures__', 'crash-writer.ts');
      const child = spawnSync(process.execPath, ['--import', 'tsx', script, dir, '3', point], {
        cwd: join(__dirname, '..', '..'),
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(child.signal, child.stderr).toBe('SIGKILL');
      expect(child.stdout).toBe('wrote 1\nwrote 2\n');
      // The crash left a temporary file behind...
      expect(fs.readdirSync(dir).some((f) => f.startsWith('.vaekit-tmp-'))).toBe(true);
      // ...but checkpoint 2 is intact and verifies.
      const ckpt = await readCheckpoint(dir);
      expect(ckpt.step).toBe(2);
      expect(ckpt.weights.w!.data.every((v) => v === 2)).toBe(true);
      // And writing resumes cleanly.
      await writeCheckpoint(dir, { weights: ckpt.weights, step: 3, epoch: 0 });
      expect((await readCheckpoint(dir)).step).toBe(3);
      expect(fs.readdirSync(dir).some((f) => f.startsWith('.vaekit-tmp-'))).toBe(false);
    },
  );
});
