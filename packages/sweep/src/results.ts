import { join } from 'node:path';
import type { TrainConfig } from '@vaekit/core';
import { svgToPng } from '@vaekit/trainer';
import { writeFileAtomic } from '@vaekit/trainer/internal';
import { type RunOutcome, readRunOutcome } from './run-one';
import { type SweepPlotLine, sweepPlotSvg } from './sweep-plot';
import { type AxisValue, type SweepSpec, axisKeys, planSweep } from './sweep-spec';

/** Every run's configuration and final metrics, and the summary by group (`collectResults`). */
export const SWEEP_RESULTS_FILE = 'sweep.json';
/** One row per run: its id, axis values, seed, status and metrics. */
export const RESULTS_CSV_FILE = 'results.csv';
/** One row per group of axis values: each metric's mean ± standard deviation over the seeds. */
export const RESULTS_TABLE_FILE = 'results.md';
/** The sweep's `plot`: a metric against an axis, one line per group. */
export const PLOT_SVG_FILE = 'plot.svg';
export const PLOT_PNG_FILE = 'plot.png';

/** One planned run and, once it finished, its outcome. */
export interface RunResult {
  id: string;
  values: Record<string, AxisValue>;
  config: TrainConfig;
  /** `missing` until the run has finished (its `result.json` exists). */
  status: RunOutcome['status'] | 'missing';
  outcome?: RunOutcome;
  /** Why a `result.json` could not be read. */
  problem?: string;
}

/** A metric's mean and sample standard deviation over the finished runs of a group. */
export interface MetricSummary {
  mean: number;
  /** Sample standard deviation (n - 1 in the denominator); 0 for a single run. */
  sd: number;
  n: number;
}

/** The runs that share their axis values (all but the seed). */
export interface GroupSummary {
  values: Record<string, AxisValue>;
  /** The group's run ids, in plan order. */
  runs: string[];
  /** Finished runs. */
  finished: number;
  metrics: Record<string, MetricSummary>;
}

/** What {@link collectResults} found and wrote. */
export interface SweepResults {
  name: string;
  /** The axes, in plan order (the seed is not one). */
  axes: string[];
  metrics: string[];
  runs: RunResult[];
  groups: GroupSummary[];
  /** Ids of the runs that have not finished. */
  missing: string[];
  /** The files written, in `out`. */
  files: string[];
}

/**
 * A run's value of a metric: a field of its test evaluation, or its `seconds` or `steps`;
 * `undefined` when it has none (perplexity of an image model).
 */
export function metricValue(outcome: RunOutcome, metric: string): number | undefined {
  if (metric === 'seconds') return outcome.seconds;
  if (metric === 'steps') return outcome.steps;
  const v = outcome.metrics[metric];
  return typeof v === 'number' ? v : undefined;
}

/**
 * Read every planned run's `result.json` in the sweep directory `out` and summarise them by
 * group of axis values (the seeds of a group are its repetitions), writing nothing.
 *
 * @example
 * ```ts
 * const r = summarizeResults(loadSweepFile('sweep.yaml'), 'sweeps/iwae');
 * console.log(r.missing.length, r.groups[0].metrics.nll);
 * ```
 */
export function summarizeResults(spec: SweepSpec, out: string): SweepResults {
  const axes = axisKeys(spec);
  const runs: RunResult[] = planSweep(spec).map((run) => {
    let outcome: RunOutcome | undefined;
    let problem: string | undefined;
    try {
      outcome = readRunOutcome(out, run.id);
    } catch (error) {
      problem = (error as Error).message;
    }
    return {
      id: run.id,
      values: run.values,
      config: run.config,
      status: outcome?.status ?? 'missing',
      ...(outcome ? { outcome } : {}),
      ...(problem ? { problem } : {}),
    };
  });
  const groups = new Map<string, { values: Record<string, AxisValue>; runs: RunResult[] }>();
  for (const run of runs) {
    const values = Object.fromEntries(axes.map((a) => [a, run.values[a]!]));
    const key = JSON.stringify(values);
    if (!groups.has(key)) groups.set(key, { values, runs: [] });
    groups.get(key)!.runs.push(run);
  }
  return {
    name: spec.name,
    axes,
    metrics: spec.metrics,
    runs,
    groups: [...groups.values()].map((g) => {
      const finished = g.runs.flatMap((r) => r.outcome ?? []);
      return {
        values: g.values,
        runs: g.runs.map((r) => r.id),
        finished: finished.length,
        metrics: Object.fromEntries(
          spec.metrics.flatMap((m) => {
            const s = summarize(finished.map((o) => metricValue(o, m)));
            return s ? [[m, s]] : [];
          }),
        ),
      };
    }),
    missing: runs.filter((r) => r.outcome === undefined).map((r) => r.id),
    files: [],
  };
}

