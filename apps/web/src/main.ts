import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { DEMO_FILES } from './engine/run-files';
import { explorePage } from './pages/explore-page';
import { trainPage } from './pages/train-page';
import { vmfPage } from './pages/vmf-page';
import {
  BROWSER_BACKENDS,
  type BackendReport,
  type BackendRequest,
  DEFAULT_SETTINGS,
} from './shared/types';
import { h, messageOf, select } from './ui/dom';
import { EngineClient } from './ui/engine-client';
import './style.css';

const absolute = (url: string) => new URL(url, document.baseURI).href;
const wasmPaths = {
  'tfjs-backend-wasm.wasm': absolute(wasmUrl),
  'tfjs-backend-wasm-simd.wasm': absolute(wasmSimdUrl),
  'tfjs-backend-wasm-threaded-simd.wasm': absolute(wasmThreadedUrl),
};
const dataBase = absolute('data/');

// ---- engines: the explorer's worker picks the backend; the trainer's reuses its choice ----------
let explorer: EngineClient | undefined;
let trainer: Promise<EngineClient> | undefined;
let backend: Promise<BackendReport>;

const backendStatus = h(
  'span',
  { class: 'backend-status', role: 'status', 'aria-live': 'polite', 'data-role': 'backend' },
  'Choosing a backend…',
);
const params = new URLSearchParams(location.search);
const initial = (
  ['auto', ...BROWSER_BACKENDS].includes(params.get('backend') ?? '')
    ? params.get('backend')
    : 'auto'
) as BackendRequest;
/**
 * `?wasm-fixes=none` (or a comma-separated list of fix names) runs wasm with tfjs's own kernels
 * (or only those fixes): for measuring what vaekit's kernels are worth in this browser.
 */
const wasmFixesParam = params.get('wasm-fixes');
const wasmKernelFixes =
  wasmFixesParam === null
    ? undefined
    : wasmFixesParam === 'none'
      ? []
      : wasmFixesParam.split(',').filter(Boolean);
const backendSelect = select(
  [
    ['auto', 'auto (fastest measured)'],
    ...BROWSER_BACKENDS.map((name) => [name, name] as [string, string]),
  ],
  initial,
  { id: 'backend-select' },
);

function startEngines(request: BackendRequest): void {
  explorer?.terminate();
  if (trainer)
    void trainer.then(
      (t) => t.terminate(),
      () => undefined,
    );
  trainer = undefined;
  explorer = new EngineClient('explorer');
  backendStatus.textContent = request === 'auto' ? 'Timing the backends…' : `Starting ${request}…`;
  delete backendStatus.dataset['choice'];
  backend = explorer.request<BackendReport>({
    type: 'init',
    backend: request,
    wasmPaths,
    dataBase,
    ...(wasmKernelFixes ? { wasmKernelFixes } : {}),
  });
  backend.then(
    (r) => {
      const timings = r.timings
        .map((t) =>
          t.ms !== undefined ? `${t.backend} ${t.ms.toFixed(1)} ms` : `${t.backend} unavailable`,
        )
        .join(', ');
      // The status's text is its accessible name: everything is in it, nothing in a tooltip.
      const unavailable = r.timings
        .filter((t) => t.ms === undefined)
        .map((t) => `${t.backend}: ${t.error}`);
      backendStatus.textContent =
        r.requested === 'auto'
          ? `Backend: ${r.detail}, the fastest for one training step (${timings}; chosen in ${(r.totalMs / 1000).toFixed(1)} s).${unavailable.length > 0 ? ` Unavailable: ${unavailable.join('; ')}.` : ''}`
          : `Backend: ${r.detail} (chosen by hand).`;
      backendStatus.dataset['choice'] = r.choice;
      backendStatus.dataset['timings'] = JSON.stringify(r.timings);
      backendStatus.dataset['totalMs'] = r.totalMs.toFixed(0);
    },
    (error) => {
      backendStatus.textContent = `No backend could start: ${messageOf(error)}`;
      backendStatus.classList.add('error-text');
    },
  );
}

function trainerEngine(): Promise<EngineClient> {
  trainer ??= backend.then(async (r) => {
    const t = new EngineClient('trainer');
    t.onEvent = (event) => {
      for (const page of trainPages) page.handle(event);
    };
    t.onCrash = (error) => {
      trainer = undefined;
      for (const page of trainPages) page.reset(`Stopped: ${error.message}.`);
    };
    await t.request({
      type: 'init',
      backend: r.choice,
      wasmPaths,
      dataBase,
      ...(wasmKernelFixes ? { wasmKernelFixes } : {}),
    });
    return t;
  });
  trainer.catch(() => {
    trainer = undefined;
  });
  return trainer;
}

async function explorerEngine(): Promise<EngineClient> {
  await backend;
  return explorer!;
}

