import { formatTick, niceTicks } from '@vaekit/core';

/** One point of a {@link SweepPlotLine}: the mean of a metric over `n` runs, and its spread. */
export interface SweepPlotPoint {
  x: number | string;
  mean: number;
  /** Sample standard deviation over the runs (drawn as an error bar when `n > 1`). */
  sd: number;
  n: number;
}

/** One line of a sweep plot: a group of runs (`objective=iwae`). */
export interface SweepPlotLine {
  label: string;
  points: SweepPlotPoint[];
  /**
   * Palette slot of the line's colour (default: its index). Lines that share a slot share a
   * colour, e.g. one estimator at several checkpoints told apart by {@link SweepPlotLine.dash}.
   */
  colour?: number;
  /** Stroke pattern of the line and its legend mark (default `solid`). */
  dash?: 'solid' | 'dashed' | 'dotted';
}

/** Options of {@link sweepPlotSvg}. */
export interface SweepPlotOptions {
  /** Title above the plot. */
  title?: string;
  /** x axis title (the axis name, e.g. `k`). */
  xLabel: string;
  /** y axis title (the metric, e.g. `nll`). */
  yLabel: string;
  /**
   * `linear`, `log` (positive numeric x only), or `auto` (default): log when x is numeric,
   * positive and spans a factor of 100 or more. Strings on x are categories, evenly spaced.
   */
  scale?: 'auto' | 'linear' | 'log';
  /**
   * y axis: `linear` (default) or `log` (positive means only; ticks at 1, 2 and 5 times powers
   * of ten, error bars of `mean ± sd` clipped to the positive range). Rates such as a gradient
   * SNR that falls as `K^-1/2` are straight lines on log-log axes.
   */
  yScale?: 'linear' | 'log';
  /** Total width in px (default 720). */
  width?: number;
  /** Total height in px (default 440). */
  height?: number;
}

const DASHES = { solid: '', dashed: '7 4', dotted: '2 3' } as const;
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];
const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';
const LABELS: Record<string, string> = {
  nll: 'NLL (nats)',
  elbo: 'ELBO (nats)',
  kl: 'KL (nats)',
  mutualInformation: 'mutual information (nats)',
  activeUnits: 'active units',
  perplexity: 'perplexity',
  seconds: 'wall time (s)',
  steps: 'steps',
};

/**
 * A metric of a sweep against one of its axes, as a standalone SVG chart: one line per group of
 * runs, each point the mean over the group's runs at that x with an error bar of one standard
 * deviation, round tick labels ({@link niceTicks}), a legend and the colour-blind-safe palette
 * of the training curves (Okabe & Ito). Numeric x is linear or logarithmic; string x values
 * (objectives, latent families) are categories; y is linear or logarithmic (`yScale`). Lines
 * may share a colour and differ by dash (one estimator at several checkpoints). Convert to PNG with `svgToPng` of
 * `@vaekit/trainer`.
 *
 * @example
 * ```ts
 * const svg = sweepPlotSvg(
 *   [{ label: 'objective=iwae', points: [{ x: 1, mean: 95.2, sd: 0.3, n: 3 }, { x: 50, mean: 93.1, sd: 0.2, n: 3 }] }],
 *   { xLabel: 'k', yLabel: 'nll' },
 * );
 * ```
 */