/**
 * Collect a sweep's results in its directory `out`: `sweep.json` (every run's id, values,
 * configuration, status and metrics, which runs are missing, and the group summaries),
 * `results.csv` (one row per run), `results.md` (one row per group of axis values, each metric as
 * mean ± standard deviation over the seeds, with n) and, when the sweep has a `plot`,
 * `plot.svg` and `plot.png` (the metric against the axis, one line per group, error bars of one
 * standard deviation). Runs that have not finished are listed as missing; the files are written
 * atomically, so this can run while the sweep goes on.
 *
 * @example
 * ```ts
 * const results = collectResults(loadSweepFile('sweep.yaml'), 'sweeps/iwae');
 * console.log(results.files); // ['sweep.json', 'results.csv', 'results.md', 'plot.svg', 'plot.png']
 * ```
 */
export function collectResults(spec: SweepSpec, out: string): SweepResults {
  const results = summarizeResults(spec, out);
  const write = (name: string, data: string | Uint8Array) => {
    writeFileAtomic(join(out, name), data);
    results.files.push(name);
  };
  write(SWEEP_RESULTS_FILE, `${JSON.stringify(resultsJson(results), null, 2)}\n`);
  write(RESULTS_CSV_FILE, resultsCsv(results));
  write(RESULTS_TABLE_FILE, resultsMarkdown(results));
  if (spec.plot !== undefined) {
    const svg = resultsPlotSvg(spec, results);
    write(PLOT_SVG_FILE, svg);
    write(PLOT_PNG_FILE, svgToPng(svg, { scale: 2 }));
  }
  return results;
}

/** The content of `sweep.json`. */
function resultsJson(r: SweepResults) {
  return {
    name: r.name,
    axes: r.axes,
    metrics: r.metrics,
    total: r.runs.length,
    finished: r.runs.length - r.missing.length,
    missing: r.missing,
    runs: r.runs.map((run) => ({
      id: run.id,
      values: run.values,
      status: run.status,
      ...(run.outcome
        ? {
            metrics: run.outcome.metrics,
            ...(run.outcome.validation ? { validation: run.outcome.validation } : {}),
            seconds: run.outcome.seconds,
            steps: run.outcome.steps,
          }
        : {}),
      ...(run.problem ? { problem: run.problem } : {}),
      config: run.config,
    })),
    groups: r.groups,
  };
}

/**
 * `results.csv`: a header, then one row per run in plan order: id, each axis, seed, status, each
 * metric (and seconds and steps), with full precision; empty cells for missing values.
 */
export function resultsCsv(r: SweepResults): string {
  const extra = ['seconds', 'steps'].filter((m) => !r.metrics.includes(m));
  const header = ['id', ...r.axes, 'seed', 'status', ...r.metrics, ...extra];
  const rows = r.runs.map((run) => [
    run.id,
    ...r.axes.map((a) => String(run.values[a])),
    String(run.values['seed']),
    run.status,
    ...[...r.metrics, ...extra].map((m) => {
      const v = run.outcome ? metricValue(run.outcome, m) : undefined;
      return v === undefined ? '' : String(v);
    }),
  ]);
  return `${[header, ...rows].map((row) => row.map(csvField).join(',')).join('\n')}\n`;
}

/**
 * `results.md`: a Markdown table with one row per group of axis values and, for each metric,
 * `mean ± sd` over the group's finished runs (sample standard deviation), and n; then the
 * missing runs.
 */
