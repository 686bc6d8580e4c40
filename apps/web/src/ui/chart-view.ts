import {
  type ChartLayout,
  type ChartOptions,
  type Series,
  formatValue,
  lineChartLayout,
} from './chart';
import { h, newId } from './dom';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The point of a series nearest to `x` (its points sorted by x), or `undefined`. */
export function nearestPoint(points: [number, number][], x: number): [number, number] | undefined {
  if (points.length === 0) return undefined;
  let lo = 0;
  let hi = points.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (points[mid]![0] <= x) lo = mid;
    else hi = mid;
  }
  const a = points[lo]!;
  const b = points[hi]!;
  return Math.abs(a[0] - x) <= Math.abs(b[0] - x) ? a : b;
}

/**
 * The rows of a chart's data table: one per x value of any series, one column per series
 * (empty where a series has no point at that x).
 */
export function dataRows(series: Series[]): { x: number; values: (number | undefined)[] }[] {
  const xs = [...new Set(series.flatMap((s) => s.points.map((p) => p[0])))].sort((a, b) => a - b);
  const maps = series.map((s) => new Map(s.points.map(([x, y]) => [x, y])));
  return xs.map((x) => ({ x, values: maps.map((m) => m.get(x)) }));
}

/**
 * A line chart in the page: SVG drawn at the width it is shown at (so its 11 px text stays
 * 11 px on a phone), with a read-out of the values under the pointer (or under a keyboard
 * cursor: focus the chart, then the arrow keys, Home and End), and its data as a table in a
 * `<details>` (the chart's text alternative).
 */
export class ChartView {
  readonly el: HTMLElement;
  private readonly plot: HTMLDivElement;
  private readonly readout: HTMLDivElement;
  private readonly details: HTMLDetailsElement;
  private readonly tableWrap: HTMLDivElement;
  private series: Series[] = [];
  private options: ChartOptions | undefined;
  private layout: ChartLayout | undefined;
  private renderedWidth = 0;
  /** The x the keyboard cursor is on. */
  private cursorX: number | undefined;

  constructor(name: string, attrs: Record<string, string> = {}) {
    const readoutId = newId('readout');
    this.plot = h('div', {
      class: 'chart-plot',
      tabindex: 0,
      role: 'group',
      'aria-label': `${name}: the arrow keys read the values step by step`,
      'aria-describedby': readoutId,
    });
    this.readout = h('div', {
      class: 'chart-readout',
      id: readoutId,
      'aria-live': 'polite',
      'data-role': 'readout',
      hidden: true,
    });
    this.tableWrap = h('div', { class: 'table-wrap' });
    this.details = h(
      'details',
      { class: 'chart-data' },
      h('summary', {}, `${name}: data table`),
      this.tableWrap,
    );
    this.details.addEventListener('toggle', () => {
      if (this.details.open) this.renderTable();
    });
    this.el = h('figure', { class: 'chart', ...attrs }, this.plot, this.readout, this.details);
    this.plot.addEventListener('pointermove', (e) => this.hover(e));
    this.plot.addEventListener('pointerleave', () => {
      if (document.activeElement !== this.plot) this.clearReadout();
    });
    this.plot.addEventListener('blur', () => this.clearReadout());
    this.plot.addEventListener('keydown', (e) => this.key(e));
    if (typeof ResizeObserver !== 'undefined') {
      new ResizeObserver(() => {
        const w = this.plot.clientWidth;
        if (this.options && w > 0 && Math.abs(w - this.renderedWidth) > 2) this.draw();
      }).observe(this.plot);
    }
  }

