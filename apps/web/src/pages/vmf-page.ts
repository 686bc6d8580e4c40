import type { VmfSamples } from '../shared/types';
import { PALETTE } from '../ui/chart';
import { ChartView } from '../ui/chart-view';
import { enterRuns, errorBox, field, h, latestOnly, messageOf, numberInput } from '../ui/dom';
import type { EngineClient } from '../ui/engine-client';
import { SphereView } from '../ui/sphere';

/** A_3(kappa) = E[mu^T z] on S^2: coth(kappa) - 1/kappa. */
function meanCosine(kappa: number): number {
  if (kappa < 1e-3) return kappa / 3;
  return 1 / Math.tanh(kappa) - 1 / kappa;
}

/** Density of w = mu^T z on S^2: kappa e^{kappa w} / (2 sinh kappa), computed stably. */
function density(w: number, kappa: number): number {
  if (kappa < 1e-6) return 0.5;
  // kappa e^{kappa (w - 1)} / (1 - e^{-2 kappa})
  return (kappa * Math.exp(kappa * (w - 1))) / -Math.expm1(-2 * kappa);
}

const NAMES = {
  'inverse-cdf': 'Inverse CDF (tabulated, Su)',
  wood: 'Wood (1994) rejection sampler',
};

/** The vMF sampler page: points on S^2 from both samplers, and the distribution of mu^T z. */
export function vmfPage(o: { engine(): Promise<EngineClient> }): HTMLElement {
  const errors = errorBox();
  const mu = [
    numberInput(0, { step: 0.1 }),
    numberInput(0, { step: 0.1 }),
    numberInput(1, { step: 0.1 }),
  ];
  const kappa = numberInput(10, { min: 0, max: 1000, step: 0.5, 'data-role': 'kappa' });
  const kappaRange = h('input', {
    type: 'range',
    min: -1,
    max: 3,
    step: 0.01,
    'aria-label': 'log₁₀ κ',
    'data-role': 'log-kappa',
  });
  kappaRange.value = String(Math.log10(10));
  const count = numberInput(1000, { min: 1, max: 20000, step: 1 });
  const seed = numberInput(1, { min: 0, step: 1 });
  const button = h(
    'button',
    { type: 'button', class: 'primary', 'data-action': 'sample' },
    'Sample',
  );
  const views = (['inverse-cdf', 'wood'] as const).map(
    (s, i) => new SphereView(NAMES[s], PALETTE[i]!),
  );
  views[0]!.onRotate = (y, p) => views[1]!.setView(y, p);
  views[1]!.onRotate = (y, p) => views[0]!.setView(y, p);
  const captions = views.map(() => h('figcaption', {}));
  const histogramView = new ChartView('Distribution of μᵀz', { 'data-chart': 'vmf-histogram' });
  const histogram = histogramView.el;
  histogram.classList.add('wide');
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });

  // The latest settings are always drawn: changes while a draw runs are not dropped, the last
  // of them is drawn when it ends (latestOnly).
  const sample = latestOnly(draw);
  async function draw(): Promise<void> {
    errors.clear();
    const m = mu.map((x) => Number(x.value)) as [number, number, number];
    const k = Number(kappa.value);
    const n = Number(count.value);
    if (m.some((v) => !Number.isFinite(v)) || Math.hypot(...m) === 0) {
      errors.show(
        'The mean direction μ must be three numbers, not all zero (it is normalised to unit length).',
      );
      return;
    }
    if (!(Number.isFinite(k) && k >= 0 && k <= 1000)) {
      errors.show(`κ must be a number from 0 to 1000, got '${kappa.value}'.`);
      return;
    }
    if (!(Number.isInteger(n) && n >= 1 && n <= 20000)) {
      errors.show(`Points must be an integer from 1 to 20000, got '${count.value}'.`);
      return;
    }
    status.textContent = 'Sampling…';
    histogram.setAttribute('aria-busy', 'true');
    try {
      const engine = await o.engine();
      const result = await engine.request<VmfSamples[]>({
        type: 'vmf',
        mu: m,
        kappa: k,
        n,
        seed: Number(seed.value) || 0,
      });
      const expected = meanCosine(k);
      const unit = m.map((v) => v / Math.hypot(...m));
      result.forEach((r, i) => {
        views[i]!.setPoints(r.points, m);
        captions[i]!.textContent =
          `${NAMES[r.sampler]}: ${n} points in ${r.ms.toFixed(1)} ms. Mean of μᵀz ${r.meanCosine.toFixed(4)} (exact A₃(κ) = ${expected.toFixed(4)}).`;
      });
      // Histogram of w = mu^T z against the exact density.
      const ws = result.map((r) => {
        const w = new Float64Array(n);
        for (let j = 0; j < n; j++)
          w[j] =
            r.points[3 * j]! * unit[0]! +
            r.points[3 * j + 1]! * unit[1]! +
            r.points[3 * j + 2]! * unit[2]!;
        return w;
      });
      const lo = Math.max(-1, Math.min(...ws.map((w) => Math.min(...w))) - 0.01);
      const bins = 30;
      const width = (1 - lo) / bins;
      const series = ws.map((w, i) => {
        const counts = new Array(bins).fill(0);
        for (const v of w) counts[Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / width)))]++;
        return {
          label: NAMES[result[i]!.sampler],
          color: PALETTE[i]!,
          points: counts.map(
            (c, b) => [lo + (b + 0.5) * width, c / (n * width)] as [number, number],
          ),
          markers: true,
        };
      });
      const exact = Array.from({ length: 200 }, (_, j) => {
        const w = lo + ((1 - lo) * j) / 199;
        return [w, density(w, k)] as [number, number];
      });
      histogramView.render(
        [...series, { label: 'exact density', color: 'currentColor', points: exact, dashed: true }],
        {
          title: 'Distribution of w = μᵀz (the cosine to the mean direction)',
          xLabel: 'w = μᵀz (cosine, no unit)',
          yLabel: 'density (per unit of w)',
          yInclude: 0,
          xDomain: [lo, 1],
          width: 720,
          height: 260,
        },
      );
      histogram.dataset['points'] = String(n);
      histogram.dataset['kappa'] = String(k);
      status.textContent = `κ = ${k}, μ = (${unit.map((v) => v.toFixed(2)).join(', ')}).`;
    } catch (error) {
      errors.show(messageOf(error));
      status.textContent = '';
    } finally {
      histogram.removeAttribute('aria-busy');
    }
  }
  button.addEventListener('click', () => void sample());
  // Every change of the slider (a key press, a drag) draws; presses that arrive during a draw
  // are merged into one draw of the last value.
  kappaRange.addEventListener('input', () => {
    kappa.value = String(Math.round(10 ** Number(kappaRange.value) * 100) / 100);
    void sample();
  });
  kappa.addEventListener('change', () => {
    const k = Number(kappa.value);
    if (k > 0) kappaRange.value = String(Math.log10(k));
    void sample();
  });

  const legendKey = h(
    'ul',
    { class: 'legend' },
    h(
      'li',
      {},
      h('span', { class: 'swatch', style: `background:${PALETTE[0]}`, 'aria-hidden': 'true' }),
      NAMES['inverse-cdf'],
    ),
    h(
      'li',
      {},
      h('span', { class: 'swatch', style: `background:${PALETTE[1]}`, 'aria-hidden': 'true' }),
      NAMES.wood,
    ),
    h(
      'li',
      {},
      h('span', { class: 'swatch dashed', 'aria-hidden': 'true' }),
      'exact density κ·exp(κw) / (2 sinh κ)',
    ),
  );

  const el = h(
    'section',
    { id: 'panel-vmf', class: 'page', 'aria-labelledby': 'vmf-heading' },
    h('h2', { id: 'vmf-heading' }, 'The von Mises-Fisher sampler'),
    h(
      'p',
      {},
      'Draws from vMF(μ, κ) on the sphere S², the posterior of the hyperspherical VAE. Both samplers of ',
      h('code', {}, '@vaekit/distributions'),
      ' draw w = μᵀz and then a uniform direction orthogonal to μ; they differ in how w is drawn: by inverting a tabulated CDF, or by Wood’s rejection sampler. The larger κ, the tighter the cap around μ.',
    ),
    h(
      'form',
      {
        class: 'settings',
        onsubmit: (e: Event) => {
          e.preventDefault();
          void sample();
        },
      },
      h(
        'fieldset',
        {},
        h('legend', {}, 'Mean direction μ'),
        field('x', mu[0]!),
        field('y', mu[1]!),
        field('z', mu[2]!),
      ),
      h(
        'fieldset',
        {},
        h('legend', {}, 'Concentration'),
        field('κ', kappa),
        h('div', { class: 'field' }, kappaRange),
      ),
      h('fieldset', {}, h('legend', {}, 'Draws'), field('Points', count), field('Seed', seed)),
    ),
    h('div', { class: 'buttons' }, button),
    errors.el,
    status,
    h(
      'div',
      { class: 'spheres' },
      ...views.map((v, i) => h('figure', { class: 'sphere-figure' }, v.canvas, captions[i]!)),
    ),
    legendKey,
    histogram,
  );
  enterRuns(el, () => void sample());
  // Redraw the spheres when the colour scheme changes (their lines take the text colour).
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
    for (const v of views) v.draw();
  });
  return Object.assign(el, { sample });
}
