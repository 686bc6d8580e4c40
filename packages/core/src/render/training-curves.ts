import { formatTick, niceTicks } from './nice-ticks';
/** One panel of {@link trainingCurvesSvg}: metrics sharing a y axis. */
export interface CurvePanel {
  /** Row keys to plot, one line each. */
  metrics: string[];
  /** Panel title (default: the metrics' labels). */
  title?: string;
  /** Unit of the y axis, shown in its title (default: guessed from the metric, e.g. `nats`). */
  unit?: string;
}

/** Options of {@link trainingCurvesSvg}. */
export interface TrainingCurvesOptions {
  /**
   * Panels, top to bottom: a metric key (a panel of its own) or a {@link CurvePanel}. Default:
   * `loss` (with `valLoss`/`validationLoss`), `kl` (with `valKl`/`validationKl`) and
   * `activeUnits`, each only if present in the rows.
   */
  series?: (string | CurvePanel)[];
  /** Total width in px (default `720`). */
  width?: number;
  /** Total height in px (default `240` per panel). */
  height?: number;
  /** Row key of the x axis (default `'step'`). */
  x?: string;
  /** Most points drawn per line; longer lines keep each bucket's min and max (default `1500`). */
  maxPoints?: number;
}

/** A row of training metrics, e.g. one `metrics.jsonl` line. */
export type MetricRow = { [key: string]: unknown };

const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];
const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';
const LABELS: Record<string, string> = {
  loss: 'loss',
  valLoss: 'validation loss',
  validationLoss: 'validation loss',
  valKl: 'validation KL',
  validationKl: 'validation KL',
  elbo: 'ELBO',
  kl: 'KL',
  nll: 'NLL',
  activeUnits: 'active units',
  examplesPerSec: 'throughput',
  lr: 'learning rate',
  wallTime: 'wall time',
};
const UNITS: [RegExp, string][] = [
  [/^(val(idation)?_?)?(loss|elbo|kl|nll|recon\w*|rate|distortion|logLik\w*|iwae\w*)$/i, 'nats'],
  [/activeUnits/i, 'units'],
  [/examplesPerSec/i, 'examples/s'],
  [/wallTime|seconds/i, 's'],
];

function escapeXml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!,
  );
}

const num = (v: number) => String(Math.round(v * 100) / 100);

function label(key: string): string {
  return LABELS[key] ?? key;
}

function guessUnit(metrics: string[]): string {
  for (const [re, unit] of UNITS) if (metrics.every((m) => re.test(m))) return unit;
  return '';
}

/** Min/max bucketing of a line to at most ~maxPoints points, keeping x order. */
function downsample(points: [number, number][], maxPoints: number): [number, number][] {
  if (points.length <= maxPoints) return points;
  const buckets = Math.max(1, Math.floor(maxPoints / 2));
  const size = points.length / buckets;
  const out: [number, number][] = [];
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor(b * size);
    const to = Math.floor((b + 1) * size);
    let lo = from;
    let hi = from;
    for (let i = from; i < to; i++) {
      if (points[i]![1] < points[lo]![1]) lo = i;
      if (points[i]![1] > points[hi]![1]) hi = i;
    }
    for (const i of lo <= hi ? [lo, hi] : [hi, lo])
      if (out.at(-1) !== points[i]) out.push(points[i]!);
  }
  return out;
}

/**
 * Draws training curves as a standalone SVG line chart: one panel per metric group, stacked,
 * each with a frame, grid, round tick labels (`k`/`M` suffixes for large steps), axis titles
 * with units (x: the step, y: e.g. `nats`), a legend and a colour-blind-safe palette (Okabe &
 * Ito). Non-finite values (or missing keys) break the line. Convert to PNG with
 * {@link svgToPng}.
 *
 * @example
 * ```ts
 * const rows = run.readMetrics();
 * fs.writeFileSync('curves.svg', trainingCurvesSvg(rows));
 * fs.writeFileSync('curves.png', svgToPng(trainingCurvesSvg(rows, {
 *   series: [{ metrics: ['loss', 'valLoss'], title: 'negative ELBO' }, 'kl', 'activeUnits'],
 * })));
 * ```
 */
