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
  '#000000',
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
}

function escapeXml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!,
  );
}

const num = (v: number) => String(Math.round(v * 100) / 100);

/** One chart panel as an SVG string (scales with its container: viewBox, width 100%). */
export function lineChart(series: Series[], o: ChartOptions): string {
  const width = o.width ?? 300;
  const height = o.height ?? 220;
  const margin = { left: 52, right: 18, top: 26, bottom: 38 };
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
  let yMin = Math.min(...ys, o.yInclude ?? Infinity);
  let yMax = Math.max(...ys, o.yInclude ?? -Infinity);
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
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${escapeXml(o.title)}" font-family="system-ui, sans-serif" font-size="11">`,
    `<clipPath id="${clip}"><rect x="${num(margin.left)}" y="${num(top)}" width="${num(plotW)}" height="${num(plotH)}"/></clipPath>`,
    `<text x="${num(margin.left)}" y="17" font-size="13" font-weight="600" fill="currentColor">${escapeXml(o.title)}</text>`,
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
  out.push('</g></svg>');
  return out.join('');
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