  /** Draw `series` (and keep them for the read-out and the table). */
  render(series: Series[], options: ChartOptions): void {
    this.series = series.map((s) => ({
      ...s,
      points: s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)),
    }));
    this.options = options;
    this.draw();
    if (this.details.open) this.renderTable();
  }

  private draw(): void {
    const o = this.options!;
    const baseWidth = o.width ?? 300;
    const baseHeight = o.height ?? 220;
    const shown = this.plot.clientWidth;
    const width = shown > 0 ? Math.round(Math.max(260, Math.min(shown, 1000))) : baseWidth;
    const height = Math.round(
      Math.max(200, Math.min(320, (width * baseHeight) / baseWidth, baseHeight * 1.3)),
    );
    this.renderedWidth = shown;
    const last = this.series
      .filter((s) => s.points.length > 0)
      .map((s) => {
        const [x, y] = s.points.at(-1)!;
        return `${s.label} ${formatValue(y)} at ${o.xLabel} ${formatValue(x)}`;
      });
    this.layout = lineChartLayout(this.series, {
      ...o,
      width,
      height,
      description: `${o.title}${last.length > 0 ? `. Latest: ${last.join('; ')}` : ': no data yet'}. The data table below lists every value.`,
    });
    this.plot.innerHTML = this.layout.svg;
    if (this.cursorX !== undefined) this.showAt(this.cursorX);
  }

  private renderTable(): void {
    const o = this.options;
    if (o === undefined) return;
    const shown = this.series.filter((s) => s.points.length > 0);
    const rows = dataRows(shown);
    const unit = o.yLabel;
    this.tableWrap.replaceChildren(
      h(
        'table',
        { class: 'data' },
        h(
          'caption',
          {},
          `${o.title} (${unit})`,
          ...(o.rules ?? []).map((r) => `; ${r.title ?? r.label}: ${formatValue(r.y)}`),
        ),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, o.xLabel),
            ...shown.map((s) => h('th', { scope: 'col' }, s.label)),
          ),
        ),
        h(
          'tbody',
          {},
          ...rows.map((r) =>
            h(
              'tr',
              {},
              h('th', { scope: 'row' }, formatValue(r.x)),
              ...r.values.map((v) => h('td', {}, v === undefined ? '' : formatValue(v))),
            ),
          ),
        ),
      ),
    );
  }

  private hover(e: PointerEvent): void {
    const layout = this.layout;
    const svg = this.plot.querySelector('svg');
    if (!layout || !svg) return;
    const rect = svg.getBoundingClientRect();
    if (rect.width === 0) return;
    const px = ((e.clientX - rect.left) / rect.width) * layout.width;
    const [left, , plotW] = layout.plot;
    if (px < left - 4 || px > left + plotW + 4) {
      this.clearReadout();
      return;
    }
    this.showAt(layout.xOf(px));
  }

  /** The x values of the data, for the keyboard cursor. */
  private xs(): number[] {
    return dataRows(this.series).map((r) => r.x);
  }

  private key(e: KeyboardEvent): void {
    const xs = this.xs();
    if (xs.length === 0) return;
    const i =
      this.cursorX === undefined
        ? -1
        : xs.indexOf(
            nearestPoint(
              xs.map((x) => [x, 0]),
              this.cursorX,
            )![0],
          );
    const next =
      e.key === 'ArrowRight' || e.key === 'ArrowUp'
        ? Math.min(xs.length - 1, i + 1)
        : e.key === 'ArrowLeft' || e.key === 'ArrowDown'
          ? Math.max(0, i < 0 ? xs.length - 1 : i - 1)
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? xs.length - 1
              : e.key === 'Escape'
                ? -2
                : undefined;
    if (next === undefined) return;
    e.preventDefault();
    if (next === -2) {
      this.clearReadout();
      return;
    }
    this.cursorX = xs[next]!;
    this.showAt(this.cursorX);
  }

  private clearReadout(): void {
    this.cursorX = undefined;
    this.readout.hidden = true;
    this.readout.textContent = '';
    this.plot.querySelector('.readout-marks')?.replaceChildren();
  }

  /** Show the values of every series nearest to data x `x`. */
  private showAt(x: number): void {
    const layout = this.layout;
    const o = this.options;
    if (!layout || !o) return;
    const hits = this.series
      .map((s) => ({ s, p: nearestPoint(s.points, x) }))
      .filter((hit): hit is { s: Series; p: [number, number] } => hit.p !== undefined);
    if (hits.length === 0) {
      this.clearReadout();
      return;
    }
    const at = nearestPoint(
      hits.map((hit) => [hit.p[0], 0]),
      x,
    )![0];
    const marks = this.plot.querySelector('.readout-marks');
    if (marks) {
      const [, top, , plotH] = layout.plot;
      const rule = document.createElementNS(SVG_NS, 'line');
      const sx = String(layout.sx(at));
      for (const [k, v] of Object.entries({
        x1: sx,
        x2: sx,
        y1: String(top),
        y2: String(top + plotH),
        stroke: 'currentColor',
        'stroke-opacity': '0.5',
        'stroke-width': '1',
      }))
        rule.setAttribute(k, v);
      const dots = hits.map(({ s, p }) => {
        const c = document.createElementNS(SVG_NS, 'circle');
        c.setAttribute('cx', String(layout.sx(p[0])));
        c.setAttribute('cy', String(layout.sy(p[1])));
        c.setAttribute('r', '4');
        c.setAttribute('fill', 'none');
        c.setAttribute('stroke', s.color);
        c.setAttribute('stroke-width', '2');
        return c;
      });
      marks.replaceChildren(rule, ...dots);
    }
    const xName = o.xLabel;
    const lines = hits.map(({ s, p }) => {
      const where = p[0] === at ? '' : ` (${xName} ${formatValue(p[0])})`;
      return h(
        'li',
        {},
        h('span', { class: 'swatch', style: `background:${s.color}`, 'aria-hidden': 'true' }),
        `${s.label}: ${formatValue(p[1])}${where}`,
      );
    });
    this.readout.replaceChildren(
      h('strong', {}, `${xName} ${formatValue(at)}`),
      h('ul', {}, ...lines),
    );
    this.readout.hidden = false;
    this.readout.dataset['x'] = String(at);
  }
}
