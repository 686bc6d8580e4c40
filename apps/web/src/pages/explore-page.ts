import type { Decoded, LatentMap, ModelBundle, ModelSummary, RunFiles } from '../shared/types';
import { readZip } from '../shared/zip';
import { PALETTE, formatValue, scatterChart } from '../ui/chart';
import {
  enterRuns,
  errorBox,
  field,
  h,
  latestOnly,
  messageOf,
  newId,
  numberInput,
} from '../ui/dom';
import type { EngineClient } from '../ui/engine-client';
import { drawImageGrid, imageCanvas, showDecoded } from '../ui/images';

/** A run directory bundled with the app (public/<folder>/). */
export interface DemoModel {
  /** The button's text. */
  label: string;
  /** `data-action` of its button. */
  action: string;
  /** URL of the folder, ending in `/`. */
  base: string;
  /** Its folder name, for messages. */
  folder: string;
  files: string[];
}

export interface ExplorePageOptions {
  engine(): Promise<EngineClient>;
  /** The bundled demo run directories. */
  demos: DemoModel[];
}

/** Ten colours for the digits, all visible on light and dark backgrounds (6 is the text colour). */
const DIGIT_COLORS = [...PALETTE, '#999999', '#B5651D', '#7B68EE'];

/**
 * The files of picked or dropped files, a `.zip` among them expanded (a run directory
 * downloaded from the training tabs, or zipped by hand).
 */
export async function expandZips(files: RunFiles): Promise<RunFiles> {
  const out: RunFiles = [];
  for (const f of files) {
    if (!/\.zip$/i.test(f.path)) {
      out.push(f);
      continue;
    }
    const entries = await readZip(new Uint8Array(await f.file.arrayBuffer()), f.path);
    for (const e of entries)
      out.push({ path: e.path, file: new Blob([e.data as Uint8Array<ArrayBuffer>]) });
  }
  return out;
}

/** Collect the files under dropped items, with their paths (folders walked; checkpoints skipped). */
async function droppedFiles(items: DataTransferItemList): Promise<RunFiles> {
  const out: RunFiles = [];
  const walk = async (entry: FileSystemEntry, path: string): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) =>
        (entry as FileSystemFileEntry).file(resolve, reject),
      );
      out.push({ path: path + entry.name, file });
    } else if (entry.isDirectory && entry.name !== 'checkpoint') {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
          reader.readEntries(resolve, reject),
        );
        if (batch.length === 0) break;
        for (const child of batch) await walk(child, `${path}${entry.name}/`);
      }
    }
  };
  // The items are readable only during the drop event: take every entry (or file) first.
  const taken = Array.from(items)
    .filter((item) => item.kind === 'file')
    .map((item) => ({ entry: item.webkitGetAsEntry?.() ?? null, file: item.getAsFile() }));
  for (const { entry, file } of taken) {
    if (entry) await walk(entry, '');
    else if (file) out.push({ path: file.name, file });
  }
  return out;
}

/**
 * The model explorer: load a run directory (picked, dropped, the bundled demo, or a model
 * trained in the page), then samples, reconstructions, interpolation and the latent map.
 */
