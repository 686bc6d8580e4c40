import { formatTick, niceTicks } from '@vaekit/core';

/**
 * SVG line charts with axes, tick labels and units, in the style of the CLI's `curves.svg`
 * (@vaekit/core's trainingCurvesSvg: frame, grid, round ticks with k/M suffixes from the same
 * `niceTicks` and `formatTick`, axis titles with units, the Okabe & Ito colour-blind-safe
 * palette). Pure functions returning SVG strings.
 */

export const PALETTE = [
  '#0072B2',
  '#D55E00',
  '#009E73',
  '#CC79A7',
  '#E69F00',
  '#56B4E9',
  // Okabe & Ito's black, drawn in the text colour so it stays visible in dark mode.
  'currentColor',
];

export interface Series {
  label: string;
  color: string;
  points: [number, number][];
  dashed?: boolean;
  /** Draw a dot at each point (sparse series such as held-out evaluations). */
  markers?: boolean;
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
  /** Include this value in the y range (e.g. 0 for KL and active units). */
  yInclude?: number;
  /** Fixed x range. */
  xDomain?: [number, number];
  /** Only integer y ticks (counts). */
  yIntegers?: boolean;
  /** Bars instead of lines: each series point is a bar of width `barWidth` centred on x. */
  bars?: { width: number };
  /**
   * Horizontal reference lines (e.g. a latent family's KL floor), drawn dotted in their colour
   * with their label at the right; the y range includes them.
   */
  rules?: { y: number; color: string; label: string; title?: string }[];
  /** The accessible name of the chart (default: the title). */
  description?: string;
}

/** Where a chart's data lie in its SVG (viewBox units), to read values back under a pointer. */
export interface ChartLayout {
  svg: string;
  width: number;
  height: number;
  /** The plot area: `[left, top, width, height]`. */
  plot: [number, number, number, number];
  /** Data x of an SVG x. */
  xOf(px: number): number;
  sx(x: number): number;
  sy(y: number): number;
}

function escapeXml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!,
  );
}

const num = (v: number) => String(Math.round(v * 100) / 100);

/** `text` in lines of at most `width` characters, broken at spaces (at most two lines). */
function wrap(text: string, width: number): string[] {
  if (text.length <= width) return [text];
  const cut = text.lastIndexOf(' ', width);
  const at = cut > width / 3 ? cut : width;
  const rest = text.slice(at).trim();
  return [text.slice(0, at).trim(), rest.length > width ? `${rest.slice(0, width - 1)}…` : rest];
}

/** One chart panel as an SVG string (scales with its container: viewBox, width 100%). */
export function lineChart(series: Series[], o: ChartOptions): string {
  return lineChartLayout(series, o).svg;
}

