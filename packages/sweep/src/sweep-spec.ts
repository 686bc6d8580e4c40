import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import {
  CONFIG_FIELDS,
  ConfigError,
  DEFAULT_TRAIN_CONFIG,
  type TrainConfig,
  ignoredSettings,
  resolveConfig,
} from '@vaekit/core';
import { LineCounter, parseDocument, stringify } from 'yaml';

/** One value of an axis as a run's `values` record holds it (list settings as `"32,16"`). */
export type AxisValue = string | number | boolean;

/** One value of an axis as a sweep file gives it: a scalar, or a list for `hidden`. */
export type AxisEntry = AxisValue | number[];

/** What `plot` in a sweep file asks for: a metric against an axis, one line per group. */
export interface SweepPlot {
  /** The axis on the x axis (a key of `grid` or `zip`). */
  x: string;
  /** The metric on the y axis (one of {@link SWEEP_METRICS}). */
  metric: string;
  /** The axes whose values make a line each; default: every other axis. */
  groupBy: string[];
  /** `auto` (default): logarithmic when x is numeric, positive and spans 100x or more. */
  scale: 'auto' | 'linear' | 'log';
}

/**
 * A validated sweep: the runs it defines (`base`, `grid`, `zip`, `seeds`) and what its results
 * report (`metrics`, `plot`). {@link validateSweep} builds one from a parsed file.
 */
export interface SweepSpec {
  /** A label for reports (default: the file name without its extension). */
  name: string;
  /** Settings every run shares (any `TrainConfig` keys). */
  base: Partial<TrainConfig>;
  /** Axes combined as a cartesian product, in order (the first varies slowest). */
  grid: Record<string, AxisEntry[]>;
  /** Groups of axes varied together (the lists of a group have equal lengths). */
  zip: Record<string, AxisEntry[]>[];
  /** The seeds each combination of axis values runs with. */
  seeds: number[];
  /** What the results report, from {@link SWEEP_METRICS}. */
  metrics: string[];
  plot?: SweepPlot;
  /**
   * The order the runs are trained in: `settings` (default) finishes every seed of a setting
   * before the next setting; `seeds` trains the first seed of every setting, then the second,
   * so a sweep stopped part-way has results for every setting. Not part of what the sweep is.
   */
  order?: SweepOrder;
  /** Where the spec came from (a file), for messages; not part of what the sweep is. */
  source?: string;
}

/** The orders a sweep's runs can be trained in (see {@link SweepSpec.order}). */
export const SWEEP_ORDERS = ['settings', 'seeds'] as const;

/** One of {@link SWEEP_ORDERS}. */
export type SweepOrder = (typeof SWEEP_ORDERS)[number];

/** One run of a sweep: its directory name, its full configuration and its axis values. */
export interface PlannedRun {
  /** Built from the axis values and the seed, safe as a directory name: `objective=iwae,k=5,seed=1`. */
  id: string;
  config: TrainConfig;
  /** Each axis's value for this run, and `seed`. */
  values: Record<string, string | number | boolean>;
}

/**
 * The metrics a sweep can report: the test evaluation's fields (`EvaluationResult` of
 * `@vaekit/core`: NLL by importance sampling, ELBO, KL, mutual information, active units,
 * perplexity for text), the training wall time in seconds and the steps taken.
 */
export const SWEEP_METRICS: readonly string[] = [
  'nll',
  'elbo',
  'kl',
  'mutualInformation',
  'activeUnits',
  'perplexity',
  'seconds',
  'steps',
];

/** The metrics reported when a sweep file names none. */
export const DEFAULT_SWEEP_METRICS: readonly string[] = [
  'nll',
  'elbo',
  'kl',
  'mutualInformation',
  'activeUnits',
];

/** The keys a sweep file may have. */
export const SWEEP_KEYS: readonly string[] = [
  'name',
  'base',
  'grid',
  'zip',
  'seeds',
  'metrics',
  'plot',
  'order',
];

/** The most runs one sweep may plan. */
export const MAX_SWEEP_RUNS = 100_000;

const PLOT_KEYS = ['x', 'metric', 'groupBy', 'scale'];
const PLOT_SCALES = ['auto', 'linear', 'log'];
const MAX_SEED = 2 ** 32 - 1;

/**
 * A sweep file that cannot run: names the file, the key path in it (`grid.k[2]`, `zip[0]`,
 * `plot.metric`) and the problem with the valid choices.
 */
