import { ConfigError, type ConfigFieldGroup, DEFAULT_TRAIN_CONFIG } from '@vaekit/core';
import {
  type MetricPoint,
  type ModelBundle,
  type TrainEvent,
  type TrainSettings,
  trainConfig,
} from '../shared/types';
import { PALETTE, type Series, lineChart } from '../ui/chart';
import { errorBox, field, h, messageOf, numberInput, select } from '../ui/dom';
import {
  type Choice,
  SETTING_LABELS,
  type SettingKey,
  configField,
  estimatorChoices,
  familyHint,
  latentChoices,
  numberField,
  objectiveChoices,
  runLabel,
  settingApplies,
  settingHelp,
} from '../ui/settings-form';
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

let nextRunId = 1;

/** The most steps a browser run takes. */
const MAX_STEPS = 1_000_000;

/** A menu of registry entries: their labels, with their descriptions as tooltips. */
function menu(choices: Choice[], value: string, name: string): HTMLSelectElement {
  const el = select([], value, { name });
  setChoices(el, choices, value);
  return el;
}

/** Replace a menu's entries, keeping `value` selected when it is still one of them. */
function setChoices(el: HTMLSelectElement, choices: Choice[], value: string): void {
  el.replaceChildren(
    ...choices.map((choice) => {
      const option = h('option', { value: choice.value, title: choice.description }, choice.label);
      option.selected = choice.value === value;
      return option;
    }),
  );
}

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
  const number = (key: SettingKey | 'steps', value: number) => {
    const range = key === 'steps' ? { min: 1, max: MAX_STEPS, step: 1 } : numberField(key);
    return numberInput(value, {
      min: key === 'evalEvery' ? 1 : range.min,
      max: range.max,
      step: range.step,
      name: key,
    });
  };
  // Everything about the settings (menus, help, ranges, which apply) comes from the registries
  // and the CLI's settings (ui/settings-form.ts): a registered family or objective appears here.
  const c = {
    latent: menu(latentChoices(), d.latent, 'latent'),
    latentDim: number('latentDim', d.latentDim),
    gamma: number('gamma', d.gamma),
    tau: number('tau', d.tau),
    kappa: number(
      'kappa',
      typeof d.kappa === 'number' ? d.kappa : (DEFAULT_TRAIN_CONFIG.kappa as number),
    ),
    objective: menu(objectiveChoices(), d.objective, 'objective'),
    k: number('k', d.k),
    groups: number('groups', d.groups),
    beta: number('beta', d.beta),
    gradientEstimator: menu(
      estimatorChoices(d.objective),
      d.gradientEstimator,
      'gradientEstimator',
    ),
    hidden: number('hidden', d.hidden[0]!),
    embedding: number('embedding', d.embedding),
    wordDropout: number('wordDropout', d.wordDropout),
    batchSize: number('batchSize', d.batchSize),
    lr: number('lr', d.lr),
    steps: number('steps', d.steps),
    evalEvery: number('evalEvery', d.evalEvery),
    seed: number('seed', d.seed),
  };
  const learnKappa = h('input', {
    type: 'checkbox',
    name: 'learnKappa',
    id: `${o.id}-learn-kappa`,
  });
  learnKappa.checked = d.kappa === 'learned';
  const help = (key: SettingKey) =>
    key === 'lr'
      ? `${settingHelp(key)}; gradients clipped to norm ${d.clipNorm}`
      : key === 'latent' || key === 'objective' || key === 'gradientEstimator'
        ? ' '
        : settingHelp(key);
  const f = Object.fromEntries(
    (Object.keys(c) as (keyof typeof c)[]).map((key) => [
      key,
      key === 'steps'
        ? field('Steps', c.steps)
        : field(
            key === 'hidden' && isText ? 'LSTM hidden units' : SETTING_LABELS[key],
            c[key],
            help(key),
          ),
    ]),
  ) as Record<keyof typeof c, HTMLDivElement>;
  const learnKappaField = h(
    'div',
    { class: 'field check' },
    learnKappa,
    h('label', { for: learnKappa.id }, 'learn κ'),
  );
  const hintOf = (key: keyof typeof c) => f[key].querySelector('small')!;

  /** The family, objective and task chosen now. */
  const chosen = () => ({
    task: o.task,
    latent: c.latent.value,
    objective: c.objective.value as TrainSettings['objective'],
  });
  const syncVisibility = () => {
    const s = chosen();
    const estimator = c.gradientEstimator.value;
    setChoices(c.gradientEstimator, estimatorChoices(s.objective), estimator);
    for (const key of Object.keys(c) as (keyof typeof c)[]) {
      if (key !== 'steps') f[key].hidden = !settingApplies(key, s);
    }
    learnKappaField.hidden = f.kappa.hidden;
    c.kappa.disabled = learnKappa.checked;
    hintOf('latent').textContent = familyHint({
      latent: s.latent,
      latentDim: Number(c.latentDim.value),
      gamma: Number(c.gamma.value),
      tau: Number(c.tau.value),
      kappa: learnKappa.checked ? 'learned' : Number(c.kappa.value),
    });
    hintOf('objective').textContent =
      objectiveChoices().find((choice) => choice.value === s.objective)?.description ?? '';
    hintOf('gradientEstimator').textContent = settingHelp('gradientEstimator');
  };
  for (const el of [c.latent, c.objective, learnKappa])
    el.addEventListener('change', syncVisibility);
  for (const el of [c.latentDim, c.gamma, c.tau, c.kappa])
    el.addEventListener('input', syncVisibility);
  // Importance-weighted objectives need K > 1 (and grouped ones M > 1) to differ from the ELBO.
  c.objective.addEventListener('change', () => {
    const grouped = settingApplies('groups', chosen());
    if (c.objective.value !== DEFAULT_TRAIN_CONFIG.objective && c.k.value === '1')
      c.k.value = grouped ? '8' : '5';
    if (grouped && c.groups.value === '1') {
      c.groups.value = '2';
      if (Number(c.k.value) % 2 !== 0) c.k.value = String(Number(c.k.value) + 1);
    }
  });
  syncVisibility();
  /** The fields of some groups of CONFIG_FIELDS (model, objective, ...), in the form's order. */
  const fieldset = (legend: string, groups: ConfigFieldGroup[]) =>
    h(
      'fieldset',
      {},
      h('legend', {}, legend),
      ...(Object.keys(c) as (keyof typeof c)[])
        .filter((key) => groups.includes(key === 'steps' ? 'optimisation' : configField(key).group))
        .flatMap((key) => (key === 'kappa' ? [f[key], learnKappaField] : [f[key]])),
    );

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
        learnKappa.checked = value === 'learned';
        if (typeof value === 'number') c.kappa.value = String(value);
        continue;
      }
      const control = (c as Record<string, HTMLInputElement | HTMLSelectElement | undefined>)[key];
      if (control) control.value = String(Array.isArray(value) ? value[0] : value);
    }
    syncVisibility();
  }

  /**
   * The form's settings, checked by the CLI's own rules (`trainConfig`, i.e. `resolveConfig`);
   * settings that do not apply to the chosen family, objective or task keep their defaults.
   */
  function readSettings(): TrainSettings {
    for (const el of Object.values(c)) el.removeAttribute('aria-invalid');
    const s = chosen();
    const invalid = (key: keyof typeof c, message: string): never => {
      c[key].setAttribute('aria-invalid', 'true');
      c[key].focus();
      throw new Error(message);
    };
    const read = (key: keyof typeof c): number =>
      c[key].value.trim() === '' ? Number.NaN : Number(c[key].value);
    const value = <K extends SettingKey & keyof typeof c>(key: K): TrainSettings[K] =>
      (settingApplies(key, s) ? read(key) : d[key]) as TrainSettings[K];
    const steps = read('steps');
    if (!(Number.isInteger(steps) && steps >= 1 && steps <= MAX_STEPS))
      invalid('steps', `Steps must be an integer from 1 to ${MAX_STEPS}, got '${c.steps.value}'`);
    const evalEvery = read('evalEvery');
    if (!(Number.isInteger(evalEvery) && evalEvery >= 1))
      invalid('evalEvery', `Evaluate every must be an integer >= 1, got '${c.evalEvery.value}'`);
    const settings: TrainSettings = {
      task: o.task,
      latent: s.latent,
      latentDim: read('latentDim'),
      gamma: value('gamma'),
      tau: value('tau'),
      kappa: !settingApplies('kappa', s) ? d.kappa : learnKappa.checked ? 'learned' : read('kappa'),
      objective: s.objective,
      k: read('k'),
      groups: value('groups'),
      beta: value('beta'),
      gradientEstimator: settingApplies('gradientEstimator', s)
        ? (c.gradientEstimator.value as TrainSettings['gradientEstimator'])
        : DEFAULT_TRAIN_CONFIG.gradientEstimator,
      hidden: [read('hidden')],
      embedding: value('embedding'),
      wordDropout: value('wordDropout'),
      batchSize: read('batchSize'),
      lr: read('lr'),
      clipNorm: d.clipNorm,
      steps,
      evalEvery,
      seed: read('seed'),
    };
    try {
      trainConfig(settings);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      const key = (error.field === 'maxSteps' ? 'steps' : error.field) as keyof typeof c;
      const label = key === 'steps' ? 'Steps' : SETTING_LABELS[key];
      if (key in c) invalid(key, `${label}: ${error.message.replace(/^\w+: /, '')}`);
      throw error;
    }
    return settings;
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
      label: runLabel(settings),
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
      fieldset('Model', ['model']),
      fieldset('Objective', ['objective']),
      fieldset('Training', ['optimisation', 'evaluation', 'run']),
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