export function sweepPlotSvg(lines: readonly SweepPlotLine[], options: SweepPlotOptions): string {
  const width = options.width ?? 720;
  const height = options.height ?? 440;
  for (const [name, v] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isFinite(v) || v < 200)
      throw new Error(`${name} must be a number >= 200, got ${v}`);
  }
  const points = lines.flatMap((l) => l.points.filter((p) => Number.isFinite(p.mean)));
  const xs = [...new Set(lines.flatMap((l) => l.points.map((p) => p.x)))];
  const categorical = xs.some((x) => typeof x !== 'number');
  const numericXs = categorical ? [] : (xs as number[]).sort((a, b) => a - b);
  const scale = options.scale ?? 'auto';
  if (scale === 'log' && (categorical || numericXs.some((x) => !(x > 0)))) {
    throw new Error('scale log needs positive numbers on the x axis');
  }
  const log =
    !categorical &&
    (scale === 'log' ||
      (scale === 'auto' &&
        numericXs.length > 1 &&
        numericXs[0]! > 0 &&
        numericXs.at(-1)! / numericXs[0]! >= 100));

  const margin = { left: 78, right: 20, top: options.title ? 40 : 20, bottom: 52 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const top = margin.top;
  const bottom = top + plotH;
  const right = margin.left + plotW;

  // x: categories evenly spaced; numbers on a linear or log scale, ticks at the values when few.
  const categories = categorical ? xs.map(String) : [];
  let xRange: [number, number] = [0, 1];
  const xPos = (x: number | string): number => {
    if (categorical) {
      const i = categories.indexOf(String(x));
      return margin.left + ((i + 0.5) / Math.max(1, categories.length)) * plotW;
    }
    const [lo, hi] = xRange;
    const t = log
      ? (Math.log(x as number) - Math.log(lo)) / (Math.log(hi) - Math.log(lo))
      : ((x as number) - lo) / (hi - lo);
    return margin.left + (0.04 + 0.92 * t) * plotW;
  };
  let xTicks: { value: number | string; label: string }[];
  if (categorical) {
    xTicks = categories.map((c) => ({ value: c, label: c }));
  } else {
    const lo = numericXs[0] ?? 0;
    const hi = numericXs.at(-1) ?? 1;
    xRange = hi > lo ? [lo, hi] : log ? [lo / 2, lo * 2] : [lo - 1, lo + 1];
    if (numericXs.length <= 8) {
      xTicks = numericXs.map((v) => ({ value: v, label: formatValue(v) }));
    } else if (log) {
      xTicks = [];
      for (let e = Math.floor(Math.log10(xRange[0])); 10 ** e <= xRange[1]; e++) {
        if (10 ** e >= xRange[0]) xTicks.push({ value: 10 ** e, label: formatValue(10 ** e) });
      }
    } else {
      const t = niceTicks(xRange[0], xRange[1], Math.max(2, Math.round(plotW / 90)));
      xTicks = t.ticks
        .filter((v) => v >= xRange[0] && v <= xRange[1])
        .map((v) => ({ value: v, label: formatTick(v, t.step) }));
    }
  }

  // y: the means and their error bars, padded (in log space on a log axis).
  const yLog = options.yScale === 'log';
  if (yLog && points.some((p) => !(p.mean > 0))) {
    throw new Error('yScale log needs positive means on the y axis');
  }
  const spreadOf = (p: SweepPlotPoint) => (p.n > 1 && Number.isFinite(p.sd) ? p.sd : 0);
  const lowOf = (p: SweepPlotPoint) => {
    const low = p.mean - spreadOf(p);
    return yLog && !(low > 0) ? p.mean / 10 : low;
  };
  const toAxis = (v: number) => (yLog ? Math.log10(v) : v);
  let yMin = Math.min(...points.map((p) => toAxis(lowOf(p))), Infinity);
  let yMax = Math.max(...points.map((p) => toAxis(p.mean + spreadOf(p))), -Infinity);
  if (points.length === 0) [yMin, yMax] = [0, 1];
  else if (yMax === yMin) {
    const pad = yLog ? 0.5 : Math.max(1, Math.abs(yMin) * 0.1);
    [yMin, yMax] = [yMin - pad, yMax + pad];
  } else {
    const pad = (yMax - yMin) * 0.08;
    [yMin, yMax] = [yMin - pad, yMax + pad];
  }
  const yTickList: { value: number; label: string }[] = [];
  if (yLog) {
    for (let e = Math.floor(yMin); e <= Math.ceil(yMax); e++) {
      for (const m of yMax - yMin > 3 ? [1] : [1, 2, 5]) {
        const v = m * 10 ** e;
        if (Math.log10(v) >= yMin && Math.log10(v) <= yMax) {
          yTickList.push({ value: v, label: formatValue(Number(v.toPrecision(6))) });
        }
      }
    }
  } else {
    const t = niceTicks(yMin, yMax, Math.max(2, Math.round(plotH / 50)));
    for (const v of t.ticks) {
      if (v >= yMin && v <= yMax) yTickList.push({ value: v, label: formatTick(v, t.step) });
    }
  }
  const yPos = (v: number) => top + (1 - (toAxis(v) - yMin) / (yMax - yMin)) * plotH;

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${num(width)}" height="${num(height)}" viewBox="0 0 ${num(width)} ${num(height)}" font-family="${FONT}" font-size="12" role="img">`,
    // The accessible name: the title, else the metric against the axis.
    `<title>${escapeXml(options.title ?? `${options.yLabel} against ${options.xLabel}`)}</title>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<clipPath id="plot"><rect x="${num(margin.left)}" y="${num(top)}" width="${num(plotW)}" height="${num(plotH)}"/></clipPath>`,
  ];
  if (options.title) {
    out.push(
      `<text x="${num(margin.left)}" y="24" font-size="14" font-weight="bold" fill="#222">${escapeXml(options.title)}</text>`,
    );
  }
  for (const t of xTicks) {
    const x = xPos(t.value);
    out.push(
      `<line x1="${num(x)}" y1="${num(top)}" x2="${num(x)}" y2="${num(bottom)}" stroke="#e5e5e5"/>`,
      `<line x1="${num(x)}" y1="${num(bottom)}" x2="${num(x)}" y2="${num(bottom + 4)}" stroke="#444"/>`,
      `<text x="${num(x)}" y="${num(bottom + 17)}" text-anchor="middle" fill="#444">${escapeXml(t.label)}</text>`,
    );
  }
  for (const t of yTickList) {
    const y = yPos(t.value);
    out.push(
      `<line x1="${num(margin.left)}" y1="${num(y)}" x2="${num(right)}" y2="${num(y)}" stroke="#e5e5e5"/>`,
      `<line x1="${num(margin.left - 4)}" y1="${num(y)}" x2="${num(margin.left)}" y2="${num(y)}" stroke="#444"/>`,
      `<text x="${num(margin.left - 7)}" y="${num(y + 4)}" text-anchor="end" fill="#444">${escapeXml(t.label)}</text>`,
    );
  }
  out.push(
    `<rect x="${num(margin.left)}" y="${num(top)}" width="${num(plotW)}" height="${num(plotH)}" fill="none" stroke="#444"/>`,
    `<text class="x-title" x="${num(margin.left + plotW / 2)}" y="${num(bottom + 38)}" text-anchor="middle" fill="#222">${escapeXml(options.xLabel + (log ? ' (log scale)' : ''))}</text>`,
  );
  const yc = top + plotH / 2;
  out.push(
    `<text class="y-title" x="18" y="${num(yc)}" text-anchor="middle" transform="rotate(-90 18 ${num(yc)})" fill="#222">${escapeXml((LABELS[options.yLabel] ?? options.yLabel) + (yLog ? ' (log scale)' : ''))}</text>`,
  );

  const colourOf = (line: SweepPlotLine, i: number) =>
    PALETTE[(line.colour ?? i) % PALETTE.length]!;
  const dashOf = (line: SweepPlotLine) =>
    line.dash && line.dash !== 'solid' ? ` stroke-dasharray="${DASHES[line.dash]}"` : '';
  lines.forEach((line, i) => {
    const colour = colourOf(line, i);
    const pts = line.points
      .filter((p) => Number.isFinite(p.mean))
      .sort((a, b) => xPos(a.x) - xPos(b.x));
    out.push(`<g class="series" data-label="${escapeXml(line.label)}">`);
    if (pts.length > 1) {
      const d = pts
        .map((p, j) => `${j === 0 ? 'M' : 'L'}${num(xPos(p.x))} ${num(yPos(p.mean))}`)
        .join('');
      out.push(
        `<path d="${d}" fill="none" stroke="${colour}"${dashOf(line)} stroke-width="1.75" stroke-linejoin="round" clip-path="url(#plot)"/>`,
      );
    }
    for (const p of pts) {
      const x = xPos(p.x);
      if (p.n > 1 && Number.isFinite(p.sd) && p.sd > 0) {
        const [y1, y2] = [yPos(lowOf(p)), yPos(p.mean + p.sd)];
        out.push(
          `<path class="error-bar" d="M${num(x)} ${num(y1)}L${num(x)} ${num(y2)}M${num(x - 4)} ${num(y1)}L${num(x + 4)} ${num(y1)}M${num(x - 4)} ${num(y2)}L${num(x + 4)} ${num(y2)}" stroke="${colour}" stroke-width="1.25" fill="none"/>`,
        );
      }
      out.push(
        `<circle cx="${num(x)}" cy="${num(yPos(p.mean))}" r="3.5" fill="${colour}"><title>${escapeXml(`${line.label}, ${options.xLabel}=${p.x}: ${p.mean} ± ${p.sd} (n=${p.n})`)}</title></circle>`,
      );
    }
    out.push('</g>');
  });
  if (points.length === 0) {
    out.push(
      `<text x="${num(margin.left + plotW / 2)}" y="${num(yc)}" text-anchor="middle" fill="#888">no finished runs</text>`,
    );
  }
  // Legend inside the plot, in the corner that covers the fewest points (top right first).
  if (lines.length > 0) {
    const legendW = Math.max(...lines.map((l) => 28 + 7 * l.label.length)) + 8;
    const legendH = lines.length * 16 + 6;
    const marks = lines.flatMap((l) =>
      l.points
        .filter((p) => Number.isFinite(p.mean))
        .flatMap((p) => {
          return [lowOf(p), p.mean, p.mean + spreadOf(p)].map((y) => [xPos(p.x), yPos(y)]);
        }),
    );
    const corners = [
      [right - legendW - 6, top + 6],
      [margin.left + 6, top + 6],
      [right - legendW - 6, bottom - legendH - 6],
      [margin.left + 6, bottom - legendH - 6],
    ] as const;
    const covered = ([cx, cy]: readonly [number, number]) =>
      marks.filter(
        ([x, y]) =>
          x! >= cx - 6 && x! <= cx + legendW + 6 && y! >= cy - 6 && y! <= cy + legendH + 6,
      ).length;
    const [lx, ly] = corners.reduce((best, c) => (covered(c) < covered(best) ? c : best));
    out.push(
      `<g class="legend"><rect x="${num(lx)}" y="${num(ly)}" width="${num(legendW)}" height="${num(legendH)}" fill="#ffffff" fill-opacity="0.85" stroke="#ccc"/>`,
    );
    lines.forEach((l, i) => {
      const yy = ly + 13 + i * 16;
      out.push(
        `<line x1="${num(lx + 6)}" y1="${num(yy - 4)}" x2="${num(lx + 24)}" y2="${num(yy - 4)}" stroke="${colourOf(l, i)}"${dashOf(l)} stroke-width="2.5"/>`,
        `<text x="${num(lx + 29)}" y="${num(yy)}" fill="#222">${escapeXml(l.label)}</text>`,
      );
    });
    out.push('</g>');
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function num(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/** An axis value as a tick label: `0.001`, `5e-4` stays short, `1000` as `1000`. */
function formatValue(v: number): string {
  const s = String(v);
  return s.length <= 8 ? s : v.toPrecision(3);
}

function escapeXml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!,
  );
}