export function resultsMarkdown(r: SweepResults): string {
  const finished = r.runs.length - r.missing.length;
  const seeds = Math.max(...r.groups.map((g) => g.runs.length));
  const lines = [
    `# ${r.name}`,
    '',
    `${finished} of ${r.runs.length} runs finished. ${seeds === 1 ? 'One seed per row; each metric is its value' : `Each metric is the mean ± the sample standard deviation over the ${seeds} seeds of a row`} (n: finished runs) on the test split.`,
    '',
    `| ${[...r.axes, 'n', ...r.metrics].join(' | ')} |`,
    `|${[...r.axes, 'n', ...r.metrics].map((_, i) => (i < r.axes.length ? '---' : '---:')).join('|')}|`,
  ];
  for (const g of r.groups) {
    const cells = [
      ...r.axes.map((a) => escapeCell(String(g.values[a]))),
      g.finished === g.runs.length ? String(g.finished) : `${g.finished}/${g.runs.length}`,
      ...r.metrics.map((m) => {
        const s = g.metrics[m];
        if (s === undefined) return '–';
        return s.n > 1 ? `${format(s.mean, s.sd)} ± ${format(s.sd, s.sd)}` : format(s.mean, 0);
      }),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  if (r.missing.length > 0) {
    lines.push(
      '',
      `Missing runs (not finished): ${r.missing.map((id) => `\`${id}\``).join(', ')}.`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The SVG of a sweep's `plot`: one line per group of its `groupBy` axes. */
export function resultsPlotSvg(spec: SweepSpec, r: SweepResults): string {
  const plot = spec.plot;
  if (plot === undefined) throw new Error(`the sweep ${spec.name} has no plot`);
  const xValues: AxisValue[] = [];
  const lines = new Map<string, Map<string, { x: AxisValue; values: number[] }>>();
  for (const run of r.runs) {
    const x = run.values[plot.x]!;
    if (!xValues.some((v) => v === x)) xValues.push(x);
    const label =
      plot.groupBy.length === 0
        ? plot.metric
        : plot.groupBy.map((g) => `${g}=${run.values[g]}`).join(', ');
    if (!lines.has(label)) lines.set(label, new Map());
    const line = lines.get(label)!;
    if (!line.has(String(x))) line.set(String(x), { x, values: [] });
    const v = run.outcome ? metricValue(run.outcome, plot.metric) : undefined;
    if (v !== undefined && Number.isFinite(v)) line.get(String(x))!.values.push(v);
  }
  const numeric = xValues.every((v) => typeof v === 'number');
  const series: SweepPlotLine[] = [...lines].map(([label, points]) => ({
    label,
    points: [...points.values()].flatMap(({ x, values }) => {
      const s = summarize(values);
      return s ? [{ x: numeric ? (x as number) : String(x), ...s }] : [];
    }),
  }));
  const others = r.axes.filter((a) => a !== plot.x && !plot.groupBy.includes(a));
  return sweepPlotSvg(series, {
    title: `${spec.name}: ${plot.metric} against ${plot.x}${others.length > 0 ? ` (mean over ${others.join(', ')} and seeds)` : ' (mean ± sd over seeds)'}`,
    xLabel: plot.x,
    yLabel: plot.metric,
    scale: plot.scale,
  });
}

function summarize(values: (number | undefined)[]): MetricSummary | undefined {
  const xs = values.filter((v): v is number => v !== undefined && Number.isFinite(v));
  if (xs.length === 0) return undefined;
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd =
    xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, sd, n: xs.length };
}

/** A number for the table: 2 decimals, more when the value or its spread is small. */
function format(v: number, sd: number): string {
  const scale = Math.min(Math.abs(v) || Infinity, sd > 0 ? sd : Infinity);
  const decimals =
    scale >= 1 || !Number.isFinite(scale) ? 2 : Math.min(6, 1 - Math.floor(Math.log10(scale)));
  return v.toFixed(Math.max(2, decimals));
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function escapeCell(s: string): string {
  return s.replaceAll('|', '\\|');
}