export class SweepError extends Error {
  constructor(
    /** The file (or `sweep` for an object given in code). */
    readonly source: string,
    /** The key path of the problem, empty for the file as a whole. */
    readonly path: string,
    /** The problem, without the file and the path. */
    readonly problem: string,
  ) {
    super(path === '' ? `${source}: ${problem}` : `${source}: ${path}: ${problem}`);
    this.name = 'SweepError';
  }
}

/**
 * Read and validate a sweep file: YAML (`.yaml`, `.yml`) or JSON (`.json`).
 *
 * @throws SweepError naming the file, the key and the valid choices (see {@link validateSweep}).
 * @example
 * ```ts
 * const spec = loadSweepFile('sweeps/iwae-family.yaml');
 * for (const run of planSweep(spec)) console.log(run.id);
 * ```
 */
export function loadSweepFile(path: string): SweepSpec {
  const ext = extname(path).toLowerCase();
  if (!['.yaml', '.yml', '.json'].includes(ext)) {
    throw new SweepError(path, '', 'a sweep file ends in .yaml, .yml or .json');
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SweepError(
      path,
      '',
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory, not a sweep file'
          : `cannot read it (${(error as Error).message})`,
    );
  }
  return validateSweep(parseSweepText(text, path, ext === '.json' ? 'json' : 'yaml'), path);
}

/** Parse a sweep file's text as YAML or JSON, with the line of a syntax error. */
export function parseSweepText(text: string, source: string, format: 'yaml' | 'json'): unknown {
  if (format === 'json') {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new SweepError(source, '', `not valid JSON: ${(error as Error).message}`);
    }
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, lineCounter: lines });
  const first = doc.errors[0];
  if (first !== undefined) {
    const line = lines.linePos(first.pos[0]);
    throw new SweepError(
      source,
      '',
      `not valid YAML${line ? ` (line ${line.line}, column ${line.col})` : ''}: ${first.message.split('\n')[0]}`,
    );
  }
  return doc.toJS() as unknown;
}

/**
 * Check a parsed sweep file and fill in its defaults: unknown keys, wrong types, axis keys that
 * are not `TrainConfig` keys, empty or repeated axis values, an axis in two places, zipped lists
 * of unequal lengths, seeds, metrics and the plot; then every planned run's configuration is
 * checked with `resolveConfig` (so a value out of range names the run and the key), and runs
 * that would share a directory or a configuration are refused.
 *
 * @param source the file name (for messages and the default `name`).
 * @throws SweepError naming the file, the key path and the valid choices.
 * @example
 * ```ts
 * validateSweep({ grid: { k: [1, 0] } }, 'k.yaml');
 * // SweepError: k.yaml: grid.k: run 'k=0,seed=0': k: expected an integer >= 1 and <= 100000, got 0
 * ```
 */
