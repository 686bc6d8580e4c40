import type { MetricPoint, ModelBundle, TrainEvent, TrainSettings } from '../shared/types';
import { PALETTE, type Series, lineChart } from '../ui/chart';
import { errorBox, field, h, messageOf, numberInput, select } from '../ui/dom';
import type { EngineClient } from '../ui/engine-client';
import { drawImageGrid, imageCanvas } from '../ui/images';

export interface Preset {
  label: string;
  settings: Partial<TrainSettings>;
}

export interface TrainPageOptions {
  task: 'image' | 'text';
  id: string;
  heading: string;
  intro: (HTMLElement | string)[];
  defaults: TrainSettings;
  presets?: Preset[];
  /** The training engine (created on first use, once the backend is chosen). */
  engine(): Promise<EngineClient>;
  /** Hand a trained model to the explorer. */
  explore(bundle: ModelBundle, source: string): void;
}

interface Run {
  runId: number;
  label: string;
  color: string;
  train: MetricPoint[];
  test: MetricPoint[];
  latentDim: number;
}

const LATENTS: [string, string][] = [
  ['gaussian', 'Gaussian (plain VAE)'],
  ['bn', 'BN-VAE (Zhu et al. 2020)'],
  ['bn-su', "BN-VAE, Su's scaler"],
  ['vmf', 'von Mises-Fisher'],
];
const OBJECTIVES: [string, string][] = [
  ['elbo', 'ELBO'],
  ['iwae', 'IWAE (Burda et al. 2015)'],
  ['miwae', 'MIWAE (Rainforth et al. 2018)'],
  ['ciwae', 'CIWAE (Rainforth et al. 2018)'],
  ['piwae', 'PIWAE (Rainforth et al. 2018)'],
];
const SHORT: Record<string, string> = {
  gaussian: 'Gaussian',
  bn: 'BN-VAE',
  'bn-su': 'BN-VAE (Su)',
  vmf: 'vMF',
};

let nextRunId = 1;

/** Runs kept on the curves (older ones are dropped). */
const MAX_RUNS = 4;

/**
 * A training tab: a form for the model and objective, start / pause / stop, live curves of
 * loss, KL and active units (runs overlaid for comparison), and live samples.
 */
