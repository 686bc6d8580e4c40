import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_TRAIN_CONFIG } from '../config/train-config';
import { sha256HexSync } from '../internal/sha256';
import { createModel } from './create-model';
import {
  type ModelFileBytes,
  manifestWeightBytes,
  modelFileDigests,
  sha256Hex,
  verifyModelFiles,
} from './model-checksum';

/** A small image model saved as a run directory's model/ holds it: model.json text and weights.bin bytes. */
async function savedFiles(): Promise<{ modelJson: string; weights: Uint8Array }> {
  const model = createModel(
    { ...DEFAULT_TRAIN_CONFIG, hidden: [16], latentDim: 2 },
    { kind: 'image', imageShape: [6, 5] },
  );
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      saved = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  model.dispose();
  const { weightData, weightSpecs, ...rest } = saved!;
  const parts = Array.isArray(weightData) ? weightData : [weightData!];
  const weights = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    weights.set(new Uint8Array(p), offset);
    offset += p.byteLength;
  }
  // The layout of trainer's fileIOHandler.
  const json = { ...rest, weightsManifest: [{ paths: ['./weights.bin'], weights: weightSpecs }] };
  return { modelJson: JSON.stringify(json), weights };
}

const nodeSha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('sha256Hex', () => {
  it('gives the FIPS 180-4 test vectors, with crypto.subtle and with the fallback', async () => {
    const vectors: [string, string][] = [
      ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
      ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
      [
        'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
        '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
      ],
    ];
    for (const [text, hex] of vectors) {
      expect(await sha256Hex(text)).toBe(hex);
      expect(sha256HexSync(new TextEncoder().encode(text))).toBe(hex);
    }
  });

  it('falls back to plain JavaScript where crypto.subtle is missing (an insecure page)', async () => {
    const bytes = Uint8Array.from({ length: 3000 }, (_, i) => i % 251);
    const expected = nodeSha(bytes);
    vi.stubGlobal('crypto', undefined);
    try {
      expect(globalThis.crypto).toBeUndefined();
      expect(await sha256Hex(bytes)).toBe(expected);
    } finally {
      vi.unstubAllGlobals();
    }
    expect(globalThis.crypto.subtle).toBeDefined();
  });

  it('agrees with node:crypto on every length across the padding boundaries and on 1 MB', async () => {
    const bytes = Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 2654435761) >>> 24);
    for (let n = 0; n <= 130; n++) {
      expect(sha256HexSync(bytes.subarray(0, n))).toBe(nodeSha(bytes.subarray(0, n)));
    }
    expect(sha256HexSync(bytes)).toBe(nodeSha(bytes));
    // A view into a larger buffer is hashed as the view, through crypto.subtle too.
    expect(await sha256Hex(bytes.subarray(5, 1005))).toBe(nodeSha(bytes.subarray(5, 1005)));
    expect(await sha256Hex(bytes.slice(5, 1005).buffer)).toBe(nodeSha(bytes.subarray(5, 1005)));
  });
});

describe('modelFileDigests / verifyModelFiles', () => {
  it('records both files and accepts the intact model (text or bytes for model.json)', async () => {
    const files = await savedFiles();
    const digests = await modelFileDigests(files);
    expect(digests['weights.bin']).toEqual({
      sha256: nodeSha(files.weights),
      bytes: files.weights.length,
    });
    const jsonBytes = new TextEncoder().encode(files.modelJson);
    expect(digests['model.json']).toEqual({ sha256: nodeSha(jsonBytes), bytes: jsonBytes.length });
    expect(await verifyModelFiles(files, digests)).toEqual({ checksums: true });
    expect(
      await verifyModelFiles(
        { modelJson: jsonBytes, weights: files.weights.slice().buffer },
        digests,
      ),
    ).toEqual({ checksums: true });
    // The manifest declares exactly the weights' bytes.
    expect(manifestWeightBytes(JSON.parse(files.modelJson))).toBe(files.weights.length);
  });

  it('rejects a flipped byte in weights.bin or model.json, naming the file', async () => {
    const files = await savedFiles();
    const digests = await modelFileDigests(files);
    const flipped = files.weights.slice();
    flipped[1000] = flipped[1000]! ^ 0x01;
    await expect(verifyModelFiles({ ...files, weights: flipped }, digests)).rejects.toThrow(
      new RegExp(
        `^model/weights\\.bin does not match its checksum \\(expected sha256 ${digests['weights.bin'].sha256.slice(0, 12)}\\.\\.\\., got [0-9a-f]{12}\\.\\.\\.\\): the file is damaged; retrain or restore it$`,
      ),
    );
    const json = files.modelJson.replace('"float32"', '"float33"');
    await expect(verifyModelFiles({ ...files, modelJson: json }, digests)).rejects.toThrow(
      /^model\/model\.json does not match its checksum/,
    );
  });

  it('checks the length first: truncated or extended weights, with and without checksums', async () => {
    const files = await savedFiles();
    const digests = await modelFileDigests(files);
    const n = files.weights.length;
    const short: ModelFileBytes = { ...files, weights: files.weights.subarray(0, 1000) };
    const message = `runs/a/model/weights.bin is too short: 1000 bytes, the model needs ${n} (truncated?): the file is damaged; retrain or restore it`;
    await expect(verifyModelFiles(short, digests, { dir: 'runs/a/model/' })).rejects.toThrow(
      message,
    );
    // A model saved before checksums: the manifest of model.json gives the length.
    await expect(verifyModelFiles(short, undefined, { dir: 'runs/a/model' })).rejects.toThrow(
      message,
    );
    const long = new Uint8Array(n + 4);
    long.set(files.weights);
    await expect(verifyModelFiles({ ...files, weights: long }, digests)).rejects.toThrow(
      `model/weights.bin is too long: ${n + 4} bytes, the model needs ${n}`,
    );
    await expect(
      verifyModelFiles({ ...files, modelJson: files.modelJson.slice(0, -10) }, digests),
    ).rejects.toThrow(
      /^model\/model\.json is too short: \d+ bytes, it was saved with \d+ \(truncated\?\)/,
    );
    expect(await verifyModelFiles(files, undefined)).toEqual({ checksums: false });
  });

  it('names vaekit.json when its checksums are malformed, and model.json when it is not JSON', async () => {
    const files = await savedFiles();
    const digests = await modelFileDigests(files);
    await expect(
      verifyModelFiles(files, {
        ...digests,
        'weights.bin': { sha256: 'abc', bytes: 1 },
      }),
    ).rejects.toThrow(/^model\/vaekit\.json records malformed checksums: files\['weights\.bin'\]/);
    await expect(
      verifyModelFiles({ ...files, modelJson: '{"weightsMan' }, undefined),
    ).rejects.toThrow(/^model\/model\.json is not valid JSON/);
  });
});