// ---- pages ---------------------------------------------------------------------------------------

const explore = explorePage({
  engine: explorerEngine,
  demos: [
    {
      label: 'Load the bundled demo model',
      action: 'load-demo',
      base: absolute('demo-model/'),
      folder: 'demo-model',
      files: DEMO_FILES,
    },
    {
      label: 'Load the bundled text demo model',
      action: 'load-text-demo',
      base: absolute('demo-text-model/'),
      folder: 'demo-text-model',
      files: DEMO_FILES,
    },
  ],
});
const showExplore = async (bundle: Parameters<typeof explore.loadBundle>[0], source: string) => {
  selectTab('explore', true);
  await explore.loadBundle(bundle, source);
};
/** Keep a training tab's settings in the URL while it is shown. */
const settingsChanged = () => updateHash();

const imagePage = trainPage({
  task: 'image',
  id: 'train',
  heading: 'Train an image VAE on MNIST digits',
  intro: [
    'A VAE with an MLP encoder and decoder learns 3,000 handwritten digits, here in your browser (in a Web Worker, with TensorFlow.js). Pick the latent family and the objective, and watch the loss, the KL divergence to the prior and the number of active latent units, with samples from the prior.',
  ],
  defaults: DEFAULT_SETTINGS,
  presets: [
    { label: 'Gaussian, ELBO', settings: { latent: 'gaussian', objective: 'elbo', k: 1 } },
    { label: 'BN-VAE, ELBO', settings: { latent: 'bn', gamma: 0.5, objective: 'elbo', k: 1 } },
    { label: 'vMF, ELBO', settings: { latent: 'vmf', kappa: 50, objective: 'elbo', k: 1 } },
    { label: 'Gaussian, IWAE K=5', settings: { latent: 'gaussian', objective: 'iwae', k: 5 } },
  ],
  engine: trainerEngine,
  explore: (bundle, source) => void showExplore(bundle, source),
  onSettingsChange: settingsChanged,
});

const textPage = trainPage({
  task: 'text',
  id: 'text',
  heading: 'Posterior collapse in a text VAE',
  intro: [
    'An LSTM VAE on 6,000 short Brown-corpus sentences. Its decoder is a language model strong enough to ignore the latent code. Under the plain ELBO the KL term goes to zero within a few dozen steps and no latent unit stays active (posterior collapse): every sentence gets the same code, the samples are one sentence and the reconstructions ignore their input. BN-VAE (batch norm on the posterior means) keeps the training KL above d/2·γ² (2.9 nats for d = 16, γ = 0.6) and every unit active; a von Mises-Fisher posterior with a fixed κ has a constant KL (7.2 nats for κ = 30) and keeps most units active.',
    'Train the three presets one after the other: their curves stay on the charts for comparison. Each is 400 steps of 32 sentences with a held-out evaluation every 25. How long that takes depends on the machine and on what else it runs: in headless Chromium on a 2-core server (wasm backend) a preset took 26 to 36 seconds from Start to Completed when the server was nearly idle, and 44 to 65 seconds with other work on its cores. The status line shows the speed here and the time left.',
  ],
  defaults: {
    ...DEFAULT_SETTINGS,
    task: 'text',
    latent: 'gaussian',
    latentDim: 16,
    hidden: [128],
    embedding: 64,
    batchSize: 32,
    lr: 2e-3,
    steps: 400,
    evalEvery: 25,
  },
  presets: [
    { label: 'Plain VAE: collapses', settings: { latent: 'gaussian', objective: 'elbo', k: 1 } },
    { label: 'BN-VAE γ=0.6', settings: { latent: 'bn', gamma: 0.6, objective: 'elbo', k: 1 } },
    { label: 'vMF κ=30', settings: { latent: 'vmf', kappa: 30, objective: 'elbo', k: 1 } },
  ],
  engine: trainerEngine,
  explore: (bundle, source) => void showExplore(bundle, source),
  onSettingsChange: settingsChanged,
});
const trainPages = [imagePage, textPage];
const vmf = vmfPage({ engine: explorerEngine });

backendSelect.addEventListener('change', () => {
  for (const page of trainPages) page.reset('Stopped: the backend was changed.');
  explore.reset('The backend was changed: load the model again.');
  startEngines(backendSelect.value as BackendRequest);
});