export function trainPage(o: TrainPageOptions): {
  el: HTMLElement;
  handle(event: TrainEvent): void;
  reset(reason: string): void;
} {
  const d = o.defaults;
  const isText = o.task === 'text';
  const c = {
    latent: select(LATENTS, d.latent, { name: 'latent' }),
    latentDim: numberInput(d.latentDim, { min: 1, max: 64, step: 1, name: 'latentDim' }),
    gamma: numberInput(d.gamma, { min: 0.05, max: 2, step: 0.05, name: 'gamma' }),
    tau: numberInput(d.tau, { min: 0.05, max: 0.95, step: 0.05, name: 'tau' }),
    kappa: numberInput(typeof d.kappa === 'number' ? d.kappa : 50, {
      min: 0,
      max: 1000,
      step: 1,
      name: 'kappa',
    }),
    learnKappa: h('input', { type: 'checkbox', name: 'learnKappa' }),
    objective: select(OBJECTIVES, d.objective, { name: 'objective' }),
    k: numberInput(d.k, { min: 1, max: 64, step: 1, name: 'k' }),
    groups: numberInput(d.groups, { min: 1, max: 64, step: 1, name: 'groups' }),
    beta: numberInput(d.beta, { min: 0, max: 1, step: 0.05, name: 'beta' }),
    estimator: select(
      [
        ['reparameterized', 'reparameterised (pathwise)'],
        ['dreg', 'DReG (Tucker et al. 2018)'],
      ],
      d.gradientEstimator,
      { name: 'gradientEstimator' },
    ),
    hidden: numberInput(d.hidden, { min: 8, max: 1024, step: 1, name: 'hidden' }),
    embedding: numberInput(d.embedding, { min: 8, max: 512, step: 1, name: 'embedding' }),
    wordDropout: numberInput(d.wordDropout, { min: 0, max: 1, step: 0.05, name: 'wordDropout' }),
    batchSize: numberInput(d.batchSize, { min: 2, max: 512, step: 1, name: 'batchSize' }),
    lr: numberInput(d.lr, { min: 0.00001, max: 0.1, step: 0.0001, name: 'lr' }),
    steps: numberInput(d.steps, { min: 1, max: 100000, step: 1, name: 'steps' }),
    evalEvery: numberInput(d.evalEvery, { min: 1, max: 10000, step: 1, name: 'evalEvery' }),
    seed: numberInput(d.seed, { min: 0, max: 2 ** 31, step: 1, name: 'seed' }),
  };
  c.learnKappa.checked = d.kappa === 'learned';
  c.learnKappa.id = `${o.id}-learn-kappa`;
  const f = {
    gamma: field('BN scale γ', c.gamma, 'KL floor d/2·γ² per example'),
    tau: field('τ', c.tau, 'KL floor d/2·τ'),
    kappa: field('Concentration κ', c.kappa),
    learnKappa: h(
      'div',
      { class: 'field check' },
      c.learnKappa,
      h('label', { for: c.learnKappa.id }, 'learn κ'),
    ),
    k: field('Samples K', c.k, 'importance samples per example'),
    groups: field('Groups M', c.groups, 'K must be a multiple of M'),
    beta: field('CIWAE β', c.beta, '1 is the ELBO, 0 is IWAE'),
    estimator: field('Encoder gradient', c.estimator),
  };
  const syncVisibility = () => {
    const latent = c.latent.value;
    const objective = c.objective.value;
    f.gamma.hidden = latent !== 'bn';
    f.tau.hidden = latent !== 'bn-su';
    f.kappa.hidden = latent !== 'vmf';
    f.learnKappa.hidden = latent !== 'vmf';
    c.kappa.disabled = c.learnKappa.checked;
    f.groups.hidden = objective !== 'miwae' && objective !== 'piwae';
    f.beta.hidden = objective !== 'ciwae';
    f.estimator.hidden = objective === 'elbo';
  };
  for (const el of [c.latent, c.objective, c.learnKappa])
    el.addEventListener('change', syncVisibility);
  // Importance-weighted objectives need K > 1 (and MIWAE/PIWAE M > 1) to differ from the ELBO.
  c.objective.addEventListener('change', () => {
    const grouped = c.objective.value === 'miwae' || c.objective.value === 'piwae';
    if (c.objective.value !== 'elbo' && c.k.value === '1') c.k.value = grouped ? '8' : '5';
    if (grouped && c.groups.value === '1') {
      c.groups.value = '2';
      if (Number(c.k.value) % 2 !== 0) c.k.value = String(Number(c.k.value) + 1);
    }
  });
  syncVisibility();

  const errors = errorBox();
  const startButton = h(
    'button',
    { type: 'button', class: 'primary', 'data-action': 'start' },
    'Start training',
  );
  const pauseButton = h(
    'button',
    { type: 'button', 'aria-pressed': 'false', disabled: true, 'data-action': 'pause' },
    'Pause',
  );
  const stopButton = h('button', { type: 'button', disabled: true, 'data-action': 'stop' }, 'Stop');
  const clearButton = h('button', { type: 'button', 'data-action': 'clear' }, 'Clear curves');
  const exploreButton = h(
    'button',
    { type: 'button', disabled: true, 'data-action': 'explore' },
    'Explore this model',
  );
  const status = h(
    'p',
    { class: 'status', role: 'status', 'aria-live': 'polite', 'data-role': 'status' },
    'Not started.',
  );
  const evalStatus = h('p', { class: 'status secondary', 'data-role': 'eval-status' });
  const legend = h('ul', { class: 'legend', 'aria-label': 'Runs on the curves' });
  const charts = {
    loss: h('figure', { class: 'chart', 'data-chart': 'loss' }),
    kl: h('figure', { class: 'chart', 'data-chart': 'kl' }),
    au: h('figure', { class: 'chart', 'data-chart': 'active-units' }),
  };
  const grid = imageCanvas('Samples from the prior, decoded', 'grid samples');
  const gridCaption = h(
    'figcaption',
    {},
    'Decoded draws from the prior appear here while training.',
  );
  const sampleList = h('ol', { class: 'sentences', 'data-role': 'samples' });
  const reconTable = h('table', { class: 'recon', 'data-role': 'reconstructions' });

  const presetButtons = (o.presets ?? []).map((p) =>
    h(
      'button',
      {
        type: 'button',
        class: 'preset',
        onclick: () => {
          applySettings(p.settings);
        },
      },
      p.label,
    ),
  );

  function applySettings(s: Partial<TrainSettings>): void {
    for (const [key, value] of Object.entries(s)) {
      if (key === 'kappa') {
        c.learnKappa.checked = value === 'learned';
        if (typeof value === 'number') c.kappa.value = String(value);
        continue;
      }
      if (key === 'gradientEstimator') {
        c.estimator.value = String(value);
        continue;
      }
      const control = (
        c as unknown as Record<string, HTMLInputElement | HTMLSelectElement | undefined>
      )[key];
      if (control) control.value = String(value);
    }
    syncVisibility();
  }

  function readSettings(): TrainSettings {
    const num = (
      el: HTMLInputElement,
      name: string,
      opts: { int?: boolean; min: number; max: number },
    ) => {
      const v = Number(el.value);
      if (
        el.value.trim() === '' ||
        !Number.isFinite(v) ||
        (opts.int && !Number.isInteger(v)) ||
        v < opts.min ||
        v > opts.max
      ) {
        el.setAttribute('aria-invalid', 'true');
        el.focus();
        throw new Error(
          `${name} must be ${opts.int ? 'an integer' : 'a number'} from ${opts.min} to ${opts.max}, got '${el.value}'`,
        );
      }
      el.removeAttribute('aria-invalid');
      return v;
    };
    const latent = c.latent.value as TrainSettings['latent'];
    const objective = c.objective.value as TrainSettings['objective'];
    const k = num(c.k, 'Samples K', { int: true, min: 1, max: 64 });
    const groups =
      objective === 'miwae' || objective === 'piwae'
        ? num(c.groups, 'Groups M', { int: true, min: 1, max: 64 })
        : 1;
    if (k % groups !== 0) {
      c.groups.setAttribute('aria-invalid', 'true');
      throw new Error(`Samples K (${k}) must be a multiple of Groups M (${groups})`);
    }
    const latentDim = num(c.latentDim, 'Latent dimension', {
      int: true,
      min: latent === 'vmf' ? 2 : 1,
      max: 64,
    });
    const steps = num(c.steps, 'Steps', { int: true, min: 1, max: 100000 });
    const batchSize = num(c.batchSize, 'Batch size', {
      int: true,
      min: latent === 'bn' || latent === 'bn-su' ? 2 : 1,
      max: 512,
    });
    return {
      task: o.task,
      latent,
      latentDim,
      gamma: latent === 'bn' ? num(c.gamma, 'γ', { min: 0.01, max: 5 }) : d.gamma,
      tau: latent === 'bn-su' ? num(c.tau, 'τ', { min: 0.01, max: 0.99 }) : d.tau,
      kappa: c.learnKappa.checked
        ? 'learned'
        : latent === 'vmf'
          ? num(c.kappa, 'κ', { min: 0, max: 10000 })
          : 50,
      objective,
      k,
      groups,
      beta: objective === 'ciwae' ? num(c.beta, 'β', { min: 0, max: 1 }) : d.beta,
      gradientEstimator:
        objective === 'elbo'
          ? 'reparameterized'
          : (c.estimator.value as TrainSettings['gradientEstimator']),
      hidden: num(c.hidden, 'Hidden units', { int: true, min: 4, max: 2048 }),
      embedding: isText
        ? num(c.embedding, 'Embedding size', { int: true, min: 4, max: 1024 })
        : d.embedding,
      wordDropout: isText ? num(c.wordDropout, 'Word dropout', { min: 0, max: 1 }) : 0,
      batchSize,
      lr: num(c.lr, 'Learning rate', { min: 1e-6, max: 1 }),
      clipNorm: d.clipNorm,
      steps,
      evalEvery: num(c.evalEvery, 'Evaluate every', { int: true, min: 1, max: 100000 }),
      seed: num(c.seed, 'Seed', { int: true, min: 0, max: 2 ** 31 }),
    };
  }

  // ---- state -------------------------------------------------------------------------------
  const runs: Run[] = [];
  let current: Run | undefined;
  let state: 'idle' | 'starting' | 'running' | 'paused' = 'idle';
  let lastRunId: number | undefined;
  let renderQueued = false;

  function setState(next: typeof state): void {
    state = next;
    startButton.disabled = next !== 'idle';
    pauseButton.disabled = next !== 'running' && next !== 'paused';
    stopButton.disabled = next !== 'running' && next !== 'paused';
    pauseButton.textContent = next === 'paused' ? 'Resume' : 'Pause';
    pauseButton.setAttribute('aria-pressed', String(next === 'paused'));
    exploreButton.disabled = lastRunId === undefined || next === 'running' || next === 'starting';
    el.dataset['state'] = next;
  }

  function label(s: TrainSettings): string {
    const latent = SHORT[s.latent] ?? s.latent;
    const extra =
      s.latent === 'bn'
        ? ` γ=${s.gamma}`
        : s.latent === 'bn-su'
          ? ` τ=${s.tau}`
          : s.latent === 'vmf'
            ? ` κ=${s.kappa}`
            : '';
    const objective =
      s.objective === 'elbo' && s.k === 1 ? 'ELBO' : `${s.objective.toUpperCase()} K=${s.k}`;
    return `${latent}${extra}, d=${s.latentDim}, ${objective}${isText && s.wordDropout > 0 ? `, dropout ${s.wordDropout}` : ''}`;
  }

  function render(): void {
    renderQueued = false;
    const series = (key: 'loss' | 'kl' | 'activeUnits') =>
      runs.flatMap((r): Series[] => {
        const out: Series[] = [];
        if (key !== 'activeUnits') {
          out.push({
            label: `${r.label} (training)`,
            color: r.color,
            points: r.train.map((p) => [p.step, p[key]]),
          });
        }
        out.push({
          label: `${r.label} (held out)`,
          color: r.color,
          dashed: key !== 'activeUnits',
          markers: true,
          points: r.test.map((p) => [
            p.step,
            key === 'activeUnits' ? (p.activeUnits ?? Number.NaN) : p[key],
          ]),
        });
        return out;
      });
    const maxDim = Math.max(1, ...runs.map((r) => r.latentDim));
    charts.loss.innerHTML = lineChart(series('loss'), {
      title: 'Loss (negative bound)',
      xLabel: 'step',
      yLabel: isText ? 'nats per sentence' : 'nats per image',
    });
    charts.kl.innerHTML = lineChart(series('kl'), {
      title: 'KL(q(z|x) ‖ p(z))',
      xLabel: 'step',
      yLabel: 'nats',
      yInclude: 0,
    });
    charts.au.innerHTML = lineChart(series('activeUnits'), {
      title: 'Active units',
      xLabel: 'step',
      yLabel: `units (of ${maxDim})`,
      yInclude: 0,
      yIntegers: true,
    });
    const points = runs.reduce((n, r) => n + r.train.length + r.test.length, 0);
    for (const chart of Object.values(charts)) chart.dataset['points'] = String(points);
    legend.replaceChildren(
      ...runs.map((r) =>
        h(
          'li',
          {},
          h('span', { class: 'swatch', style: `background:${r.color}`, 'aria-hidden': 'true' }),
          r.label,
        ),
      ),
    );
  }

  function queueRender(): void {
    if (renderQueued) return;
    renderQueued = true;
    requestAnimationFrame(render);
  }

  async function start(): Promise<void> {
    errors.clear();
    let settings: TrainSettings;
    try {
      settings = readSettings();
    } catch (error) {
      errors.show(messageOf(error));
      return;
    }
    setState('starting');
    status.textContent = 'Starting…';
    const runId = nextRunId++;
    const used = new Set(runs.map((r) => r.color));
    const run: Run = {
      runId,
      label: label(settings),
      color: PALETTE.find((p) => !used.has(p)) ?? PALETTE[runId % PALETTE.length]!,
      train: [],
      test: [],
      latentDim: settings.latentDim,
    };
    try {
      const engine = await o.engine();
      runs.push(run);
      while (runs.length > MAX_RUNS) runs.shift();
      current = run;
      lastRunId = runId;
      queueRender();
      await engine.request({ type: 'train', settings, runId });
      if (state === 'starting') setState('running');
    } catch (error) {
      const message = messageOf(error);
      errors.show(
        message.includes('already going')
          ? 'Another training run is going (on the other training tab): stop it there first.'
          : message,
      );
      const i = runs.indexOf(run);
      if (i >= 0) runs.splice(i, 1);
      current = undefined;
      status.textContent = 'Not started.';
      setState('idle');
      queueRender();
    }
  }

  async function command(type: 'pause' | 'resume' | 'stop'): Promise<void> {
    try {
      await (await o.engine()).request({ type });
    } catch (error) {
      errors.show(messageOf(error));
    }
  }

  startButton.addEventListener('click', () => void start());
  pauseButton.addEventListener('click', () => {
    if (state === 'paused') {
      setState('running');
      void command('resume');
    } else {
      void command('pause');
    }
  });
  stopButton.addEventListener('click', () => void command('stop'));
  clearButton.addEventListener('click', () => {
    runs.splice(0, runs.length, ...(current && state !== 'idle' ? [current] : []));
    queueRender();
  });
  exploreButton.addEventListener('click', async () => {
    errors.clear();
    try {
      const bundle = await (await o.engine()).request<ModelBundle>({ type: 'export-model' });
      const run = runs.find((r) => r.runId === lastRunId);
      o.explore(bundle, `trained in this page: ${run?.label ?? 'latest run'}`);
    } catch (error) {
      errors.show(messageOf(error));
    }
  });

  function handle(event: TrainEvent): void {
    if (current === undefined || event.runId !== current.runId) return;
    const run = current;
    switch (event.kind) {
      case 'started':
        if (state === 'starting') setState('running');
        status.textContent = `Training on ${event.data}; ${event.parameters.toLocaleString('en')} parameters.`;
        break;
      case 'progress':
        run.train.push(...event.rows);
        status.textContent = `Step ${event.step} of ${event.steps} · ${event.stepsPerSec.toFixed(1)} steps/s · ${Math.round(event.examplesPerSec)} ${isText ? 'sentences' : 'images'}/s`;
        status.dataset['step'] = String(event.step);
        status.dataset['stepsPerSec'] = event.stepsPerSec.toFixed(2);
        queueRender();
        break;
      case 'evaluation': {
        run.test.push(event.row);
        const r = event.row;
        evalStatus.textContent = `Held out at step ${event.step}: loss ${r.loss.toFixed(1)} nats · KL ${r.kl.toFixed(2)} nats · active units ${r.activeUnits} of ${run.latentDim}`;
        evalStatus.dataset['step'] = String(event.step);
        if (event.images) {
          drawImageGrid(grid, event.images, 8);
          grid.dataset['step'] = String(event.step);
          grid.setAttribute('aria-label', `Samples from the prior, decoded at step ${event.step}`);
          gridCaption.textContent = `Decoded means of 64 fixed draws from the prior, step ${event.step}.`;
        }
        if (event.sentences) {
          sampleList.replaceChildren(
            ...event.sentences.samples.map((s) => h('li', {}, s || '(empty)')),
          );
          sampleList.dataset['step'] = String(event.step);
          reconTable.replaceChildren(
            h(
              'caption',
              {},
              `Held-out sentences and their reconstructions (greedy decoding of the posterior mean), step ${event.step}`,
            ),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', { scope: 'col' }, 'input'),
                h('th', { scope: 'col' }, 'reconstruction'),
              ),
            ),
            h(
              'tbody',
              {},
              ...event.sentences.reconstructions.map((p) =>
                h('tr', {}, h('td', {}, p.input), h('td', {}, p.output || '(empty)')),
              ),
            ),
          );
        }
        queueRender();
        break;
      }
      case 'paused':
        setState('paused');
        status.textContent = `Paused at step ${event.step}.`;
        break;
      case 'resumed':
        setState('running');
        break;
      case 'finished':
        current = undefined;
        setState('idle');
        if (event.status === 'failed') {
          errors.show(`Training failed: ${event.error}`);
          status.textContent = `Failed at step ${event.step}.`;
        } else {
          status.textContent = `${event.status === 'completed' ? 'Completed' : 'Stopped at'} step ${event.step} in ${event.seconds.toFixed(1)} s.`;
        }
        status.dataset['finished'] = event.status;
        break;
    }
  }

  const isImage = !isText;
  const el = h(
    'section',
    { id: o.id, class: 'page', 'aria-labelledby': `${o.id}-heading` },
    h('h2', { id: `${o.id}-heading` }, o.heading),
    ...o.intro.map((p) => (typeof p === 'string' ? h('p', {}, p) : p)),
    presetButtons.length > 0
      ? h(
          'div',
          { class: 'presets', role: 'group', 'aria-label': 'Presets' },
          h('span', {}, 'Presets:'),
          ...presetButtons,
        )
      : null,
    h(
      'form',
      { class: 'settings', onsubmit: (e: Event) => e.preventDefault() },
      h(
        'fieldset',
        {},
        h('legend', {}, 'Model'),
        field('Latent family', c.latent),
        field('Latent dimension d', c.latentDim),
        f.gamma,
        f.tau,
        f.kappa,
        f.learnKappa,
        field(isText ? 'LSTM hidden units' : 'Hidden units', c.hidden),
        isText ? field('Embedding size', c.embedding) : null,
        isText ? field('Word dropout', c.wordDropout, 'Bowman et al. 2016') : null,
      ),
      h(
        'fieldset',
        {},
        h('legend', {}, 'Objective'),
        field('Objective', c.objective),
        f.k,
        f.groups,
        f.beta,
        f.estimator,
      ),
      h(
        'fieldset',
        {},
        h('legend', {}, 'Training'),
        field('Batch size', c.batchSize),
        field('Learning rate', c.lr, 'Adam, gradients clipped to norm 5'),
        field('Steps', c.steps),
        field('Evaluate every (steps)', c.evalEvery),
        field('Seed', c.seed),
      ),
    ),
    h(
      'div',
      { class: 'buttons' },
      startButton,
      pauseButton,
      stopButton,
      clearButton,
      exploreButton,
    ),
    errors.el,
    status,
    evalStatus,
    h('h3', {}, 'Curves'),
    h(
      'p',
      { class: 'hint' },
      'Solid: training batches, the objective’s negative bound (averaged over 5 steps). Dashed with dots: held-out examples, the negative ELBO. Runs stay on the charts for comparison.',
    ),
    legend,
    h(
      'div',
      { class: isImage ? 'results' : 'results three' },
      charts.loss,
      charts.kl,
      charts.au,
      isImage ? h('figure', { class: 'samples' }, grid, gridCaption) : null,
    ),
    isImage
      ? null
      : h(
          'div',
          { class: 'samples text' },
          h('h3', {}, 'Sentences from the prior'),
          h(
            'p',
            { class: 'hint' },
            'Greedy decoding of 6 fixed draws from the prior. Under collapse they are all one sentence, and the reconstructions ignore their input.',
          ),
          sampleList,
          reconTable,
        ),
  );
  setState('idle');
  render();
  return {
    el,
    handle,
    reset(reason) {
      if (state !== 'idle') {
        current = undefined;
        lastRunId = undefined;
        setState('idle');
        status.textContent = reason;
      } else {
        lastRunId = undefined;
        setState('idle');
      }
    },
  };
}
