import { ConfigError, type ConfigFieldGroup, DEFAULT_TRAIN_CONFIG } from '@vaekit/core';
import {
  type MetricPoint,
  type ModelBundle,
  type RunArchive,
  type TrainEvent,
  type TrainSettings,
  trainConfig,
} from '../shared/types';
import { PALETTE, type Series } from '../ui/chart';
import { ChartView } from '../ui/chart-view';
import { errorBox, field, h, messageOf, numberInput, select } from '../ui/dom';
import type { EngineClient } from '../ui/engine-client';
import { drawImageGrid, imageCanvas } from '../ui/images';
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
import {
  URL_SETTING_KEYS,
  type UrlSettingKey,
  formValues,
  parseSettingsQuery,
  settingsQuery,
} from '../ui/settings-url';

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
  /** Called when the form's settings change (the page keeps them in its URL). */
  onSettingsChange?(): void;
}

interface Run {
  runId: number;
  label: string;
  color: string;
  train: MetricPoint[];
  test: MetricPoint[];
  latentDim: number;
  /** The family's KL floor (or constant KL) for the run's settings, when it has one. */
  klFloor?: number;
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

/**
 * Buttons that cannot act now stay focusable (`aria-disabled`, not `disabled`), so the focus
 * stays on Start or Stop when they turn themselves off instead of dropping to the page.
 */
function setEnabled(button: HTMLButtonElement, on: boolean): void {
  button.setAttribute('aria-disabled', String(!on));
}
const isEnabled = (button: HTMLButtonElement) => button.getAttribute('aria-disabled') !== 'true';

/** Runs kept on the curves (older ones are dropped). */
const MAX_RUNS = 4;

const seconds = (s: number) =>
  s >= 90 ? `${Math.floor(s / 60)} min ${Math.round(s % 60)} s` : `${Math.round(s)} s`;

/**
 * A training tab: a form for the model and objective, start / pause / step / stop, live curves
 * of loss, KL (with the family's floor) and active units (runs overlaid for comparison), live
 * samples, and the trained model: explore it, or download it as a run directory.
 */
export function trainPage(o: TrainPageOptions): {
  el: HTMLElement;
  handle(event: TrainEvent): void;
  reset(reason: string): void;
  /** The settings that differ from the defaults, as a URL query (`latent=vmf&kappa=50`). */
  query(): string;
  /** Set the form from a URL query; returns what could not be used, as sentences. */
  applyQuery(query: string): string[];
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
  const button = (action: string, text: string, attrs: Record<string, string> = {}) =>
    h('button', { type: 'button', 'data-action': action, ...attrs }, text);
  const startButton = button('start', 'Start training', { class: 'primary' });
  const pauseButton = button('pause', 'Pause', { 'aria-pressed': 'false' });
  const stepButton = button('step', 'Step once', {
    title: 'Train one step (starts a paused run when none is going)',
  });
  const stopButton = button('stop', 'Stop');
  const clearButton = button('clear', 'Clear curves');
  const resetButton = button('reset-settings', 'Reset to defaults');
  const exploreButton = button('explore', 'Explore this model');
  const downloadButton = button('download', 'Download run (.zip)');
  const shareLink = h(
    'a',
    { href: `#${o.id}`, class: 'share-link', 'data-role': 'share-link' },
    'Link to these settings',
  );
  // The visible status changes with every progress row; screen readers hear the live region
  // below only when the run starts, pauses, resumes, finishes or fails.
  const status = h('p', { class: 'status', 'data-role': 'status' }, 'Not started.');
  const announcer = h('p', {
    class: 'visually-hidden',
    role: 'status',
    'aria-live': 'polite',
    'data-role': 'announcer',
  });
  const announce = (text: string) => {
    announcer.textContent = text;
  };
  const evalStatus = h('p', { class: 'status secondary', 'data-role': 'eval-status' });
  const legend = h('ul', { class: 'legend', 'aria-label': 'Runs on the curves' });
  const charts = {
    loss: new ChartView('Loss', { 'data-chart': 'loss' }),
    kl: new ChartView('KL divergence', { 'data-chart': 'kl' }),
    au: new ChartView('Active units', { 'data-chart': 'active-units' }),
  };
  const grid = imageCanvas('Samples from the prior, decoded', 'grid samples');
  grid.hidden = true; // until the first evaluation draws it: no empty square before that
  const gridCaption = h(
    'figcaption',
    {},
    'Decoded draws from the prior appear here once a run starts.',
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
          settingsChanged();
        },
      },
      p.label,
    ),
  );

  function applySettings(s: Partial<Record<string, unknown>>): void {
    for (const [key, value] of Object.entries(s)) {
      if (key === 'kappa') {
        learnKappa.checked = value === 'learned';
        if (value !== 'learned' && value !== undefined) c.kappa.value = String(value);
        continue;
      }
      const control = (c as Record<string, HTMLInputElement | HTMLSelectElement | undefined>)[key];
      if (key === 'gradientEstimator') syncVisibility(); // the objective's estimators first
      if (control) control.value = String(Array.isArray(value) ? value[0] : value);
    }
    syncVisibility();
  }

  /** The form's values, as strings (the settings that apply to the chosen family and objective). */
  function currentValues(): Partial<Record<UrlSettingKey, string>> {
    const s = chosen();
    const out: Partial<Record<UrlSettingKey, string>> = {};
    for (const key of URL_SETTING_KEYS) {
      if (key !== 'steps' && !settingApplies(key, s)) continue;
      out[key] = key === 'kappa' && learnKappa.checked ? 'learned' : c[key].value;
    }
    return out;
  }
  const defaultValues = formValues(d);
  function query(): string {
    return settingsQuery(currentValues(), defaultValues);
  }
  function settingsChanged(): void {
    const q = query();
    shareLink.href = `#${o.id}${q ? `?${q}` : ''}`;
    o.onSettingsChange?.();
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
  /** The run whose model the trainer holds for this tab (explore, download). */
  let lastRun: { runId: number; label: string } | undefined;
  let renderQueued = false;
  /** Smoothed steps per second of the current run, for the time left. */
  let rate: number | undefined;

  function setState(next: typeof state): void {
    state = next;
    const active = next === 'running' || next === 'paused';
    setEnabled(startButton, next === 'idle');
    setEnabled(pauseButton, active);
    setEnabled(stopButton, active);
    setEnabled(stepButton, next === 'idle' || next === 'paused');
    pauseButton.textContent = next === 'paused' ? 'Resume' : 'Pause';
    pauseButton.setAttribute('aria-pressed', String(next === 'paused'));
    const haveModel = lastRun !== undefined && (next === 'idle' || next === 'paused');
    setEnabled(exploreButton, haveModel);
    setEnabled(downloadButton, haveModel);
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
    charts.loss.render(series('loss'), {
      title: 'Loss (negative bound)',
      xLabel: 'step',
      yLabel: isText ? 'nats per sentence' : 'nats per image',
    });
    charts.kl.render(series('kl'), {
      title: 'KL(q(z|x) ‖ p(z))',
      xLabel: 'step',
      yLabel: 'nats',
      yInclude: 0,
      rules: runs
        .filter((r) => r.klFloor !== undefined)
        .map((r) => ({
          y: r.klFloor!,
          color: r.color,
          label: runs.length > 1 ? `KL floor (${runs.indexOf(r) + 1})` : 'KL floor',
          title: `KL floor of ${r.label}`,
        })),
    });
    charts.au.render(series('activeUnits'), {
      title: 'Active units',
      xLabel: 'step',
      yLabel: `units (of ${maxDim})`,
      yInclude: 0,
      yIntegers: true,
    });
    const points = runs.reduce((n, r) => n + r.train.length + r.test.length, 0);
    for (const chart of Object.values(charts)) chart.el.dataset['points'] = String(points);
    legend.replaceChildren(
      ...runs.map((r) =>
        h(
          'li',
          {},
          h('span', { class: 'swatch', style: `background:${r.color}`, 'aria-hidden': 'true' }),
          r.label,
          r.klFloor !== undefined
            ? h('span', { class: 'floor-note' }, ` (KL floor ${r.klFloor.toFixed(2)} nats, dotted)`)
            : null,
        ),
      ),
    );
  }

  function queueRender(): void {
    if (renderQueued) return;
    renderQueued = true;
    requestAnimationFrame(render);
  }

  async function start(options: { paused?: boolean } = {}): Promise<boolean> {
    errors.clear();
    let settings: TrainSettings;
    try {
      settings = readSettings();
    } catch (error) {
      errors.show(messageOf(error));
      return false;
    }
    setState('starting');
    status.textContent = 'Starting…';
    delete status.dataset['finished'];
    rate = undefined;
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
      lastRun = { runId, label: run.label };
      queueRender();
      await engine.request({
        type: 'train',
        settings,
        runId,
        ...(options.paused ? { paused: true } : {}),
      });
      if (state === 'starting') setState(options.paused ? 'paused' : 'running');
      return true;
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
      lastRun = undefined;
      status.textContent = 'Not started.';
      setState('idle');
      queueRender();
      return false;
    }
  }

  async function command(type: 'pause' | 'resume' | 'stop' | 'step'): Promise<void> {
    try {
      await (await o.engine()).request({ type });
    } catch (error) {
      errors.show(messageOf(error));
    }
  }

  const onClick = (b: HTMLButtonElement, action: () => void) =>
    b.addEventListener('click', () => {
      if (isEnabled(b)) action();
    });
  onClick(startButton, () => void start());
  onClick(pauseButton, () => {
    if (state === 'paused') {
      setState('running');
      announce('Resumed.');
      void command('resume');
    } else {
      void command('pause');
    }
  });
  onClick(stepButton, async () => {
    if (state === 'idle') {
      if (!(await start({ paused: true }))) return;
    }
    if (state === 'paused') void command('step');
  });
  onClick(stopButton, () => void command('stop'));
  onClick(clearButton, () => {
    runs.splice(0, runs.length, ...(current && state !== 'idle' ? [current] : []));
    queueRender();
  });
  onClick(resetButton, () => {
    for (const el of Object.values(c)) el.removeAttribute('aria-invalid');
    errors.clear();
    applySettings({ ...d, kappa: d.kappa });
    settingsChanged();
    announce('Settings reset to the defaults.');
  });
  onClick(exploreButton, async () => {
    errors.clear();
    const run = lastRun;
    if (run === undefined) return;
    try {
      const bundle = await (await o.engine()).request<ModelBundle>({
        type: 'export-model',
        runId: run.runId,
      });
      o.explore(bundle, `trained in this page: ${run.label}`);
    } catch (error) {
      errors.show(messageOf(error));
    }
  });
  onClick(downloadButton, async () => {
    errors.clear();
    const run = lastRun;
    if (run === undefined) return;
    try {
      const archive = await (await o.engine()).request<RunArchive>({
        type: 'export-run',
        runId: run.runId,
      });
      const url = URL.createObjectURL(new Blob([archive.zip], { type: 'application/zip' }));
      const a = h('a', { href: url, download: `${archive.name}.zip`, hidden: true });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      const message = `Downloaded ${archive.name}.zip: a vaekit run directory (${archive.paths.length} files). Load it in “Explore a model” (pick the .zip or the unzipped folder), or run vaekit eval or vaekit sample on the unzipped folder.`;
      evalStatus.textContent = message;
      announce(message);
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
        if (event.klFloor !== undefined) run.klFloor = event.klFloor;
        status.textContent = `Training on ${event.data}; ${event.parameters.toLocaleString('en')} parameters.`;
        announce(`Training started: ${run.label}.`);
        queueRender();
        break;
      case 'progress': {
        run.train.push(...event.rows);
        if (!event.paused)
          rate = rate === undefined ? event.stepsPerSec : 0.8 * rate + 0.2 * event.stepsPerSec;
        const left = rate && rate > 0 ? (event.steps - event.step) / rate : undefined;
        status.textContent = event.paused
          ? `Paused at step ${event.step} of ${event.steps}.`
          : `Step ${event.step} of ${event.steps} · ${event.stepsPerSec.toFixed(1)} steps/s · ${Math.round(event.examplesPerSec)} ${isText ? 'sentences' : 'images'}/s${left !== undefined && event.step < event.steps ? ` · about ${seconds(left)} left at this speed` : ''}`;
        status.dataset['step'] = String(event.step);
        status.dataset['stepsPerSec'] = event.stepsPerSec.toFixed(2);
        queueRender();
        break;
      }
      case 'evaluation': {
        run.test.push(event.row);
        const r = event.row;
        evalStatus.textContent = `Held out at step ${event.step}: loss ${r.loss.toFixed(1)} nats · KL ${r.kl.toFixed(2)} nats · active units ${r.activeUnits} of ${run.latentDim}`;
        evalStatus.dataset['step'] = String(event.step);
        if (event.images) {
          grid.hidden = false;
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
        announce(`Paused at step ${event.step}.`);
        break;
      case 'resumed':
        setState('running');
        break;
      case 'finished': {
        current = undefined;
        setState('idle');
        let message: string;
        if (event.status === 'failed') {
          errors.show(`Training failed: ${event.error}`);
          message = `Failed at step ${event.step}.`;
        } else {
          message = `${event.status === 'completed' ? 'Completed' : 'Stopped at'} step ${event.step} in ${event.seconds.toFixed(1)} s (${(event.step / Math.max(event.seconds, 1e-3)).toFixed(1)} steps/s on average, evaluations included).`;
        }
        status.textContent = message;
        announce(message);
        status.dataset['finished'] = event.status;
        status.dataset['seconds'] = event.seconds.toFixed(2);
        break;
      }
    }
  }

  const isImage = !isText;
  const form = h(
    'form',
    { class: 'settings', onsubmit: (e: Event) => e.preventDefault() },
    fieldset('Model', ['model']),
    fieldset('Objective', ['objective']),
    fieldset('Training', ['optimisation', 'evaluation', 'run']),
  );
  // Enter in a field starts training (the form has no submit button to do it).
  form.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' || !(e.target instanceof HTMLInputElement)) return;
    if (e.target.type === 'checkbox') return;
    e.preventDefault();
    if (isEnabled(startButton)) void start();
  });
  form.addEventListener('input', settingsChanged);
  form.addEventListener('change', settingsChanged);
  const el = h(
    'section',
    { id: `panel-${o.id}`, class: 'page', 'aria-labelledby': `${o.id}-heading` },
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
    form,
    h('div', { class: 'buttons settings-buttons' }, resetButton, shareLink),
    h(
      'div',
      { class: 'buttons' },
      startButton,
      pauseButton,
      stepButton,
      stopButton,
      clearButton,
      exploreButton,
      downloadButton,
    ),
    errors.el,
    status,
    announcer,
    evalStatus,
    h('h3', {}, 'Curves'),
    h(
      'p',
      { class: 'hint' },
      'Solid: training batches, the objective’s negative bound (averaged over 5 steps). Dashed with dots: held-out examples, the negative ELBO. Dotted, on the KL chart: the KL floor the run’s latent family keeps (BN-VAE: d/2·γ²; vMF with a fixed κ: its constant KL). Runs stay on the charts for comparison. Point at a chart (or focus it and use the arrow keys) to read its values.',
    ),
    legend,
    h(
      'div',
      { class: isImage ? 'results' : 'results three' },
      charts.loss.el,
      charts.kl.el,
      charts.au.el,
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
      lastRun = undefined;
      if (state !== 'idle') {
        current = undefined;
        status.textContent = reason;
        announce(reason);
      }
      setState('idle');
    },
    query,
    applyQuery(q) {
      const { values, problems } = parseSettingsQuery(q);
      // A link's settings are relative to the defaults: start from them.
      applySettings({ ...d, ...values });
      const q2 = query();
      shareLink.href = `#${o.id}${q2 ? `?${q2}` : ''}`;
      return problems;
    },
  };
}