export function trainingCurvesSvg(
  rows: readonly MetricRow[],
  options: TrainingCurvesOptions = {},
): string {
  if (!Array.isArray(rows) || rows.length === 0)
    throw new Error('rows must be a non-empty array of metric rows');
  const xKey = options.x ?? 'step';
  const maxPoints = options.maxPoints ?? 1500;
  if (!Number.isInteger(maxPoints) || maxPoints < 2)
    throw new Error(`maxPoints must be an integer >= 2, got ${maxPoints}`);
  const has = (k: string) => rows.some((r) => Number.isFinite(r[k]) && Number.isFinite(r[xKey]));
  let panels: CurvePanel[];
  if (options.series !== undefined) {
    if (!Array.isArray(options.series) || options.series.length === 0)
      throw new Error('series must be a non-empty array');
    panels = options.series.map((s) => (typeof s === 'string' ? { metrics: [s] } : s));
    panels.forEach((p, i) => {
      if (!Array.isArray(p.metrics) || p.metrics.length === 0)
        throw new Error(`series[${i}].metrics must be a non-empty array of row keys`);
    });
  } else {
    panels = [
      { title: 'Loss (negative ELBO)', metrics: ['loss', 'valLoss', 'validationLoss'].filter(has) },
      { title: 'KL divergence', metrics: ['kl', 'valKl', 'validationKl'].filter(has) },
      { title: 'Active units', metrics: ['activeUnits'].filter(has) },
    ].filter((p) => p.metrics.length > 0 && has(p.metrics[0]!));
    if (panels.length === 0) {
      throw new Error(
        `rows have none of the default metrics loss, kl, activeUnits with a finite ${xKey}: pass series`,
      );
    }
  }
  const width = options.width ?? 720;
  const height = options.height ?? 240 * panels.length;
  for (const [name, v] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isFinite(v) || v < 200)
      throw new Error(`${name} must be a number >= 200, got ${v}`);
  }
  const panelH = height / panels.length;
  const margin = { left: 72, right: 16, top: 30, bottom: 44 };
  const plotW = width - margin.left - margin.right;
  const plotH = panelH - margin.top - margin.bottom;

  const xs = rows.map((r) => r[xKey]).filter((v): v is number => Number.isFinite(v));
  const xMin = Math.min(...xs, Infinity);
  let xMax = Math.max(...xs, -Infinity);
  if (!(xMax > xMin)) xMax = (Number.isFinite(xMin) ? xMin : 0) + 1;
  const xLo = Number.isFinite(xMin) ? xMin : 0;
  const xTicks = niceTicks(xLo, xMax, Math.max(2, Math.round(plotW / 90)));
  const sx = (v: number) => margin.left + ((v - xLo) / (xMax - xLo)) * plotW;

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${num(width)}" height="${num(height)}" viewBox="0 0 ${num(width)} ${num(height)}" font-family="${FONT}" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
  ];
  let colour = 0;
  panels.forEach((panel, p) => {
    const y0 = p * panelH;
    const lines = panel.metrics.map((m) => {
      const pts: [number, number][] = [];
      const segments: [number, number][][] = [pts];
      for (const r of rows) {
        const x = r[xKey];
        const y = r[m];
        if (!Number.isFinite(x)) continue;
        if (Number.isFinite(y)) segments.at(-1)!.push([x as number, y as number]);
        else if (m in r && segments.at(-1)!.length > 0) segments.push([]);
      }
      return {
        metric: m,
        segments: segments.filter((s) => s.length > 0).map((s) => downsample(s, maxPoints)),
      };
    });
    const ys = lines.flatMap((l) => l.segments.flat().map((pt) => pt[1]));
    let yMin = Math.min(...ys, Infinity);
    let yMax = Math.max(...ys, -Infinity);
    if (ys.length === 0) [yMin, yMax] = [0, 1];
    else if (yMax === yMin)
      [yMin, yMax] = [
        yMin - Math.max(1, Math.abs(yMin) * 0.1),
        yMax + Math.max(1, Math.abs(yMax) * 0.1),
      ];
    else {
      const pad = (yMax - yMin) * 0.05;
      yMin -= pad;
      yMax += pad;
    }
    const yTicks = niceTicks(yMin, yMax, Math.max(2, Math.round(plotH / 45)));
    const sy = (v: number) => y0 + margin.top + (1 - (v - yMin) / (yMax - yMin)) * plotH;
    const unit = panel.unit ?? guessUnit(panel.metrics);
    const title = panel.title ?? panel.metrics.map(label).join(', ');
    const top = y0 + margin.top;
    const bottom = top + plotH;
    const right = margin.left + plotW;
    const clip = `plot${p}`;
    out.push(`<g class="panel" id="panel-${p}">`);
    out.push(
      `<clipPath id="${clip}"><rect x="${num(margin.left)}" y="${num(top)}" width="${num(plotW)}" height="${num(plotH)}"/></clipPath>`,
    );
    out.push(
      `<text x="${num(margin.left)}" y="${num(y0 + 19)}" font-size="14" font-weight="bold" fill="#222">${escapeXml(title)}</text>`,
    );
    // Grid and ticks.
    for (const t of xTicks.ticks) {
      const x = sx(t);
      out.push(
        `<line x1="${num(x)}" y1="${num(top)}" x2="${num(x)}" y2="${num(bottom)}" stroke="#e5e5e5"/>`,
      );
      out.push(
        `<line x1="${num(x)}" y1="${num(bottom)}" x2="${num(x)}" y2="${num(bottom + 4)}" stroke="#444"/>`,
      );
      out.push(
        `<text x="${num(x)}" y="${num(bottom + 16)}" text-anchor="middle" fill="#444">${formatTick(t, xTicks.step)}</text>`,
      );
    }
    for (const t of yTicks.ticks) {
      const y = sy(t);
      out.push(
        `<line x1="${num(margin.left)}" y1="${num(y)}" x2="${num(right)}" y2="${num(y)}" stroke="#e5e5e5"/>`,
      );
      out.push(
        `<line x1="${num(margin.left - 4)}" y1="${num(y)}" x2="${num(margin.left)}" y2="${num(y)}" stroke="#444"/>`,
      );
      out.push(
        `<text x="${num(margin.left - 7)}" y="${num(y + 4)}" text-anchor="end" fill="#444">${formatTick(t, yTicks.step)}</text>`,
      );
    }
    out.push(
      `<rect x="${num(margin.left)}" y="${num(top)}" width="${num(plotW)}" height="${num(plotH)}" fill="none" stroke="#444"/>`,
    );
    // Axis titles.
    out.push(
      `<text class="x-title" x="${num(margin.left + plotW / 2)}" y="${num(bottom + 34)}" text-anchor="middle" fill="#222">${escapeXml(xKey)}</text>`,
    );
    const yTitle = unit ? unit : title;
    const yc = top + plotH / 2;
    out.push(
      `<text class="y-title" x="16" y="${num(yc)}" text-anchor="middle" transform="rotate(-90 16 ${num(yc)})" fill="#222">${escapeXml(yTitle)}</text>`,
    );
    // Lines.
    const legend: { name: string; colour: string }[] = [];
    for (const line of lines) {
      const c = PALETTE[colour++ % PALETTE.length]!;
      legend.push({ name: label(line.metric), colour: c });
      if (line.segments.length === 0) continue;
      const d = line.segments
        .map((seg) =>
          seg.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${num(sx(x))} ${num(sy(y))}`).join(''),
        )
        .join('');
      out.push(
        `<path class="series" data-metric="${escapeXml(line.metric)}" d="${d}" fill="none" stroke="${c}" stroke-width="1.75" stroke-linejoin="round" stroke-linecap="round" clip-path="url(#${clip})"/>`,
      );
      for (const seg of line.segments) {
        if (seg.length === 1)
          out.push(
            `<circle cx="${num(sx(seg[0]![0]))}" cy="${num(sy(seg[0]![1]))}" r="2.5" fill="${c}"/>`,
          );
      }
    }
    if (ys.length === 0) {
      out.push(
        `<text x="${num(margin.left + plotW / 2)}" y="${num(yc)}" text-anchor="middle" fill="#888">no data</text>`,
      );
    }
    // Legend, top right inside the plot.
    const entryW = (s: string) => 28 + 7 * s.length;
    const legendW = Math.max(...legend.map((l) => entryW(l.name))) + 8;
    const lx = right - legendW - 6;
    const ly = top + 6;
    out.push(
      `<g class="legend"><rect x="${num(lx)}" y="${num(ly)}" width="${num(legendW)}" height="${num(legend.length * 16 + 6)}" fill="#ffffff" fill-opacity="0.85" stroke="#ccc"/>`,
    );
    legend.forEach((l, i) => {
      const yy = ly + 13 + i * 16;
      out.push(
        `<line x1="${num(lx + 6)}" y1="${num(yy - 4)}" x2="${num(lx + 24)}" y2="${num(yy - 4)}" stroke="${l.colour}" stroke-width="2.5"/>`,
      );
      out.push(`<text x="${num(lx + 29)}" y="${num(yy)}" fill="#222">${escapeXml(l.name)}</text>`);
    });
    out.push('</g>', '</g>');
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