/** {@link lineChart} with its layout, to map pointer positions back to data. */
export function lineChartLayout(series: Series[], o: ChartOptions): ChartLayout {
  const width = o.width ?? 300;
  const height = o.height ?? 220;
  // A title too long for the width takes a second line (a phone's narrow chart).
  const perLine = Math.max(20, Math.floor((width - 52) / 7.2));
  const titleLines = wrap(o.title, perLine);
  const margin = { left: 52, right: 18, top: 26 + 15 * (titleLines.length - 1), bottom: 38 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const finite = series.map((s) => ({
    ...s,
    points: s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)),
  }));
  const xs = finite.flatMap((s) => s.points.map((p) => p[0]));
  const ys = finite.flatMap((s) => s.points.map((p) => p[1]));
  let [xMin, xMax] = o.xDomain ?? [Math.min(...xs, Infinity), Math.max(...xs, -Infinity)];
  if (!Number.isFinite(xMin) || !Number.isFinite(xMax)) [xMin, xMax] = [0, 1];
  if (!(xMax > xMin)) xMax = xMin + 1;
  if (o.bars) {
    xMin -= o.bars.width / 2;
    xMax += o.bars.width / 2;
  }
  const rules = (o.rules ?? []).filter((r) => Number.isFinite(r.y));
  const ruleYs = rules.map((r) => r.y);
  let yMin = Math.min(...ys, ...ruleYs, o.yInclude ?? Infinity);
  let yMax = Math.max(...ys, ...ruleYs, o.yInclude ?? -Infinity);
  if (!Number.isFinite(yMin) || !Number.isFinite(yMax)) [yMin, yMax] = [0, 1];
  if (yMax === yMin)
    [yMin, yMax] = [
      yMin - Math.max(1, Math.abs(yMin) * 0.1),
      yMax + Math.max(1, Math.abs(yMax) * 0.1),
    ];
  else {
    const pad = (yMax - yMin) * 0.05;
    yMin = o.yInclude !== undefined && yMin === o.yInclude ? yMin : yMin - pad;
    yMax += pad;
  }
  const xTicks = niceTicks(xMin, xMax, Math.max(2, Math.round(plotW / 80)));
  const yTicks = niceTicks(yMin, yMax, Math.max(2, Math.round(plotH / 40)), o.yIntegers);
  const sx = (v: number) => margin.left + ((v - xMin) / (xMax - xMin)) * plotW;
  const sy = (v: number) => margin.top + (1 - (v - yMin) / (yMax - yMin)) * plotH;
  const top = margin.top;
  const bottom = top + plotH;
  const right = margin.left + plotW;
  const clip = `clip-${Math.random().toString(36).slice(2, 9)}`;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${escapeXml(o.description ?? o.title)}" font-family="system-ui, sans-serif" font-size="11">`,
    `<clipPath id="${clip}"><rect x="${num(margin.left)}" y="${num(top)}" width="${num(plotW)}" height="${num(plotH)}"/></clipPath>`,
    ...titleLines.map(
      (line, i) =>
        `<text x="${num(margin.left)}" y="${17 + 15 * i}" font-size="13" font-weight="600" fill="currentColor">${escapeXml(line)}</text>`,
    ),
  ];
  for (const t of yTicks.ticks) {
    if (t < yMin - 1e-9 || t > yMax + 1e-9) continue;
    const y = sy(t);
    out.push(
      `<line x1="${num(margin.left)}" x2="${num(right)}" y1="${num(y)}" y2="${num(y)}" stroke="#8884" stroke-width="1"/>`,
    );
    out.push(
      `<text x="${num(margin.left - 6)}" y="${num(y + 4)}" text-anchor="end" fill="currentColor">${formatTick(t, yTicks.step)}</text>`,
    );
  }
  for (const t of xTicks.ticks) {
    if (t < xMin - 1e-9 || t > xMax + 1e-9) continue;
    const x = sx(t);
    out.push(
      `<line x1="${num(x)}" x2="${num(x)}" y1="${num(top)}" y2="${num(bottom)}" stroke="#8882" stroke-width="1"/>`,
    );
    out.push(
      `<text x="${num(x)}" y="${num(bottom + 15)}" text-anchor="middle" fill="currentColor">${formatTick(t, xTicks.step)}</text>`,
    );
  }
  out.push(
    `<rect x="${num(margin.left)}" y="${num(top)}" width="${num(plotW)}" height="${num(plotH)}" fill="none" stroke="#888" stroke-width="1"/>`,
  );
  out.push(
    `<text x="${num(margin.left + plotW / 2)}" y="${num(height - 6)}" text-anchor="middle" fill="currentColor">${escapeXml(o.xLabel)}</text>`,
  );
  out.push(
    `<text transform="translate(14 ${num(top + plotH / 2)}) rotate(-90)" text-anchor="middle" fill="currentColor">${escapeXml(o.yLabel)}</text>`,
  );
  out.push(`<g clip-path="url(#${clip})">`);
  for (const s of finite) {
    if (s.points.length === 0) continue;
    if (o.bars) {
      const w = Math.max(1, sx(o.bars.width) - sx(0));
      for (const [x, y] of s.points) {
        const y0 = sy(Math.max(yMin, 0));
        out.push(
          `<rect x="${num(sx(x) - w / 2)}" y="${num(Math.min(sy(y), y0))}" width="${num(w)}" height="${num(Math.abs(y0 - sy(y)))}" fill="${s.color}" fill-opacity="0.45" stroke="${s.color}" stroke-width="0.5"/>`,
        );
      }
      continue;
    }
    const d = s.points
      .map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${num(sx(x))} ${num(sy(y))}`)
      .join('');
    out.push(
      `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="${s.dashed ? 1.6 : 1.8}"${s.dashed ? ' stroke-dasharray="5 3"' : ''} stroke-linejoin="round"/>`,
    );
    if (s.markers || s.points.length === 1) {
      for (const [x, y] of s.points) {
        out.push(`<circle cx="${num(sx(x))}" cy="${num(sy(y))}" r="2.6" fill="${s.color}"/>`);
      }
    }
  }
  for (const r of rules) {
    const y = sy(r.y);
    out.push(
      `<line data-role="kl-floor" data-y="${r.y}" x1="${num(margin.left)}" x2="${num(right)}" y1="${num(y)}" y2="${num(y)}" stroke="${r.color}" stroke-width="1.4" stroke-dasharray="1.5 3" stroke-linecap="round"><title>${escapeXml(`${r.title ?? r.label}: ${formatValue(r.y)} nats`)}</title></line>`,
    );
  }
  out.push('</g>');
  for (const [i, r] of rules.entries()) {
    out.push(
      `<text x="${num(right - 3)}" y="${num(sy(r.y) - 3 - 11 * i)}" text-anchor="end" font-size="10" fill="${r.color}">${escapeXml(r.label)}</text>`,
    );
  }
  out.push('<g class="readout-marks"></g></svg>');
  return {
    svg: out.join(''),
    width,
    height,
    plot: [margin.left, top, plotW, plotH],
    xOf: (px) => xMin + ((px - margin.left) / plotW) * (xMax - xMin),
    sx,
    sy,
  };
}

/** A value for read-outs and tables: 4 significant digits, integers as they are. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a >= 1000
    ? v.toFixed(0)
    : a >= 100
      ? v.toFixed(1)
      : a >= 1
        ? v.toFixed(2)
        : v.toPrecision(3);
}

/** A scatter plot (the latent map): points coloured by label, equal axis scales. */
export function scatterChart(
  points: { x: number; y: number; color: string; title?: string }[],
  o: { title: string; xLabel: string; yLabel: string; size?: number },
): {
  svg: string;
  toData(px: number, py: number): [number, number];
  toSvg(x: number, y: number): [number, number];
  /** The data range shown: [x0, x1, y0, y1]. */
  domain: [number, number, number, number];
} {
  const size = o.size ?? 400;
  const margin = { left: 50, right: 12, top: 28, bottom: 40 };
  const plot = size - margin.left - margin.right;
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const cx = (Math.min(...xs) + Math.max(...xs)) / 2 || 0;
  const cy = (Math.min(...ys) + Math.max(...ys)) / 2 || 0;
  const half =
    Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys), 1e-3) * 0.55;
  const [x0, x1, y0, y1] = [cx - half, cx + half, cy - half, cy + half];
  const sx = (v: number) => margin.left + ((v - x0) / (x1 - x0)) * plot;
  const sy = (v: number) => margin.top + (1 - (v - y0) / (y1 - y0)) * plot;
  const ticks = niceTicks(x0, x1, 5);
  const yTicks = niceTicks(y0, y1, 5);
  const height = margin.top + plot + margin.bottom;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${height}" width="100%" role="img" aria-label="${escapeXml(o.title)}" font-family="system-ui, sans-serif" font-size="11">`,
    `<text x="${margin.left}" y="17" font-size="13" font-weight="600" fill="currentColor">${escapeXml(o.title)}</text>`,
  ];
  for (const t of ticks.ticks) {
    if (t < x0 || t > x1) continue;
    out.push(
      `<line x1="${num(sx(t))}" x2="${num(sx(t))}" y1="${margin.top}" y2="${margin.top + plot}" stroke="#8882"/>`,
    );
    out.push(
      `<text x="${num(sx(t))}" y="${margin.top + plot + 15}" text-anchor="middle" fill="currentColor">${formatTick(t, ticks.step)}</text>`,
    );
  }
  for (const t of yTicks.ticks) {
    if (t < y0 || t > y1) continue;
    out.push(
      `<line x1="${margin.left}" x2="${margin.left + plot}" y1="${num(sy(t))}" y2="${num(sy(t))}" stroke="#8882"/>`,
    );
    out.push(
      `<text x="${margin.left - 6}" y="${num(sy(t) + 4)}" text-anchor="end" fill="currentColor">${formatTick(t, yTicks.step)}</text>`,
    );
  }
  out.push(
    `<rect class="plot-area" x="${margin.left}" y="${margin.top}" width="${plot}" height="${plot}" fill="transparent" stroke="#888"/>`,
  );
  out.push(
    `<text x="${num(margin.left + plot / 2)}" y="${height - 6}" text-anchor="middle" fill="currentColor">${escapeXml(o.xLabel)}</text>`,
  );
  out.push(
    `<text transform="translate(14 ${num(margin.top + plot / 2)}) rotate(-90)" text-anchor="middle" fill="currentColor">${escapeXml(o.yLabel)}</text>`,
  );
  for (const p of points) {
    out.push(
      `<circle cx="${num(sx(p.x))}" cy="${num(sy(p.y))}" r="2.6" fill="${p.color}" fill-opacity="0.8">${p.title ? `<title>${escapeXml(p.title)}</title>` : ''}</circle>`,
    );
  }
  out.push(
    `<circle class="cursor" r="5" cx="-10" cy="-10" fill="none" stroke="currentColor" stroke-width="2"/>`,
  );
  out.push('</svg>');
  return {
    svg: out.join(''),
    toData(px, py) {
      return [
        x0 + ((px - margin.left) / plot) * (x1 - x0),
        y0 + (1 - (py - margin.top) / plot) * (y1 - y0),
      ];
    },
    toSvg(x, y) {
      return [sx(x), sy(y)];
    },
    domain: [x0, x1, y0, y1],
  };
}