export function validateSweep(object: unknown, source = 'sweep'): SweepSpec {
  const fail = (path: string, problem: string): never => {
    throw new SweepError(source, path, problem);
  };
  if (!isRecord(object)) {
    fail('', `expected a mapping with the keys ${SWEEP_KEYS.join(', ')}, got ${show(object)}`);
  }
  const o = object as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!SWEEP_KEYS.includes(key)) {
      fail(key, `unknown key. Valid keys: ${SWEEP_KEYS.join(', ')}`);
    }
  }
  const name = o['name'] ?? defaultName(source);
  if (typeof name !== 'string' || name.trim() === '') fail('name', 'expected a non-empty string');

  const base = o['base'] ?? {};
  if (!isRecord(base))
    fail('base', `expected a mapping of TrainConfig settings, got ${show(base)}`);
  for (const key of Object.keys(base as object)) {
    if (!isConfigKey(key)) fail(`base.${key}`, `not a TrainConfig key. ${validKeys()}`);
  }

  const grid = checkAxes(o['grid'] ?? {}, 'grid', fail);
  const zipRaw = o['zip'] ?? [];
  if (!Array.isArray(zipRaw)) {
    fail('zip', `expected a list of mappings of axes varied together, got ${show(zipRaw)}`);
  }
  const zip = (zipRaw as unknown[]).map((group, i) => {
    const axes = checkAxes(group, `zip[${i}]`, fail, true);
    const entries = Object.entries(axes);
    if (entries.length === 0) fail(`zip[${i}]`, 'a zipped group needs at least one axis');
    const [firstKey, firstValues] = entries[0]!;
    for (const [key, values] of entries.slice(1)) {
      if (values.length !== firstValues.length) {
        fail(
          `zip[${i}].${key}`,
          `zipped lists must have equal lengths: ${key} has ${values.length} values, ${firstKey} has ${firstValues.length}`,
        );
      }
    }
    // An axis may repeat a value (latent: [gaussian, gaussian] with two klAnneal values); a row may not.
    const rows = firstValues.map((_, j) => JSON.stringify(entries.map(([, values]) => values[j])));
    rows.forEach((row, j) => {
      const first = rows.indexOf(row);
      if (first !== j) {
        const keys = entries.map(([key]) => key).join(', ');
        fail(
          `zip[${i}]`,
          entries.length === 1
            ? `the value ${show(firstValues[j])} of ${firstKey} appears twice (at ${first} and ${j})`
            : `rows ${first} and ${j} (${keys}) are the same: ${row}`,
        );
      }
    });
    return axes;
  });
  const where = new Map<string, string>();
  for (const [path, axes] of [
    ['grid', grid] as const,
    ...zip.map((axes, i) => [`zip[${i}]`, axes] as const),
  ]) {
    for (const key of Object.keys(axes)) {
      const before = where.get(key);
      if (before !== undefined) {
        fail(`${path}.${key}`, `the axis ${key} is also in ${before}: give each axis once`);
      }
      where.set(key, path);
    }
  }

  const baseSeed = (base as Record<string, unknown>)['seed'];
  if (o['seeds'] !== undefined && baseSeed !== undefined) {
    fail('base.seed', "give the seeds with 'seeds' (a list, or a count), not base.seed");
  }
  const seeds = checkSeeds(
    o['seeds'] ?? (baseSeed !== undefined ? [baseSeed] : [0]),
    o['seeds'] !== undefined ? 'seeds' : 'base.seed',
    fail,
  );

  const metricsRaw = o['metrics'] ?? [...DEFAULT_SWEEP_METRICS];
  if (!Array.isArray(metricsRaw) || metricsRaw.length === 0) {
    fail('metrics', `expected a non-empty list of ${SWEEP_METRICS.join(', ')}`);
  }
  const metrics = metricsRaw as unknown[];
  metrics.forEach((m, i) => {
    if (typeof m !== 'string' || !SWEEP_METRICS.includes(m)) {
      fail(
        `metrics[${i}]`,
        `${show(m)} is not a metric. Valid metrics: ${SWEEP_METRICS.join(', ')}`,
      );
    }
    if (metrics.indexOf(m) !== i) fail(`metrics[${i}]`, `the metric ${m} appears twice`);
  });

  const axes = [...where.keys()];
  const plot =
    o['plot'] === undefined ? undefined : checkPlot(o['plot'], axes, metrics as string[], fail);

  const order = o['order'];
  if (order !== undefined && !SWEEP_ORDERS.includes(order as SweepOrder)) {
    fail('order', `${show(order)} is not an order. Valid orders: ${SWEEP_ORDERS.join(', ')}`);
  }

  const spec: SweepSpec = {
    name: (name as string).trim(),
    base: base as Partial<TrainConfig>,
    grid,
    zip,
    seeds,
    metrics: metrics as string[],
    ...(plot ? { plot } : {}),
    ...(order !== undefined ? { order: order as SweepOrder } : {}),
    source,
  };
  planSweep(spec);
  return spec;
}

/**
 * The runs of a sweep, in a fixed order: the cartesian product of the `grid` axes (the first
 * varying slowest) and the `zip` groups (one index per group), each with every seed (seeds
 * innermost; with `order: seeds`, outermost: every setting's first seed, then every setting's
 * second, ...). Each run's configuration is `base`, then its axis values, then its seed, checked
 * with `resolveConfig`.
 *
 * @throws SweepError when a run's configuration is not valid (naming the run and the key), two
 *   runs would share a directory or a configuration, or the sweep has more than
 *   {@link MAX_SWEEP_RUNS} runs.
 * @example
 * ```ts
 * planSweep(validateSweep({ grid: { objective: ['elbo', 'iwae'], k: [1, 5] }, seeds: 2 })).map((r) => r.id);
 * // ['objective=elbo,k=1,seed=0', 'objective=elbo,k=1,seed=1', 'objective=elbo,k=5,seed=0', ...]
 * ```
 */
