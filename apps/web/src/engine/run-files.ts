import { verifyModelFiles } from '@vaekit/core';
import type { ModelBundle, RunFiles, VaekitModelJson } from '../shared/types';

/**
 * A run directory the app cannot use, with a message for the page (what is wrong and what to
 * pick instead).
 */
export class RunFilesError extends Error {
  override readonly name = 'RunFilesError';
}

const MARKER = 'vaekit-run.json';

const base = (path: string) => path.slice(path.lastIndexOf('/') + 1);
const dir = (path: string) => path.slice(0, path.lastIndexOf('/') + 1);
const depth = (path: string) => path.split('/').length;

function normalise(path: string): string {
  return path.replace(/\\/g, '/').replace(/^\.?\//, '');
}

async function readJson(entry: { path: string; file: Blob }): Promise<unknown> {
  const text = await entry.file.text();
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new RunFilesError(`${entry.path} is not valid JSON (${(error as Error).message})`);
  }
}

/**
 * Read what the app needs from the files of a run directory written by `vaekit train` (or of
 * its `model/` folder): `model/model.json` and the weights it names (`./weights.bin`), the
 * model description `model/vaekit.json`, and the run's `config.json` and `eval.json` when
 * present. Only those files are read, so a run's checkpoints cost nothing.
 *
 * @throws RunFilesError naming what is missing or malformed.
 */
export async function readRunFiles(files: RunFiles): Promise<ModelBundle> {
  if (files.length === 0)
    throw new RunFilesError('No files were given: pick or drop a run directory.');
  const entries = files.map((f) => ({ path: normalise(f.path), file: f.file }));
  const byPath = new Map(entries.map((e) => [e.path, e]));
  const shallowest = (name: string, where: (p: string) => boolean = () => true) =>
    entries
      .filter((e) => base(e.path) === name && where(e.path))
      .sort((a, b) => depth(a.path) - depth(b.path))[0];

  const marker = shallowest(MARKER);
  const notCheckpoint = (p: string) => !p.split('/').includes('checkpoint');
  const modelJson =
    entries.find((e) => e.path.endsWith('model/model.json') && notCheckpoint(e.path)) ??
    shallowest('model.json', notCheckpoint);
  const vaekitJson = modelJson
    ? (byPath.get(`${dir(modelJson.path)}vaekit.json`) ?? shallowest('vaekit.json', notCheckpoint))
    : shallowest('vaekit.json', notCheckpoint);

  if (marker === undefined && modelJson === undefined && vaekitJson === undefined) {
    const names = entries
      .slice(0, 5)
      .map((e) => e.path)
      .join(', ');
    throw new RunFilesError(
      `This is not a vaekit run directory: there is no ${MARKER} (the marker \`vaekit train\` writes) and no model/ folder among ${entries.length} file(s) (${names}${entries.length > 5 ? ', ...' : ''}). Pick the folder you passed to \`vaekit train --out\`.`,
    );
  }
  if (marker !== undefined) {
    const m = (await readJson(marker)) as { format?: unknown } | null;
    if (m === null || typeof m !== 'object' || m.format !== 'vaekit-run') {
      throw new RunFilesError(
        `${marker.path} is not a vaekit run marker (expected { "format": "vaekit-run" }).`,
      );
    }
  }
  if (modelJson === undefined) {
    throw new RunFilesError(
      'This run directory has no model/ folder yet: `vaekit train` writes model/ when a run completes (an interrupted run has only checkpoint/). Finish the run with `vaekit train --resume <dir>`, then load it again.',
    );
  }
  if (vaekitJson === undefined) {
    throw new RunFilesError(
      `${dir(modelJson.path)}vaekit.json is missing: this model was not saved by \`vaekit train\`, so the app does not know whether it models images or text.`,
    );
  }
  const vaekit = (await readJson(vaekitJson)) as VaekitModelJson | null;
  if (vaekit === null || typeof vaekit !== 'object' || vaekit.format !== 'vaekit-model') {
    throw new RunFilesError(
      `${vaekitJson.path} is not a vaekit model description (expected "format": "vaekit-model").`,
    );
  }
  if (vaekit.kind !== 'image' && vaekit.kind !== 'text') {
    throw new RunFilesError(
      `${vaekitJson.path}: unknown model kind ${JSON.stringify(vaekit.kind)} (expected "image" or "text").`,
    );
  }
  if (
    vaekit.kind === 'text' &&
    (typeof vaekit.vocabulary !== 'object' || vaekit.vocabulary === null)
  ) {
    throw new RunFilesError(`${vaekitJson.path} describes a text model without its vocabulary.`);
  }

  const json = (await readJson(modelJson)) as {
    weightsManifest?: { paths: string[]; weights: unknown[] }[];
    [key: string]: unknown;
  } | null;
  if (json === null || typeof json !== 'object' || !Array.isArray(json.weightsManifest)) {
    throw new RunFilesError(`${modelJson.path} is not a tf.io model (it has no weightsManifest).`);
  }
  const buffers: ArrayBuffer[] = [];
  for (const group of json.weightsManifest) {
    for (const p of group.paths) {
      const wanted = normalise(dir(modelJson.path) + p.replace(/^\.\//, ''));
      const file = byPath.get(wanted) ?? shallowest(base(p), notCheckpoint);
      if (file === undefined) {
        throw new RunFilesError(`${modelJson.path} names the weights file ${p}, which is missing.`);
      }
      buffers.push(await file.file.arrayBuffer());
    }
  }
  const total = buffers.reduce((n, b) => n + b.byteLength, 0);
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const b of buffers) {
    weightData.set(new Uint8Array(b), offset);
    offset += b.byteLength;
  }
  try {
    await verifyModelFiles(
      { modelJson: new Uint8Array(await modelJson.file.arrayBuffer()), weights: weightData },
      vaekit.files,
      { dir: dir(modelJson.path).replace(/\/$/, '') || 'model' },
    );
  } catch (error) {
    throw new RunFilesError((error as Error).message);
  }
  const { weightsManifest, ...rest } = json;
  const root = marker ? dir(marker.path) : dir(dir(modelJson.path).replace(/\/$/, ''));
  const optional = async (name: string) => {
    const e = byPath.get(`${root}${name}`);
    return e ? ((await readJson(e)) as Record<string, unknown>) : undefined;
  };
  const config = await optional('config.json');
  const evaluation = await optional('eval.json');
  return {
    artifacts: { ...rest, weightSpecs: weightsManifest.flatMap((g) => g.weights) },
    weightData: weightData.buffer,
    vaekit,
    ...(config ? { config } : {}),
    ...(evaluation ? { evaluation } : {}),
  };
}

/** The files of the run directory bundled with the app (public/demo-model/). */
export const DEMO_FILES = [
  'vaekit-run.json',
  'config.json',
  'eval.json',
  'model/model.json',
  'model/weights.bin',
  'model/vaekit.json',
  'curves.svg',
];
