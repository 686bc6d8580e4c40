import type { Decoded, LatentMap, ModelBundle, ModelSummary, RunFiles } from '../shared/types';
import { PALETTE, scatterChart } from '../ui/chart';
import { errorBox, field, h, messageOf, numberInput } from '../ui/dom';
import type { EngineClient } from '../ui/engine-client';
import { drawImageGrid, imageCanvas, showDecoded } from '../ui/images';

export interface ExplorePageOptions {
  engine(): Promise<EngineClient>;
  /** URL of the bundled demo run directory (ending in `/`). */
  demoBase: string;
  demoFiles: string[];
}

const DIGIT_COLORS = [...PALETTE, '#999999', '#8B4513', '#7B68EE'];

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
  const demoButton = h(
    'button',
    { type: 'button', class: 'primary', 'data-action': 'load-demo' },
    'Load the bundled demo model',
  );
  const folderInput = h('input', {
    type: 'file',
    webkitdirectory: true,
    multiple: true,
    'data-role': 'folder-input',
  });
  const filesInput = h('input', { type: 'file', multiple: true, 'data-role': 'files-input' });
  const drop = h(
    'div',
    { class: 'dropzone', 'data-role': 'dropzone' },
    'Or drop a run directory (or its files: vaekit-run.json, config.json, eval.json, model/model.json, model/weights.bin, model/vaekit.json) here.',
  );

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
    gridButton.hidden = !image;
    gridCanvas.hidden = true;
    await refreshAll();
  }

  async function loadFiles(files: RunFiles, source: string): Promise<void> {
    status.textContent = `Loading ${source}…`;
    delete status.dataset['loaded'];
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

  demoButton.addEventListener('click', async () => {
    errors.clear();
    status.textContent = 'Fetching the demo model…';
    try {
      const files: RunFiles = await Promise.all(
        o.demoFiles.map(async (path) => {
          const response = await fetch(new URL(path, o.demoBase).href);
          if (!response.ok)
            throw new Error(`could not fetch the demo model's ${path} (HTTP ${response.status})`);
          return { path: `demo-model/${path}`, file: await response.blob() };
        }),
      );
      await loadFiles(files, 'the bundled demo model (demo-model/)');
    } catch (error) {
      errors.show(messageOf(error));
      status.textContent = 'No model loaded.';
    }
  });
  const fromInput = (input: HTMLInputElement) => {
    const list = Array.from(input.files ?? []);
    input.value = '';
    if (list.length === 0) return;
    const files = list.map((file) => ({ path: file.webkitRelativePath || file.name, file }));
    const folder = list[0]!.webkitRelativePath.split('/')[0];
    void loadFiles(files, folder ? `folder ${folder}` : `${list.length} file(s)`);
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
  const interpImage = h(
    'div',
    { class: 'inline-fields' },
    field('From held-out digit #', fromDigit),
    field('To digit #', toDigit),
    ends,
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
      e.request<{ method: string; inputs: Decoded; path: Decoded }>({
        type: 'interpolate',
        from,
        to,
        steps,
      }),
    );
    if (!r) return;
    if (r.inputs.kind === 'image') drawImageGrid(ends, r.inputs, 2);
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

  // ---- latent map ----------------------------------------------------------------------------
  const mapFigure = h('figure', { class: 'latent-map', 'data-role': 'latent-map' });
  const mapCaption = h('figcaption', {});
  const mapLegend = h('ul', { class: 'legend' });
  const mapPointCanvas = imageCanvas('The decoded point', 'grid point');
  const mapPointList = h('ol', { class: 'sentences', hidden: true });
  const mapX = numberInput(0, { step: 0.1 });
  const mapY = numberInput(0, { step: 0.1 });
  const mapDecode = h('button', { type: 'button' }, 'Decode this point');
  const mapPoint = h('div', { class: 'map-point', hidden: true }, mapPointCanvas, mapPointList);
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
  async function decodeAt(x: number, y: number): Promise<void> {
    mapX.value = x.toFixed(2);
    mapY.value = y.toFixed(2);
    if (mapping) {
      const cursor = mapFigure.querySelector<SVGCircleElement>('circle.cursor');
      const [sx, sy] = mapping.toSvg(x, y);
      cursor?.setAttribute('cx', String(sx));
      cursor?.setAttribute('cy', String(sy));
    }
    const decoded = await withEngine((e) => e.request<Decoded>({ type: 'decode-point', x, y }));
    if (decoded) {
      mapPoint.hidden = false;
      showDecoded(decoded, mapPointCanvas, mapPointList, 1);
    }
  }
  mapDecode.addEventListener(
    'click',
    () => void decodeAt(Number(mapX.value) || 0, Number(mapY.value) || 0),
  );
  async function refreshMap(): Promise<void> {
    const map = await withEngine((e) => e.request<LatentMap>({ type: 'latent-map', n: 500 }));
    if (!map) return;
    const image = summary?.kind === 'image';
    const lengths = map.points.map((p) => p.label);
    const [lo, hi] = [Math.min(...lengths), Math.max(...lengths)];
    const color = (label: number) =>
      image
        ? DIGIT_COLORS[label % DIGIT_COLORS.length]!
        : `hsl(${220 - (200 * (label - lo)) / Math.max(1, hi - lo)} 70% 45%)`;
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
      },
    );
    mapFigure.innerHTML = mapping.svg;
    mapFigure.dataset['points'] = String(map.points.length);
    mapCaption.textContent = `Posterior centres of ${map.points.length} held-out ${image ? 'digits' : 'sentences'}, coloured by ${map.labelName}${map.explained !== undefined ? `; the two components explain ${(100 * map.explained).toFixed(0)}% of their variance` : ''}. Click the map (or enter a point below) to decode it.`;
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
        : [
            h(
              'li',
              {},
              h('span', {
                class: 'swatch',
                style: `background:${color(lo)}`,
                'aria-hidden': 'true',
              }),
              `${lo} tokens`,
            ),
            h(
              'li',
              {},
              h('span', {
                class: 'swatch',
                style: `background:${color(hi)}`,
                'aria-hidden': 'true',
              }),
              `${hi} tokens`,
            ),
          ]),
    );
    const svg = mapFigure.querySelector('svg')!;
    svg.addEventListener('click', (e) => {
      const rect = svg.getBoundingClientRect();
      const box = svg.viewBox.baseVal;
      const px = ((e.clientX - rect.left) / rect.width) * box.width;
      const py = ((e.clientY - rect.top) / rect.height) * box.height;
      const [x, y] = mapping!.toData(px, py);
      void decodeAt(x, y);
    });
  }
  const mapSection = h(
    'section',
    { class: 'card' },
    h('h3', {}, 'Latent map'),
    mapFigure,
    mapCaption,
    mapLegend,
    h('div', { class: 'inline-fields' }, field('x', mapX), field('y', mapY), mapDecode),
    mapPoint,
    h('div', { class: 'buttons' }, gridButton),
    gridCanvas,
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
  );

  const el = h(
    'section',
    { id: 'explore', class: 'page', 'aria-labelledby': 'explore-heading' },
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
      demoButton,
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