export function planSweep(spec: SweepSpec): PlannedRun[] {
  const source = spec.source ?? 'sweep';
  const fail = (path: string, problem: string): never => {
    throw new SweepError(source, path, problem);
  };
  // Each dimension: the list of its points, a point being the axis values it sets.
  const dimensions: { path: string; points: [string, AxisEntry][][] }[] = [
    ...Object.entries(spec.grid).map(([key, values]) => ({
      path: 'grid',
      points: values.map((v) => [[key, v] as [string, AxisEntry]]),
    })),
    ...spec.zip.map((group, i) => {
      const entries = Object.entries(group);
      const length = entries[0]?.[1].length ?? 0;
      return {
        path: `zip[${i}]`,
        points: Array.from({ length }, (_, j) =>
          entries.map(([key, values]) => [key, values[j]!] as [string, AxisEntry]),
        ),
      };
    }),
  ];
  const count = dimensions.reduce((n, d) => n * d.points.length, spec.seeds.length);
  if (count > MAX_SWEEP_RUNS) {
    fail('', `the sweep has ${count} runs; at most ${MAX_SWEEP_RUNS} are allowed`);
  }
  if (count === 0) fail('', 'the sweep has no runs');
  const axisPath = new Map<string, string>();
  for (const d of dimensions) for (const [key] of d.points[0] ?? []) axisPath.set(key, d.path);

  const runs: PlannedRun[] = [];
  const byId = new Map<string, PlannedRun>();
  const byConfig = new Map<string, PlannedRun>();
  const index = dimensions.map(() => 0);
  for (let n = 0; n < count / spec.seeds.length; n++) {
    const point = dimensions.flatMap((d, i) => d.points[index[i]!]!);
    for (const seed of spec.seeds) {
      const values: Record<string, AxisValue> = {};
      const settings: Record<string, unknown> = { ...spec.base };
      for (const [key, value] of point) {
        values[key] = Array.isArray(value) ? value.join(',') : value;
        settings[key] = value;
      }
      values['seed'] = seed;
      settings['seed'] = seed;
      const id = runId(values);
      let config: TrainConfig;
      try {
        config = resolveConfig(settings as Partial<TrainConfig>);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        const key = error.field;
        const path =
          axisPath.get(key) !== undefined
            ? `${axisPath.get(key)}.${key}`
            : key === 'seed'
              ? 'seeds'
              : key in spec.base
                ? `base.${key}`
                : key;
        return fail(path, `run '${id}': ${error.message}`);
      }
      const run: PlannedRun = { id, config, values };
      const sameId = byId.get(id);
      if (sameId !== undefined) {
        fail(
          '',
          `runs ${show(sameId.values)} and ${show(values)} would share the directory runs/${id}: make the axis values differ in letters, digits, '.', '_', '+' or '-'`,
        );
      }
      const canonical = JSON.stringify(config);
      const sameConfig = byConfig.get(canonical);
      if (sameConfig !== undefined) {
        fail('', `runs '${sameConfig.id}' and '${id}' have the same configuration: remove one`);
      }
      byId.set(id, run);
      byConfig.set(canonical, run);
      runs.push(run);
    }
    // Advance the mixed-radix counter, the last dimension fastest.
    for (let i = dimensions.length - 1; i >= 0; i--) {
      index[i]!++;
      if (index[i]! < dimensions[i]!.points.length) break;
      index[i] = 0;
    }
  }
  if (spec.order === 'seeds') {
    const position = new Map(spec.seeds.map((seed, i) => [seed, i]));
    // A stable sort: within a seed, the settings keep their plan order.
    return runs
      .map((run, i) => ({ run, i }))
      .sort(
        (a, b) => position.get(a.run.config.seed)! - position.get(b.run.config.seed)! || a.i - b.i,
      )
      .map((r) => r.run);
  }
  return runs;
}

/**
 * Notes about settings of a sweep that have no effect in some of its runs (`gamma` on an axis
 * with `latent: gaussian`, `k` with `objective: elbo`): those runs repeat the same model.
 *
 * @example
 * ```ts
 * sweepNotes(validateSweep({ grid: { latent: ['bn', 'gaussian'], gamma: [0.5, 1] } }));
 * // ['gamma has no effect in 2 of 4 runs (latent=gaussian,gamma=0.5,seed=0: it applies to --latent bn, not gaussian)']
 * ```
 */