export function explorePage(o: ExplorePageOptions): {
  el: HTMLElement;
  loadBundle(bundle: ModelBundle, source: string): Promise<void>;
  reset(reason: string): void;
} {
  const errors = errorBox();
  const status = h(
    'p',
    { class: 'status', role: 'status', 'aria-live': 'polite', 'data-role': 'load-status' },
    'No model loaded.',
  );
  const demoButtons = o.demos.map((demo, i) => {
    const b = h(
      'button',
      { type: 'button', class: i === 0 ? 'primary' : '', 'data-action': demo.action },
      demo.label,
    );
    b.addEventListener('click', () => void loadDemo(demo));
    return b;
  });
  const folderInput = h('input', {
    type: 'file',
    webkitdirectory: true,
    multiple: true,
    'data-role': 'folder-input',
  });
  const filesInput = h('input', {
    type: 'file',
    multiple: true,
    accept: '.json,.bin,.zip,.svg,application/zip',
    'data-role': 'files-input',
  });
  // The drop zone is also a button: Enter or Space opens the file picker (keyboard and touch).
  const drop = h(
    'div',
    { class: 'dropzone', 'data-role': 'dropzone', role: 'button', tabindex: 0 },
    'Drop a run directory, its .zip, or its files (vaekit-run.json, config.json, eval.json, model/model.json, model/weights.bin, model/vaekit.json) here, or press Enter here to pick them.',
  );
  drop.addEventListener('click', () => filesInput.click());
  drop.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      filesInput.click();
    }
  });

  const summaryList = h('ul', { class: 'summary', 'data-role': 'summary' });
  const curvesImage = h('img', {
    class: 'run-curves',
    alt: 'Training curves of the run (curves.svg, written by vaekit train): loss, KL and active units by step',
    hidden: true,
  });
  let curvesUrl: string | undefined;
  function showCurves(file: Blob | undefined): void {
    if (curvesUrl) URL.revokeObjectURL(curvesUrl);
    curvesUrl = file ? URL.createObjectURL(new Blob([file], { type: 'image/svg+xml' })) : undefined;
    curvesImage.hidden = curvesUrl === undefined;
    if (curvesUrl) curvesImage.src = curvesUrl;
    else curvesImage.removeAttribute('src');
  }
  const sections = h('div', { class: 'explore-sections', hidden: true });
  let summary: ModelSummary | undefined;
  let busy = 0;

  async function withEngine<T>(work: (engine: EngineClient) => Promise<T>): Promise<T | undefined> {
    errors.clear();
    busy++;
    sections.setAttribute('aria-busy', 'true');
    try {
      return await work(await o.engine());
    } catch (error) {
      errors.show(messageOf(error));
      return undefined;
    } finally {
      if (--busy === 0) sections.removeAttribute('aria-busy');
    }
  }

  async function loaded(result: ModelSummary | undefined): Promise<void> {
    if (result === undefined) return;
    summary = result;
    status.textContent = `Loaded: ${result.source}.`;
    status.dataset['loaded'] = result.kind;
    summaryList.replaceChildren(...result.lines.map((line) => h('li', {}, line)));
    sections.hidden = false;
    const image = result.kind === 'image';
    const digits = image && result.digitsCompatible === true;
    temperatureField.hidden = image;
    reconSection.hidden = image && !digits;
    interpSection.hidden = image && !digits;
    mapSection.hidden = image && !digits;
    interpImage.hidden = !image;
    interpText.hidden = image;
    if (result.exampleSentences) {
      sentenceA.value = result.exampleSentences[0];
      sentenceB.value = result.exampleSentences[1];
    }
    mapPoint.hidden = true;
    slidersSection.hidden = true;
    drawSection.hidden = !digits;
    gridButton.hidden = !image;
    gridCanvas.hidden = true;
    delete sections.dataset['ready'];
    await refreshAll();
    // Everything of this model is drawn (for the browser tests).
    sections.dataset['ready'] = result.source;
  }

  async function loadFiles(picked: RunFiles, source: string): Promise<void> {
    status.textContent = `Loading ${source}…`;
    delete status.dataset['loaded'];
    let files: RunFiles;
    try {
      files = await expandZips(picked);
    } catch (error) {
      errors.show(messageOf(error));
      status.textContent = summary ? `Still showing: ${summary.source}.` : 'No model loaded.';
      return;
    }
    const result = await withEngine((e) =>
      e.request<ModelSummary>({ type: 'load-run', files, source }),
    );
    if (result === undefined)
      status.textContent = summary ? `Still showing: ${summary.source}.` : 'No model loaded.';
    else {
      // The run's own training curves (as an image: an SVG shown by <img> runs no scripts).
      const svg = files
        .filter((f) => /(^|\/)curves\.svg$/.test(f.path) && !f.path.includes('checkpoint/'))
        .sort((a, b) => a.path.split('/').length - b.path.split('/').length)[0];
      showCurves(svg?.file);
    }
    await loaded(result);
  }

  async function loadDemo(demo: DemoModel): Promise<void> {
    errors.clear();
    status.textContent = `Fetching ${demo.label.replace(/^Load /, '')}…`;
    try {
      const files: RunFiles = await Promise.all(
        demo.files.map(async (path) => {
          const response = await fetch(new URL(path, demo.base).href);
          if (!response.ok)
            throw new Error(`could not fetch the demo model's ${path} (HTTP ${response.status})`);
          return { path: `${demo.folder}/${path}`, file: await response.blob() };
        }),
      );
      await loadFiles(
        files,
        `the bundled ${demo.label.replace(/^Load the bundled /, '')} (${demo.folder}/)`,
      );
    } catch (error) {
      errors.show(messageOf(error));
      status.textContent = 'No model loaded.';
    }
  }
  const fromInput = (input: HTMLInputElement) => {
    const list = Array.from(input.files ?? []);
    input.value = '';
    if (list.length === 0) return;
    const files = list.map((file) => ({ path: file.webkitRelativePath || file.name, file }));
    const folder = list[0]!.webkitRelativePath.split('/')[0];
    const zip = list.length === 1 && /\.zip$/i.test(list[0]!.name) ? list[0]!.name : undefined;
    void loadFiles(
      files,
      folder ? `folder ${folder}` : zip ? `archive ${zip}` : `${list.length} file(s)`,
    );
  };
  folderInput.addEventListener('change', () => fromInput(folderInput));
  filesInput.addEventListener('change', () => fromInput(filesInput));
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', async (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    if (!e.dataTransfer) return;
    try {
      const files = await droppedFiles(e.dataTransfer.items);
      const top = files[0]?.path.split('/')[0];
      await loadFiles(
        files,
        files.some((f) => f.path.includes('/')) && top
          ? `folder ${top}`
          : `${files.length} dropped file(s)`,
      );
    } catch (error) {
      errors.show(messageOf(error));
    }
  });

  // ---- samples -------------------------------------------------------------------------------
  let sampleSeed = 1;
  const samplesCanvas = imageCanvas('Samples from the prior', 'grid samples');
  const samplesList = h('ol', { class: 'sentences', hidden: true, 'data-role': 'explore-samples' });
  const temperature = numberInput(0, { min: 0, max: 3, step: 0.1 });
  const temperatureField = field('Temperature', temperature, '0: greedy decoding');
  const samplesButton = h(
    'button',
    { type: 'button', 'data-action': 'new-samples' },
    'New samples',
  );
  async function refreshSamples(): Promise<void> {
    const t = Number(temperature.value);
    const decoded = await withEngine((e) =>
      e.request<Decoded>({
        type: 'samples',
        n: summary?.kind === 'image' ? 64 : 10,
        seed: sampleSeed,
        ...(t > 0 ? { temperature: t } : {}),
      }),
    );
    if (decoded) {
      showDecoded(decoded, samplesCanvas, samplesList, 8);
      samplesCanvas.dataset['seed'] = String(sampleSeed);
    }
  }
  samplesButton.addEventListener('click', () => {
    sampleSeed++;
    void refreshSamples();
  });
  temperature.addEventListener('change', () => void refreshSamples());

  // ---- reconstructions -------------------------------------------------------------------------
  let reconOffset = 0;
  const reconCanvas = imageCanvas(
    'Held-out digits (odd rows) and their reconstructions (even rows)',
    'grid',
  );
  const reconTable = h('table', { class: 'recon', hidden: true });
  const reconButton = h('button', { type: 'button' }, 'Other examples');
  async function refreshRecon(): Promise<void> {
    const n = summary?.kind === 'image' ? 16 : 6;
    const r = await withEngine((e) =>
      e.request<{ inputs: Decoded; outputs: Decoded }>({
        type: 'reconstruct',
        n,
        offset: reconOffset,
      }),
    );
    if (!r) return;
    if (r.inputs.kind === 'image' && r.outputs.kind === 'image') {
      reconCanvas.hidden = false;
      reconTable.hidden = true;
      const size = r.inputs.height * r.inputs.width;
      const data = new Float32Array(2 * n * size);
      for (let row = 0; row < n / 8; row++) {
        data.set(r.inputs.data.subarray(row * 8 * size, (row + 1) * 8 * size), 2 * row * 8 * size);
        data.set(
          r.outputs.data.subarray(row * 8 * size, (row + 1) * 8 * size),
          (2 * row + 1) * 8 * size,
        );
      }
      drawImageGrid(
        reconCanvas,
        { data, n: 2 * n, height: r.inputs.height, width: r.inputs.width },
        8,
      );
    } else if (r.inputs.kind === 'text' && r.outputs.kind === 'text') {
      reconCanvas.hidden = true;
      reconTable.hidden = false;
      const outputs = r.outputs.sentences;
      reconTable.replaceChildren(
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, 'held-out sentence'),
            h('th', { scope: 'col' }, 'reconstruction'),
          ),
        ),
        h(
          'tbody',
          {},
          ...r.inputs.sentences.map((s, i) =>
            h('tr', {}, h('td', {}, s), h('td', {}, outputs[i] || '(empty)')),
          ),
        ),
      );
    }
  }
  reconButton.addEventListener('click', () => {
    reconOffset = (reconOffset + 16) % 480;
    void refreshRecon();
  });
  const reconSection = h(
    'section',
    { class: 'card' },
    h('h3', {}, 'Reconstructions'),
    h(
      'p',
      { class: 'hint' },
      'Each input is encoded to its posterior centre (the mean, or the mean direction for vMF) and decoded.',
    ),
    reconCanvas,
    reconTable,
    h('div', { class: 'buttons' }, reconButton),
  );

  // ---- interpolation -------------------------------------------------------------------------
  const fromDigit = numberInput(3, { min: 0, max: 499, step: 1 });
  const toDigit = numberInput(2, { min: 0, max: 499, step: 1 });
  const ends = imageCanvas('The two digits', 'grid ends');
  const sentenceA = h('input', { type: 'text', size: 40 });
  const sentenceB = h('input', { type: 'text', size: 40 });
  const interpSteps = numberInput(10, { min: 2, max: 16, step: 1 });
  const interpButton = h('button', { type: 'button', 'data-action': 'interpolate' }, 'Interpolate');
  const interpCanvas = imageCanvas('Decoded interpolation', 'grid interp');
  interpCanvas.dataset['role'] = 'interp-canvas';
  const interpList = h('ol', { class: 'sentences', hidden: true, 'data-role': 'interp-list' });
  const interpMethod = h('p', { class: 'hint', 'aria-live': 'polite' });
  const endsHint = h('p', { class: 'hint', 'data-role': 'interp-labels' });
  const interpImage = h(
    'div',
    {},
    h(
      'div',
      { class: 'inline-fields' },
      field('From held-out image no.', fromDigit),
      field('to image no.', toDigit),
      ends,
    ),
    endsHint,
  );
  const interpText = h(
    'div',
    { class: 'inline-fields', hidden: true },
    field('From sentence', sentenceA),
    field('To sentence', sentenceB),
  );
  async function refreshInterp(): Promise<void> {
    const image = summary?.kind === 'image';
    const steps = Math.max(2, Math.min(16, Math.round(Number(interpSteps.value)) || 10));
    const from = image ? Number(fromDigit.value) : sentenceA.value;
    const to = image ? Number(toDigit.value) : sentenceB.value;
    const r = await withEngine((e) =>
      e.request<{ method: string; inputs: Decoded; path: Decoded; labels?: [number, number] }>({
        type: 'interpolate',
        from,
        to,
        steps,
      }),
    );
    if (!r) return;
    if (r.inputs.kind === 'image') drawImageGrid(ends, r.inputs, 2);
    // The numbers are positions in the held-out set, not digits: say which digit each shows.
    endsHint.textContent = r.labels
      ? `Held-out image ${from} shows a ${r.labels[0]}; image ${to} shows a ${r.labels[1]} (images 0 to 499 of the held-out set).`
      : '';
    ends.setAttribute(
      'aria-label',
      r.labels
        ? `The two held-out images: a ${r.labels[0]} and a ${r.labels[1]}`
        : 'The two held-out images',
    );
    showDecoded(r.path, interpCanvas, interpList, steps);
    interpMethod.textContent =
      r.method === 'spherical'
        ? 'Spherical interpolation (slerp) between the two mean directions: every point stays on the sphere, where the vMF latents live.'
        : 'Linear interpolation between the two posterior means.';
  }
  interpButton.addEventListener('click', () => void refreshInterp());
  const interpSection = h(
    'section',
    { class: 'card' },
    h('h3', {}, 'Interpolation'),
    interpImage,
    interpText,
    field('Steps', interpSteps),
    h('div', { class: 'buttons' }, interpButton),
    interpMethod,
    interpCanvas,
    interpList,
  );
  enterRuns(interpSection, () => void refreshInterp());

  // ---- latent map ----------------------------------------------------------------------------
  // Point at the map (or click it) to decode the point under the pointer; focus it and use the
  // arrow keys (Shift: larger steps) to move the decoded point from the keyboard.
  const mapFigure = h('figure', {
    class: 'latent-map',
    'data-role': 'latent-map',
    tabindex: 0,
    role: 'group',
    'aria-label':
      'Latent map. Point at it to decode a point; from the keyboard, the arrow keys move the decoded point (Shift for larger steps).',
  });
  const mapCaption = h('figcaption', {});
  const mapLegend = h('ul', { class: 'legend' });
  const mapTableWrap = h('div', { class: 'table-wrap' });
  const mapTable = h(
    'details',
    { class: 'chart-data' },
    h('summary', {}, 'Latent map: data table (centre of each group)'),
    mapTableWrap,
  );
  const mapPointCanvas = imageCanvas('The decoded point', 'grid point');
  const mapPointList = h('ol', { class: 'sentences', hidden: true });
  const mapX = numberInput(0, { step: 0.1, 'data-role': 'map-x' });
  const mapY = numberInput(0, { step: 0.1, 'data-role': 'map-y' });
  const mapDecode = h('button', { type: 'button' }, 'Decode this point');
  const mapPoint = h(
    'div',
    { class: 'map-point', hidden: true, 'data-role': 'map-point' },
    mapPointCanvas,
    mapPointList,
  );
  const gridButton = h(
    'button',
    { type: 'button', 'data-action': 'decode-grid' },
    'Decode a 12×12 grid over the map',
  );
  const gridCanvas = imageCanvas('Decoded grid of points over the latent map', 'grid manifold');
  gridCanvas.hidden = true;
  gridButton.addEventListener('click', async () => {
    if (!mapping) return;
    const [x0, x1, y0, y1] = mapping.domain;
    const decoded = await withEngine((e) =>
      e.request<Decoded>({ type: 'decode-grid', x0, x1, y0, y1, n: 12 }),
    );
    if (decoded?.kind === 'image') {
      gridCanvas.hidden = false;
      drawImageGrid(gridCanvas, decoded, 12);
    }
  });
  let mapping: ReturnType<typeof scatterChart> | undefined;
  let lastMap: LatentMap | undefined;
  let cursor: [number, number] | undefined;
  function placeCursor(x: number, y: number): void {
    cursor = [x, y];
    mapX.value = x.toFixed(2);
    mapY.value = y.toFixed(2);
    if (mapping) {
      const c = mapFigure.querySelector<SVGCircleElement>('circle.cursor');
      const [sx, sy] = mapping.toSvg(x, y);
      c?.setAttribute('cx', String(sx));
      c?.setAttribute('cy', String(sy));
    }
  }
  // Hovering decodes continuously: the last point asked for is always the one shown.
  const decodeAt = latestOnly(async (x: number, y: number) => {
    placeCursor(x, y);
    const decoded = await withEngine((e) => e.request<Decoded>({ type: 'decode-point', x, y }));
    if (decoded) {
      mapPoint.hidden = false;
      showDecoded(decoded, mapPointCanvas, mapPointList, 1);
      mapPoint.dataset['x'] = x.toFixed(3);
      mapPoint.dataset['y'] = y.toFixed(3);
      mapPointCanvas.setAttribute(
        'aria-label',
        `The point (${x.toFixed(2)}, ${y.toFixed(2)}) of the map, decoded`,
      );
    }
  });
  mapDecode.addEventListener(
    'click',
    () => void decodeAt(Number(mapX.value) || 0, Number(mapY.value) || 0),
  );
  const pointerToData = (e: MouseEvent): [number, number] | undefined => {
    const svg = mapFigure.querySelector('svg');
    if (!svg || !mapping) return undefined;
    const rect = svg.getBoundingClientRect();
    const box = svg.viewBox.baseVal;
    const px = ((e.clientX - rect.left) / rect.width) * box.width;
    const py = ((e.clientY - rect.top) / rect.height) * box.height;
    const [x0, x1, y0, y1] = mapping.domain;
    const [x, y] = mapping.toData(px, py);
    return x >= x0 && x <= x1 && y >= y0 && y <= y1 ? [x, y] : undefined;
  };
  mapFigure.addEventListener('pointermove', (e) => {
    if (e.pointerType !== 'mouse' && e.pointerType !== 'pen') return;
    const p = pointerToData(e);
    if (p) void decodeAt(...p);
  });
  mapFigure.addEventListener('click', (e) => {
    const p = pointerToData(e);
    if (p) void decodeAt(...p);
  });
  mapFigure.addEventListener('keydown', (e) => {
    if (!mapping) return;
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [-1, 0],
      ArrowRight: [1, 0],
      ArrowUp: [0, 1],
      ArrowDown: [0, -1],
    };
    const m = moves[e.key];
    if (!m) return;
    e.preventDefault();
    const [x0, x1, y0, y1] = mapping.domain;
    const step = (e.shiftKey ? 0.1 : 0.025) * (x1 - x0);
    const [cx, cy] = cursor ?? [(x0 + x1) / 2, (y0 + y1) / 2];
    const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));
    void decodeAt(
      clamp(cx + m[0] * step, x0, x1),
      clamp(cy + m[1] * step * ((y1 - y0) / (x1 - x0)), y0, y1),
    );
  });

  function drawMap(): void {
    const map = lastMap;
    if (!map) return;
    const image = summary?.kind === 'image';
    const lengths = map.points.map((p) => p.label);
    const [lo, hi] = [Math.min(...lengths), Math.max(...lengths)];
    const color = (label: number) =>
      image
        ? DIGIT_COLORS[label % DIGIT_COLORS.length]!
        : `hsl(${220 - (200 * (label - lo)) / Math.max(1, hi - lo)} 70% 50%)`;
    // Drawn at the width it is shown at, so its text keeps its size on a phone.
    const shown = mapFigure.clientWidth;
    mapping = scatterChart(
      map.points.map((p) => ({
        x: p.x,
        y: p.y,
        color: color(p.label),
        title: p.text ? `${p.text} (${p.label} tokens)` : `digit ${p.label}`,
      })),
      {
        title:
          map.method === 'latent'
            ? 'Latent space (d = 2)'
            : 'Latent space, first two principal components',
        xLabel: map.axes[0],
        yLabel: map.axes[1],
        size: shown > 0 ? Math.max(280, Math.min(480, shown)) : 400,
      },
    );
    mapFigure.innerHTML = mapping.svg;
    mapFigure.dataset['width'] = String(shown);
    if (cursor) placeCursor(...cursor);
    mapLegend.replaceChildren(
      ...(image
        ? Array.from({ length: 10 }, (_, dgt) =>
            h(
              'li',
              {},
              h('span', {
                class: 'swatch',
                style: `background:${color(dgt)}`,
                'aria-hidden': 'true',
              }),
              String(dgt),
            ),
          )
        : [lo, hi].map((v) =>
            h(
              'li',
              {},
              h('span', {
                class: 'swatch',
                style: `background:${color(v)}`,
                'aria-hidden': 'true',
              }),
              `${v} tokens`,
            ),
          )),
    );
    // The text alternative: each group's size and centre on the map.
    const groups = new Map<number, { n: number; x: number; y: number }>();
    for (const p of map.points) {
      const g = groups.get(p.label) ?? { n: 0, x: 0, y: 0 };
      g.n++;
      g.x += p.x;
      g.y += p.y;
      groups.set(p.label, g);
    }
    mapTableWrap.replaceChildren(
      h(
        'table',
        { class: 'data' },
        h('caption', {}, `Centre of each ${map.labelName} group on the map`),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, map.labelName),
            h('th', { scope: 'col' }, 'points'),
            h('th', { scope: 'col' }, `mean ${map.axes[0]}`),
            h('th', { scope: 'col' }, `mean ${map.axes[1]}`),
          ),
        ),
        h(
          'tbody',
          {},
          ...[...groups.entries()]
            .sort((a, b) => a[0] - b[0])
            .map(([label, g]) =>
              h(
                'tr',
                {},
                h('th', { scope: 'row' }, String(label)),
                h('td', {}, String(g.n)),
                h('td', {}, formatValue(g.x / g.n)),
                h('td', {}, formatValue(g.y / g.n)),
              ),
            ),
        ),
      ),
    );
  }
  if (typeof ResizeObserver !== 'undefined') {
    let width = 0;
    new ResizeObserver(() => {
      const w = mapFigure.clientWidth;
      if (lastMap && w > 0 && Math.abs(w - width) > 2) {
        width = w;
        drawMap();
      }
    }).observe(mapFigure);
  }

  async function refreshMap(): Promise<void> {
    const map = await withEngine((e) => e.request<LatentMap>({ type: 'latent-map', n: 500 }));
    if (!map) return;
    lastMap = map;
    cursor = undefined;
    drawMap();
    mapFigure.dataset['points'] = String(map.points.length);
    const image = summary?.kind === 'image';
    mapCaption.textContent = `Posterior centres of ${map.points.length} held-out ${image ? 'digits' : 'sentences'}, coloured by ${map.labelName}${map.explained !== undefined ? `; the two components explain ${(100 * map.explained).toFixed(0)}% of their variance` : ''}. Point at the map (or click it, or focus it and use the arrow keys, or enter a point below) to decode it.`;
    buildSliders(map);
  }
  const mapSection = h(
    'section',
    { class: 'card' },
    h('h3', {}, 'Latent map'),
    mapFigure,
    mapCaption,
    mapLegend,
    mapTable,
    h('div', { class: 'inline-fields' }, field('x', mapX), field('y', mapY), mapDecode),
    mapPoint,
    h('div', { class: 'buttons' }, gridButton),
    gridCanvas,
  );
  enterRuns(mapSection, () => void decodeAt(Number(mapX.value) || 0, Number(mapY.value) || 0));

  // ---- one slider per latent dimension (small d) --------------------------------------------
  /** The most latent dimensions that get sliders. */
  const MAX_SLIDERS = 16;
  const sliderList = h('div', { class: 'sliders', 'data-role': 'latent-sliders' });
  const sliderCanvas = imageCanvas('The latent vector of the sliders, decoded', 'grid point');
  const sliderText = h('ol', { class: 'sentences', hidden: true });
  const sliderNote = h('p', { class: 'hint' });
  const centreButton = h('button', { type: 'button' }, 'Back to the centre');
  let sliders: HTMLInputElement[] = [];
  let centre: number[] = [];
  const decodeSliders = latestOnly(async () => {
    const z = sliders.map((s) => Number(s.value));
    const decoded = await withEngine((e) => e.request<Decoded>({ type: 'decode-latent', z }));
    if (decoded) {
      showDecoded(decoded, sliderCanvas, sliderText, 1);
      sliderCanvas.dataset['z'] = z.map((v) => v.toFixed(3)).join(',');
    }
  });
  function buildSliders(map: LatentMap): void {
    const dims = map.dims;
    const d = dims?.mean.length ?? 0;
    slidersSection.hidden = dims === undefined || d > MAX_SLIDERS;
    if (dims === undefined || d > MAX_SLIDERS) return;
    centre = dims.mean;
    sliders = dims.mean.map((mean, j) => {
      const span = Math.max(1e-3, dims.max[j]! - dims.min[j]!);
      const lo = dims.min[j]! - 0.15 * span;
      const hi = dims.max[j]! + 0.15 * span;
      return h('input', {
        type: 'range',
        min: lo.toFixed(4),
        max: hi.toFixed(4),
        step: ((hi - lo) / 200).toFixed(5),
        value: mean.toFixed(4),
        'data-dim': j,
      });
    });
    const outputs = sliders.map((s) => h('output', {}, Number(s.value).toFixed(2)));
    sliderList.replaceChildren(
      ...sliders.map((s, j) => {
        s.id = newId('z');
        s.addEventListener('input', () => {
          outputs[j]!.textContent = Number(s.value).toFixed(2);
          void decodeSliders();
        });
        return h(
          'div',
          { class: 'slider' },
          h('label', { for: s.id }, `z${j + 1}`),
          s,
          outputs[j]!,
        );
      }),
    );
    for (const [j, s] of sliders.entries()) s.value = dims.mean[j]!.toFixed(4);
    const family = summary?.family ?? '';
    sliderNote.textContent = `Each slider sets one coordinate of z (its range: the held-out posterior centres, with a margin); the decoder turns z into ${summary?.kind === 'image' ? 'an image' : 'a sentence'} as you move it.${family === 'vmf' || family === 'power-spherical' ? ' The latents of this family live on the unit sphere: z is divided by its length before decoding.' : ''}`;
    void decodeSliders();
  }
  centreButton.addEventListener('click', () => {
    for (const [j, s] of sliders.entries()) {
      s.value = String(centre[j]);
      s.dispatchEvent(new Event('input'));
    }
  });
  const slidersSection = h(
    'section',
    { class: 'card', hidden: true },
    h('h3', {}, 'Latent dimensions'),
    sliderNote,
    sliderList,
    h('div', { class: 'inline-fields' }, centreButton),
    sliderCanvas,
    sliderText,
  );

  // ---- draw a digit ---------------------------------------------------------------------------
  const SIDE = 280;
  const pad = h('canvas', {
    class: 'grid drawpad',
    width: SIDE,
    height: SIDE,
    role: 'img',
    'aria-label': 'Drawing area: draw a digit with the mouse, a pen or a finger',
    'data-role': 'drawpad',
  });
  const padCtx = pad.getContext('2d', { willReadFrequently: true })!;
  const clearPad = () => {
    padCtx.fillStyle = '#fff';
    padCtx.fillRect(0, 0, SIDE, SIDE);
    delete pad.dataset['ink'];
  };
  clearPad();
  const drawnCanvas = imageCanvas(
    'Your digit as the model sees it (28×28), and its reconstruction',
    'grid point',
  );
  drawnCanvas.dataset['role'] = 'drawn-reconstruction';
  const drawStatus = h(
    'p',
    { class: 'hint', 'data-role': 'draw-status' },
    'Draw a digit in the box: it is encoded and reconstructed when you lift the pen.',
  );
  const clearButton = h('button', { type: 'button', 'data-action': 'clear-drawing' }, 'Clear');
  let stroke: { x: number; y: number } | undefined;
  const at = (e: PointerEvent) => {
    const r = pad.getBoundingClientRect();
    return {
      x: ((e.clientX - r.left) / r.width) * SIDE,
      y: ((e.clientY - r.top) / r.height) * SIDE,
    };
  };
  pad.addEventListener('pointerdown', (e) => {
    e.preventDefault();
    pad.setPointerCapture(e.pointerId);
    stroke = at(e);
    padCtx.fillStyle = '#000';
    padCtx.beginPath();
    padCtx.arc(stroke.x, stroke.y, 9, 0, 2 * Math.PI);
    padCtx.fill();
  });
  pad.addEventListener('pointermove', (e) => {
    if (!stroke) return;
    const p = at(e);
    padCtx.strokeStyle = '#000';
    padCtx.lineWidth = 18;
    padCtx.lineCap = 'round';
    padCtx.beginPath();
    padCtx.moveTo(stroke.x, stroke.y);
    padCtx.lineTo(p.x, p.y);
    padCtx.stroke();
    stroke = p;
  });
  const endStroke = () => {
    if (!stroke) return;
    stroke = undefined;
    pad.dataset['ink'] = '1';
    void encodeDrawing();
  };
  pad.addEventListener('pointerup', endStroke);
  pad.addEventListener('pointercancel', endStroke);
  clearButton.addEventListener('click', () => {
    clearPad();
    drawnCanvas.hidden = true;
    drawStatus.textContent =
      'Draw a digit in the box: it is encoded and reconstructed when you lift the pen.';
  });

  /**
   * The drawing as MNIST prepares its digits: the ink's bounding box scaled into a 20×20 box
   * centred in 28×28, ink 1 and paper 0.
   */
  function drawnPixels(): Float32Array | undefined {
    const img = padCtx.getImageData(0, 0, SIDE, SIDE).data;
    let [x0, y0, x1, y1] = [SIDE, SIDE, -1, -1];
    for (let y = 0; y < SIDE; y++)
      for (let x = 0; x < SIDE; x++)
        if (img[4 * (y * SIDE + x)]! < 128) {
          x0 = Math.min(x0, x);
          x1 = Math.max(x1, x);
          y0 = Math.min(y0, y);
          y1 = Math.max(y1, y);
        }
    if (x1 < 0) return undefined;
    const w = x1 - x0 + 1;
    const hgt = y1 - y0 + 1;
    const scale = 20 / Math.max(w, hgt);
    const small = h('canvas', { width: 28, height: 28 });
    const ctx = small.getContext('2d')!;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, 28, 28);
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(
      pad,
      x0,
      y0,
      w,
      hgt,
      14 - (w * scale) / 2,
      14 - (hgt * scale) / 2,
      w * scale,
      hgt * scale,
    );
    const px = ctx.getImageData(0, 0, 28, 28).data;
    const out = new Float32Array(784);
    for (let i = 0; i < 784; i++) out[i] = 1 - px[4 * i]! / 255;
    return out;
  }
  const encodeDrawing = latestOnly(async () => {
    const pixels = drawnPixels();
    if (!pixels) return;
    const r = await withEngine((e) =>
      e.request<{ z: number[]; reconstruction: Decoded; map?: [number, number] }>({
        type: 'encode-image',
        pixels,
      }),
    );
    if (r?.reconstruction.kind !== 'image') return;
    const both = new Float32Array(2 * 784);
    both.set(pixels, 0);
    both.set(r.reconstruction.data, 784);
    drawnCanvas.hidden = false;
    drawImageGrid(drawnCanvas, { data: both, n: 2, height: 28, width: 28 }, 2);
    drawnCanvas.dataset['z'] = r.z.map((v) => v.toFixed(3)).join(',');
    drawStatus.textContent = `Left: your digit at 28×28; right: its reconstruction from the posterior centre z = (${r.z
      .slice(0, 4)
      .map((v) => v.toFixed(2))
      .join(
        ', ',
      )}${r.z.length > 4 ? ', …' : ''})${r.map ? `, marked on the latent map at (${r.map[0].toFixed(2)}, ${r.map[1].toFixed(2)})` : ''}.`;
    if (r.map && mapping) placeCursor(...r.map);
  });
  drawnCanvas.hidden = true;
  const drawSection = h(
    'section',
    { class: 'card', hidden: true },
    h('h3', {}, 'Draw a digit'),
    drawStatus,
    h('div', { class: 'draw-row' }, pad, drawnCanvas),
    h('div', { class: 'buttons' }, clearButton),
  );

  async function refreshAll(): Promise<void> {
    reconOffset = 0;
    await refreshSamples();
    if (!reconSection.hidden) await refreshRecon();
    if (!interpSection.hidden) await refreshInterp();
    if (!mapSection.hidden) await refreshMap();
  }

  sections.append(
    h('section', { class: 'card' }, h('h3', {}, 'Model'), summaryList, curvesImage),
    h(
      'section',
      { class: 'card' },
      h('h3', {}, 'Samples'),
      h(
        'p',
        { class: 'hint' },
        'Draws from the prior, decoded (pixel means; sentences by greedy decoding unless a temperature is set).',
      ),
      samplesCanvas,
      samplesList,
      h('div', { class: 'inline-fields' }, temperatureField, samplesButton),
    ),
    reconSection,
    interpSection,
    mapSection,
    slidersSection,
    drawSection,
  );

  const el = h(
    'section',
    { id: 'panel-explore', class: 'page', 'aria-labelledby': 'explore-heading' },
    h('h2', { id: 'explore-heading' }, 'Explore a trained model'),
    h(
      'p',
      {},
      'Load a run directory written by ',
      h('code', {}, 'vaekit train'),
      ' (the folder given to ',
      h('code', {}, '--out'),
      '). Only its model/ folder, config.json and eval.json are read; nothing leaves your computer.',
    ),
    h(
      'div',
      { class: 'loaders' },
      ...demoButtons,
      field('Pick a run directory', folderInput),
      field('…or pick its files', filesInput),
    ),
    drop,
    errors.el,
    status,
    sections,
  );
  return {
    el,
    async loadBundle(bundle, source) {
      showCurves(undefined);
      status.textContent = `Loading ${source}…`;
      const result = await withEngine((e) =>
        e.request<ModelSummary>({ type: 'load-bundle', bundle, source }, [bundle.weightData]),
      );
      await loaded(result);
    },
    reset(reason) {
      summary = undefined;
      sections.hidden = true;
      delete status.dataset['loaded'];
      status.textContent = reason;
    },
  };
}