// ---- tabs ----------------------------------------------------------------------------------------
const TABS: [string, string, HTMLElement][] = [
  ['train', 'Train on digits', imagePage.el],
  ['text', 'Text collapse demo', textPage.el],
  ['explore', 'Explore a model', explore.el],
  ['vmf', 'vMF sampler', vmf],
];
// The panels' ids are `panel-<tab>`, never the tab's name: the URL's `#train` names a tab, and
// must not match an element, or the browser scrolls to it (past the header) and moves the
// focus into it when the page has loaded.
const tabButtons = TABS.map(([id, text, panel]) => {
  panel.id = `panel-${id}`;
  panel.setAttribute('role', 'tabpanel');
  panel.setAttribute('aria-labelledby', `tab-${id}`);
  panel.tabIndex = -1;
  return h(
    'button',
    { type: 'button', role: 'tab', id: `tab-${id}`, 'aria-controls': panel.id, 'data-tab': id },
    text,
  );
});
const pageOfTab: Record<string, (typeof trainPages)[number] | undefined> = {
  train: imagePage,
  text: textPage,
};
let selected = 'train';
/** `#<tab>`, with the tab's settings when they differ from its defaults (`#train?latent=vmf`). */
function updateHash(): void {
  const q = pageOfTab[selected]?.query() ?? '';
  const hash = `#${selected}${q ? `?${q}` : ''}`;
  if (location.hash !== hash) history.replaceState(null, '', hash);
}
let vmfShown = false;
function selectTab(id: string, focus = false): void {
  selected = id;
  TABS.forEach(([tab, , panel], i) => {
    const on = tab === id;
    panel.hidden = !on;
    const button = tabButtons[i]!;
    button.setAttribute('aria-selected', String(on));
    button.tabIndex = on ? 0 : -1;
    if (on && focus) button.focus();
  });
  updateHash();
  if (id === 'vmf' && !vmfShown) {
    vmfShown = true;
    void (vmf as HTMLElement & { sample(): Promise<void> }).sample();
  }
}
const tablist = h(
  'div',
  { role: 'tablist', 'aria-label': 'Sections', class: 'tabs' },
  ...tabButtons,
);
tablist.addEventListener('click', (e) => {
  const id = (e.target as HTMLElement).closest<HTMLElement>('[data-tab]')?.dataset['tab'];
  if (id) selectTab(id);
});
tablist.addEventListener('keydown', (e) => {
  const i = tabButtons.indexOf(document.activeElement as HTMLButtonElement);
  if (i < 0) return;
  const next =
    e.key === 'ArrowRight'
      ? i + 1
      : e.key === 'ArrowLeft'
        ? i - 1
        : e.key === 'Home'
          ? 0
          : e.key === 'End'
            ? TABS.length - 1
            : undefined;
  if (next === undefined) return;
  e.preventDefault();
  selectTab(TABS[(next + TABS.length) % TABS.length]![0], true);
});

const linkProblems = h('p', {
  class: 'error',
  role: 'alert',
  hidden: true,
  'data-role': 'link-problems',
});
const app = document.getElementById('app')!;
app.append(
  h(
    'header',
    {},
    h(
      'h1',
      {},
      'vaekit ',
      h('span', { class: 'subtitle' }, 'VAEs that do not collapse, in your browser'),
    ),
    h(
      'div',
      { class: 'backend' },
      h('label', { for: 'backend-select' }, 'Backend'),
      backendSelect,
      backendStatus,
    ),
    tablist,
  ),
  h('main', {}, linkProblems, ...TABS.map(([, , panel]) => panel)),
  h(
    'footer',
    {},
    'Built on ',
    h('code', {}, '@vaekit/core'),
    ', ',
    h('code', {}, '@vaekit/layers'),
    ', ',
    h('code', {}, '@vaekit/objectives'),
    ' and ',
    h('code', {}, '@vaekit/distributions'),
    ' with TensorFlow.js. Data: MNIST (LeCun et al. 1998), the Brown corpus (Francis & Kučera 1964). Everything runs locally; nothing is uploaded.',
  ),
);
startEngines(initial);
// For the browser tests and for debugging: tensors alive in each worker.
Object.assign(window, {
  vaekitMemory: async () => ({
    explorer: await (await explorerEngine()).request({ type: 'memory' }),
    trainer: trainer ? await (await trainer).request({ type: 'memory' }) : undefined,
  }),
});

/** Show the tab a URL's hash names, with the settings it carries (`#text?latent=bn&gamma=0.6`). */
function route(): void {
  const hash = location.hash.slice(1);
  const cut = hash.indexOf('?');
  const id = cut < 0 ? hash : hash.slice(0, cut);
  const tab = TABS.some(([t]) => t === id) ? id : 'train';
  const page = pageOfTab[tab];
  if (page && cut >= 0) {
    const problems = page.applyQuery(hash.slice(cut + 1));
    linkProblems.hidden = problems.length === 0;
    linkProblems.textContent =
      problems.length > 0
        ? `Some settings of this link were not used (the form keeps its defaults for them): ${problems.join('; ')}.`
        : '';
  }
  selectTab(tab);
}
route();
window.addEventListener('hashchange', route);