export function sweepNotes(spec: SweepSpec, runs: PlannedRun[] = planSweep(spec)): string[] {
  const keys = [...Object.keys(spec.base), ...axisKeys(spec)];
  const notes: string[] = [];
  for (const key of keys) {
    if (key === 'seed') continue;
    const hit = runs
      .map((run) => ({ run, ignored: ignoredSettings(run.config, [key])[0] }))
      .filter((h) => h.ignored !== undefined);
    if (hit.length === 0) continue;
    const first = hit[0]!;
    notes.push(
      `${key} has no effect in ${hit.length} of ${runs.length} runs (${first.run.id}: ${first.ignored!.reason})`,
    );
  }
  return notes;
}

/** The axis keys of a sweep, in plan order: the grid's, then each zipped group's. */
export function axisKeys(spec: Pick<SweepSpec, 'grid' | 'zip'>): string[] {
  return [...Object.keys(spec.grid), ...spec.zip.flatMap((g) => Object.keys(g))];
}

/**
 * A run's directory name from its values: `key=value` joined by commas, each value with
 * characters other than letters, digits, `.`, `_`, `+` and `-` replaced by `_` (a list setting
 * joined by `x`: `hidden=32x16`); ids longer than 200 characters are cut and end in a hash.
 */
export function runId(values: Record<string, AxisValue>): string {
  const id = Object.entries(values)
    .map(([key, value]) => {
      const text =
        typeof value === 'string' && /^\d+(,\d+)+$/.test(value)
          ? value.replaceAll(',', 'x')
          : String(value);
      return `${key}=${text.replace(/[^A-Za-z0-9._+-]/g, '_')}`;
    })
    .join(',');
  if (id.length <= 200) return id;
  return `${id.slice(0, 187)}~${fnv1a(id)}`;
}

/**
 * The keys in which two sweeps define different runs (`base`, `grid`, `zip`, `seeds`, down to
 * the setting: `grid.k`, `base.maxSteps`); empty when they plan the same runs. `name`,
 * `metrics`, `plot` and `order` only shape the reports and the schedule and are not compared.
 */
export function sweepDifferences(a: SweepSpec, b: SweepSpec): string[] {
  const out: string[] = [];
  const same = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);
  for (const key of new Set([...Object.keys(a.base), ...Object.keys(b.base)])) {
    const k = key as keyof TrainConfig;
    if (!same(a.base[k], b.base[k])) out.push(`base.${key}`);
  }
  const gridKeys = (s: SweepSpec) => Object.keys(s.grid);
  if (!same(gridKeys(a), gridKeys(b))) out.push('grid (its axes or their order)');
  for (const key of gridKeys(a)) {
    if (key in b.grid && !same(a.grid[key], b.grid[key])) out.push(`grid.${key}`);
  }
  if (!same(a.zip, b.zip)) out.push('zip');
  if (!same(a.seeds, b.seeds)) out.push('seeds');
  return out;
}

/**
 * A sweep as a YAML document (what `sweep run` writes to `<out>/sweep.yaml`); reading it back
 * with {@link loadSweepFile} gives the same sweep.
 */
export function sweepToYaml(spec: SweepSpec): string {
  const { source: _source, plot, ...rest } = spec;
  const doc: Record<string, unknown> = { ...rest };
  if (spec.zip.length === 0) delete doc['zip'];
  if (plot !== undefined) doc['plot'] = plot;
  return stringify(doc, { lineWidth: 0 });
}

function checkAxes(
  raw: unknown,
  path: string,
  fail: (path: string, problem: string) => never,
  /** A zipped group: an axis may repeat a value (its rows, not its values, must differ). */
  zipped = false,
): Record<string, AxisEntry[]> {
  if (!isRecord(raw)) {
    fail(path, `expected a mapping of TrainConfig keys to lists of values, got ${show(raw)}`);
  }
  const out: Record<string, AxisEntry[]> = {};
  for (const [key, values] of Object.entries(raw as Record<string, unknown>)) {
    if (key === 'seed') fail(`${path}.seed`, "give the seeds with 'seeds', not as an axis");
    if (!isConfigKey(key)) fail(`${path}.${key}`, `not a TrainConfig key. ${validKeys()}`);
    const isList = CONFIG_FIELDS.find((f) => f.key === key)?.type === 'list';
    if (!Array.isArray(values) || values.length === 0) {
      fail(
        `${path}.${key}`,
        `expected a non-empty list of values${isList ? ' (each a list: [[512, 256], [64]])' : ''}, got ${show(values)}`,
      );
    }
    const list = values as unknown[];
    list.forEach((v, i) => {
      const ok = isList
        ? Array.isArray(v) && v.length > 0 && v.every((n) => typeof n === 'number')
        : typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
      if (!ok) {
        fail(
          `${path}.${key}[${i}]`,
          isList
            ? `expected a list of numbers (${key}: [[512, 256], [64]]), got ${show(v)}`
            : `expected a string, number or boolean, got ${show(v)}`,
        );
      }
      if (!zipped && list.findIndex((w) => JSON.stringify(w) === JSON.stringify(v)) !== i) {
        fail(`${path}.${key}[${i}]`, `the value ${show(v)} appears twice`);
      }
    });
    out[key] = list as AxisEntry[];
  }
  return out;
}

function checkSeeds(
  raw: unknown,
  path: string,
  fail: (path: string, problem: string) => never,
): number[] {
  if (typeof raw === 'number') {
    if (!Number.isInteger(raw) || raw < 1 || raw > 10_000) {
      fail(path, `a count of seeds is an integer >= 1 and <= 10000, got ${show(raw)}`);
    }
    return Array.from({ length: raw }, (_, i) => i);
  }
  if (!Array.isArray(raw) || raw.length === 0) {
    fail(path, `expected a non-empty list of seeds ([0, 1, 2]) or a count (3), got ${show(raw)}`);
  }
  const list = raw as unknown[];
  list.forEach((s, i) => {
    const at = path === 'seeds' ? `seeds[${i}]` : path;
    if (typeof s !== 'number' || !Number.isInteger(s) || s < 0 || s > MAX_SEED) {
      fail(at, `a seed is an integer >= 0 and <= ${MAX_SEED}, got ${show(s)}`);
    }
    if (list.indexOf(s) !== i) fail(at, `the seed ${s} appears twice`);
  });
  return list as number[];
}

function checkPlot(
  raw: unknown,
  axes: string[],
  metrics: string[],
  fail: (path: string, problem: string) => never,
): SweepPlot {
  if (!isRecord(raw)) fail('plot', `expected a mapping with the keys ${PLOT_KEYS.join(', ')}`);
  const p = raw as Record<string, unknown>;
  for (const key of Object.keys(p)) {
    if (!PLOT_KEYS.includes(key))
      fail(`plot.${key}`, `unknown key. Valid keys: ${PLOT_KEYS.join(', ')}`);
  }
  const axisList = axes.length > 0 ? axes.join(', ') : '(none: the sweep has no axes)';
  const x = p['x'];
  if (typeof x !== 'string' || !axes.includes(x)) {
    fail('plot.x', `${show(x)} is not an axis of the sweep. Valid axes: ${axisList}`);
  }
  const metric = p['metric'] ?? metrics[0];
  if (typeof metric !== 'string' || !SWEEP_METRICS.includes(metric)) {
    fail(
      'plot.metric',
      `${show(metric)} is not a metric. Valid metrics: ${SWEEP_METRICS.join(', ')}`,
    );
  }
  const groupRaw = p['groupBy'] ?? axes.filter((a) => a !== x);
  const groupBy = typeof groupRaw === 'string' ? [groupRaw] : groupRaw;
  if (!Array.isArray(groupBy)) {
    fail('plot.groupBy', `expected an axis or a list of axes. Valid axes: ${axisList}`);
  }
  (groupBy as unknown[]).forEach((g, i) => {
    if (typeof g !== 'string' || !axes.includes(g) || g === x) {
      fail(
        `plot.groupBy[${i}]`,
        `${show(g)} is not an axis other than x. Valid axes: ${axes.filter((a) => a !== x).join(', ') || '(none)'}`,
      );
    }
  });
  const scale = p['scale'] ?? 'auto';
  if (typeof scale !== 'string' || !PLOT_SCALES.includes(scale)) {
    fail('plot.scale', `${show(scale)} is not one of ${PLOT_SCALES.join(', ')}`);
  }
  return {
    x: x as string,
    metric: metric as string,
    groupBy: groupBy as string[],
    scale: scale as SweepPlot['scale'],
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isConfigKey(key: string): key is keyof TrainConfig {
  return Object.hasOwn(DEFAULT_TRAIN_CONFIG, key);
}

function validKeys(): string {
  return `Valid keys: ${Object.keys(DEFAULT_TRAIN_CONFIG).join(', ')}`;
}

function defaultName(source: string): string {
  return basename(source, extname(source)) || 'sweep';
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return `'${v}'`;
  return JSON.stringify(v) ?? String(v);
}

/** 32-bit FNV-1a of a string, as 8 hex digits. */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
