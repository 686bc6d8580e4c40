#!/usr/bin/env node
/**
 * Browser tests of the built app (dist/): a real Chromium (Debian's `chromium`, driven by
 * playwright-core) against a static server on 127.0.0.1.
 *
 *   1. start-up: a backend is chosen (by timing) and shown, with no console errors;
 *   2. the training form lists the registered latent families and objectives and shows each
 *      one's settings only; the digit VAE trains a few dozen steps: the curves and the sample
 *      grid update;
 *   3. the text VAE trains a few steps and shows sentences;
 *   4. the bundled demo model loads: a non-blank sample grid, reconstructions, a latent map;
 *   5. a folder that is not a run directory gives an error in the page;
 *   6. the vMF sampler draws on both samplers; tabs work from the keyboard; no horizontal
 *      scrolling at phone width;
 *   7. served cross-origin isolated, tfjs's threaded wasm build runs with vaekit's kernels and
 *      the digit VAE trains.
 *
 * Screenshots and a JSON report (timings) go to test-results/. The last line counts the checks,
 * `N passed, M failed`, and the exit status is non-zero on any failure. Without Chromium the
 * run fails (exit 1) with the install command, unless VAEKIT_E2E=skip, which prints
 * `e2e: skipped (<reason>)` and `0 passed, 0 failed, 1 skipped`. Run after `vite build`:
 *   node tests/e2e.mjs            (CHROMIUM=/path/to/chromium to use another browser;
 *                                  E2E_ONLY=text runs only the checks whose names contain "text",
 *                                  and says how many it skipped)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, inflateRawSync } from 'node:zlib';
import { serveDist } from './serve-dist.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const results = join(root, 'test-results');
const started = Date.now();

const INSTALL = 'apt-get update && apt-get install -y chromium';

/**
 * The browser tests cannot run (no Chromium, or it does not start): a failure (exit 1) naming
 * what is missing and how to install it, unless VAEKIT_E2E=skip asks to skip them, which is
 * reported as a skipped test, never as a pass.
 */
function cannotRun(reason) {
  if (process.env.VAEKIT_E2E === 'skip') {
    console.log(`e2e: skipped (${reason})`);
    console.log('0 passed, 0 failed, 1 skipped');
    process.exit(0);
  }
  console.error(
    `e2e: FAIL: ${reason}. Install Chromium with \`${INSTALL}\` (or set CHROMIUM=/path/to/chromium), or set VAEKIT_E2E=skip to report the browser tests as skipped.`,
  );
  console.log('0 passed, 1 failed');
  process.exit(1);
}

function findChromium() {
  if (process.env.CHROMIUM) {
    if (existsSync(process.env.CHROMIUM)) return process.env.CHROMIUM;
    cannotRun(`the Chromium executable CHROMIUM=${process.env.CHROMIUM} does not exist`);
  }
  for (const c of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (existsSync(c)) return c;
  const which = spawnSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], {
    encoding: 'utf8',
  });
  if (which.status === 0) return which.stdout.trim();
  cannotRun(
    'no Chromium executable: /usr/bin/chromium, /usr/bin/chromium-browser and chromium on the PATH are missing',
  );
}

const executablePath = findChromium();
if (!existsSync(join(dist, 'index.html'))) {
  console.error(
    'e2e: FAIL: dist/index.html is missing; run `vite build` first (the test script does).',
  );
  console.log('0 passed, 1 failed');
  process.exit(1);
}

// ---- a static file server for dist/ on 127.0.0.1 --------------------------------------------
const server = await serveDist(dist);
const { origin } = server;

// ---- the browser --------------------------------------------------------------------------------
const { chromium } = await import('playwright-core');
const profile = mkdtempSync(join(tmpdir(), 'vaekit-web-e2e-'));
mkdirSync(results, { recursive: true });
/** Headless Chromium on a fresh profile; `args` replace `--disable-gpu` (the default). */
function launch(userDataDir, args = ['--disable-gpu']) {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      ...args,
    ],
    viewport: { width: 1280, height: 900 },
  });
}
let context;
try {
  context = await launch(profile);
} catch (error) {
  server.close();
  cannotRun(`Chromium (${executablePath}) did not start: ${error.message.split('\n')[0]}`);
}

const problems = [];
const report = { browser: executablePath, checks: [] };
/**
 * Everything a page or its workers log is a failure (the app logs nothing: what it has to say
 * is in the page), as are uncaught errors and failed requests.
 */
function watch(p, name, { allow = [] } = {}) {
  const allowed = (text) => allow.some((pattern) => pattern.test(text));
  p.on('console', (msg) => {
    if (!allowed(msg.text())) problems.push(`${name}: console ${msg.type()}: ${msg.text()}`);
  });
  p.on('pageerror', (error) => problems.push(`${name}: page error: ${error.message}`));
  p.on('requestfailed', (request) =>
    problems.push(`${name}: request failed: ${request.url()} (${request.failure()?.errorText})`),
  );
  p.on('worker', (worker) =>
    worker.on('console', (msg) => {
      if (!allowed(msg.text())) {
        problems.push(`${name}: worker console ${msg.type()}: ${msg.text()}`);
      }
    }),
  );
}
const page = context.pages()[0] ?? (await context.newPage());
watch(page, 'main page');

let failures = 0;
let passes = 0;
let skipped = 0;
const only = process.env.E2E_ONLY;
async function check(name, fn) {
  if (only && !name.includes(only) && name !== 'nothing was logged to the console') {
    skipped++;
    return;
  }
  const t0 = Date.now();
  try {
    const detail = await fn();
    const seconds = (Date.now() - t0) / 1000;
    passes++;
    console.log(`e2e: ok   ${name} (${seconds.toFixed(1)} s)${detail ? `: ${detail}` : ''}`);
    report.checks.push({ name, ok: true, seconds, ...(detail ? { detail } : {}) });
  } catch (error) {
    failures++;
    const seconds = (Date.now() - t0) / 1000;
    console.log(`e2e: FAIL ${name} (${seconds.toFixed(1)} s): ${error.message}`);
    report.checks.push({ name, ok: false, seconds, error: error.message });
    await page
      .screenshot({ path: join(results, `failure-${report.checks.length}.png`), fullPage: true })
      .catch(() => {});
  }
}
function assert(condition, message) {
  if (!condition) throw new Error(message);
}
const shot = (name, p = page) => p.screenshot({ path: join(results, name), fullPage: true });

/** Share of non-white pixels of a canvas (0 for a blank one). */
const ink = (selector) =>
  page.evaluate((sel) => {
    const c = document.querySelector(sel);
    if (!c || c.width < 2) return 0;
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 200) n++;
    return n / (d.length / 4);
  }, selector);

/** The files of a ZIP archive (stored or deflated entries), each CRC-32 checked with zlib's. */
function unzip(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = bytes.length - 22;
  while (end >= 0 && view.getUint32(end, true) !== 0x06054b50) end--;
  assert(end >= 0, 'not a ZIP archive');
  const files = new Map();
  let at = view.getUint32(end + 16, true);
  for (let k = 0; k < view.getUint16(end + 10, true); k++) {
    const method = view.getUint16(at + 10, true);
    const crc = view.getUint32(at + 16, true);
    const size = view.getUint32(at + 20, true);
    const n = view.getUint16(at + 28, true);
    const skip = n + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    const offset = view.getUint32(at + 42, true);
    const name = bytes.subarray(at + 46, at + 46 + n).toString('utf8');
    const start =
      offset + 30 + view.getUint16(offset + 26, true) + view.getUint16(offset + 28, true);
    const raw = bytes.subarray(start, start + size);
    const data = method === 0 ? raw : inflateRawSync(raw);
    assert(crc32(data) === crc, `${name}: CRC-32 mismatch`);
    files.set(name, data);
    at += 46 + skip;
  }
  return files;
}

/** Effective size in CSS px of the smallest text of the SVG charts matched by `selector`. */
const smallestChartText = (p, selector) =>
  p.$$eval(selector, (svgs) =>
    Math.min(
      ...svgs
        .filter((svg) => svg.getBoundingClientRect().width > 0)
        .flatMap((svg) => {
          const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
          return [...svg.querySelectorAll('text')].map(
            (t) => Number(t.getAttribute('font-size') ?? svg.getAttribute('font-size')) * scale,
          );
        }),
    ),
  );

await check('start-up: a backend is chosen by timing and shown, its text its name', async () => {
  await page.goto(`${origin}/`);
  await page.waitForSelector('[data-role=backend][data-choice]', { timeout: 90_000 });
  const info = await page.$eval('[data-role=backend]', (el) => ({
    choice: el.dataset.choice,
    timings: JSON.parse(el.dataset.timings || '[]'),
    text: el.textContent,
    title: el.getAttribute('title'),
    label: el.getAttribute('aria-label'),
  }));
  report.backend = info;
  const candidates = ['webgpu', 'wasm', 'wasm-fma', 'webgl', 'cpu'];
  assert(candidates.includes(info.choice), `unexpected backend ${info.choice}`);
  // Every candidate is listed, WebGPU too: timed, or with the reason it could not run (this
  // Chromium offers no WebGPU adapter without --enable-unsafe-webgpu).
  assert(
    candidates.every((b) => info.timings.some((t) => t.backend === b)),
    `timings: ${JSON.stringify(info.timings)}`,
  );
  // Chromium 114+ has WebAssembly relaxed SIMD: the fused multiply-add GEMM runs, and its step
  // agreed with wasm's (else its timing would be replaced by the reason).
  const fma = info.timings.find((t) => t.backend === 'wasm-fma');
  assert(fma.ms !== undefined, `wasm-fma did not run: ${fma.error}`);
  const measured = info.timings.filter((t) => t.ms !== undefined);
  assert(
    measured.length >= 2,
    `expected at least two backends timed, got ${JSON.stringify(info.timings)}`,
  );
  const fastest = measured.reduce((a, b) => (a.ms <= b.ms ? a : b));
  assert(
    fastest.backend === info.choice,
    `chose ${info.choice} but ${fastest.backend} was fastest`,
  );
  // Its accessible name is its text (no tooltip, no label standing in for it).
  assert(info.title === null && info.label === null, `backend status title ${info.title}`);
  assert(/^Backend: /.test(info.text) && /ms/.test(info.text), `backend status: ${info.text}`);
  return `${info.choice}; ${info.timings.map((t) => `${t.backend} ${t.ms !== undefined ? `${t.ms.toFixed(1)} ms` : `unavailable (${t.error})`}`).join(', ')}`;
});

await check(
  'first load: no scrolling past the header, focus on the page, Tab reaches the tabs (1280x800 and 390 px)',
  async () => {
    const out = [];
    for (const [width, height] of [
      [1280, 800],
      [390, 844],
    ]) {
      const p = await context.newPage();
      watch(p, `first load ${width}px`);
      await p.setViewportSize({ width, height });
      await p.goto(`${origin}/#train`);
      await p.waitForLoadState('load');
      await p.waitForSelector('[data-role=backend][data-choice]', { timeout: 90_000 });
      await p.waitForTimeout(300);
      const state = await p.evaluate(() => ({
        y: scrollY,
        active: document.activeElement?.tagName,
        hash: location.hash,
        headerTop: document.querySelector('header').getBoundingClientRect().top,
        emptyGrid:
          document.querySelector('#panel-train canvas.samples')?.hidden === false &&
          document.querySelector('#panel-train canvas.samples')?.width < 2,
      }));
      assert(state.y === 0 && state.headerTop >= 0, `scrolled ${state.y}px at ${width}px`);
      assert(state.active === 'BODY', `focus on ${state.active} after load`);
      assert(state.hash === '#train', `hash ${state.hash}`);
      assert(!state.emptyGrid, 'an empty sample canvas is shown before training');
      let reached;
      for (let i = 0; i < 4 && !reached; i++) {
        await p.keyboard.press('Tab');
        reached = await p.evaluate(() =>
          document.activeElement?.getAttribute('role') === 'tab'
            ? document.activeElement.dataset.tab
            : undefined,
        );
      }
      assert(reached === 'train', `Tab did not reach the selected tab (got ${reached})`);
      await shot(`first-load-${width}.png`, p);
      out.push(`${width}px: scrollY 0, Tab reaches the tabs`);
      await p.close();
    }
    return out.join('; ');
  },
);

await check(
  'settings in the URL: a link sets the form (phone width), unknown settings are named',
  async () => {
    const p = await context.newPage();
    watch(p, 'settings link');
    await p.setViewportSize({ width: 390, height: 844 });
    await p.goto(`${origin}/#text?latent=bn&gamma=0.6&steps=200&colour=red`);
    await p.waitForSelector('#panel-text:not([hidden])');
    const form = await p.evaluate(() => ({
      latent: document.querySelector('#panel-text select[name=latent]').value,
      gamma: document.querySelector('#panel-text input[name=gamma]').value,
      steps: document.querySelector('#panel-text input[name=steps]').value,
      problems: document.querySelector('[data-role=link-problems]').textContent,
      y: scrollY,
      hash: location.hash,
    }));
    assert(
      form.latent === 'bn' && form.gamma === '0.6' && form.steps === '200',
      `form ${JSON.stringify(form)}`,
    );
    assert(/'colour' is not a setting/.test(form.problems), `problems: ${form.problems}`);
    assert(form.y === 0, `scrolled ${form.y}px`);
    assert(form.hash === '#text?latent=bn&gamma=0.6&steps=200', `hash rewritten to ${form.hash}`);
    await p.close();
    return form.hash;
  },
);

await check(
  'digits: the form lists the registered families and objectives, with their settings',
  async () => {
    const form = '#panel-train';
    const options = (name) =>
      page.$$eval(`${form} select[name=${name}] option`, (els) => els.map((e) => e.value));
    const latents = await options('latent');
    const objectives = await options('objective');
    for (const name of ['gaussian', 'bn', 'bn-su', 'vmf'])
      assert(latents.includes(name), `no ${name} in the family menu (${latents})`);
    for (const name of ['elbo', 'iwae', 'miwae', 'ciwae', 'piwae'])
      assert(objectives.includes(name), `no ${name} in the objective menu (${objectives})`);
    const shown = () =>
      page.$$eval(`${form} .field`, (els) =>
        els
          .filter((e) => !e.hidden)
          .map((e) => e.querySelector('input, select')?.getAttribute('name'))
          .filter(Boolean),
      );
    await page.selectOption(`${form} select[name=latent]`, 'vmf');
    await page.selectOption(`${form} select[name=objective]`, 'miwae');
    const vmf = await shown();
    assert(
      vmf.includes('kappa') &&
        !vmf.includes('gamma') &&
        vmf.includes('groups') &&
        !vmf.includes('beta'),
      `vMF with MIWAE shows ${vmf}`,
    );
    const hint = await page.$eval(`${form} select[name=latent] + small`, (el) => el.textContent);
    assert(/von Mises-Fisher/.test(hint) && /nats/.test(hint), `family help: ${hint}`);
    const hash = await page.evaluate(() => location.hash);
    assert(/latent=vmf/.test(hash) && /objective=miwae/.test(hash), `URL not updated: ${hash}`);
    await page.selectOption(`${form} select[name=latent]`, 'power-spherical');
    await page.selectOption(`${form} select[name=latent]`, 'bn');
    await page.selectOption(`${form} select[name=objective]`, 'elbo');
    await page.fill(`${form} input[name=k]`, '1');
    const bn = await shown();
    assert(
      bn.includes('gamma') && !bn.includes('kappa') && !bn.includes('groups'),
      `BN-VAE shows ${bn}`,
    );
    return `families ${latents.join(', ')}; objectives ${objectives.join(', ')}; URL ${hash}`;
  },
);

await check('digits: reset to defaults restores the form and clears the URL', async () => {
  const form = '#panel-train';
  await page.selectOption(`${form} select[name=latent]`, 'vmf');
  await page.fill(`${form} input[name=kappa]`, '20');
  await page.fill(`${form} input[name=steps]`, '77');
  const before = await page.evaluate(() => location.hash);
  assert(/kappa=20/.test(before) && /steps=77/.test(before), `hash ${before}`);
  const link = await page.$eval(`${form} [data-role=share-link]`, (a) => a.getAttribute('href'));
  assert(link === before, `share link ${link} != ${before}`);
  await page.click(`${form} [data-action=reset-settings]`);
  const after = await page.evaluate(() => ({
    hash: location.hash,
    latent: document.querySelector('#panel-train select[name=latent]').value,
    steps: document.querySelector('#panel-train input[name=steps]').value,
  }));
  assert(after.hash === '#train', `hash after reset ${after.hash}`);
  assert(
    after.latent === 'bn' && after.steps === '1000',
    `form after reset ${JSON.stringify(after)}`,
  );
  return `${before} -> ${after.hash}`;
});

await check(
  'digits: Enter starts training; the curves, the KL floor and the sample grid update; the live region speaks rarely',
  async () => {
    const form = '#panel-train';
    await page.fill(`${form} input[name=latentDim]`, '8');
    await page.fill(`${form} input[name=hidden]`, '128');
    await page.fill(`${form} input[name=steps]`, '60');
    await page.fill(`${form} input[name=evalEvery]`, '20');
    // Record every sample grid the page draws (each evaluation sets data-step on the canvas), and
    // every announcement of the live region.
    await page.evaluate((sel) => {
      const canvas = document.querySelector(sel);
      window.__grids = [];
      new MutationObserver(() =>
        window.__grids.push({ step: canvas.dataset.step, data: canvas.toDataURL() }),
      ).observe(canvas, { attributes: true, attributeFilter: ['data-step'] });
      window.__announced = [];
      const live = document.querySelector('#panel-train [data-role=announcer]');
      new MutationObserver(() => window.__announced.push(live.textContent)).observe(live, {
        childList: true,
        characterData: true,
        subtree: true,
      });
      const live2 = document.querySelectorAll(
        '#panel-train [aria-live]:not([data-role=announcer]):not([data-role=readout])',
      );
      window.__otherLive = live2.length;
    }, `${form} canvas.samples`);
    const pointsBefore = Number(
      await page.$eval(`${form} [data-chart=loss]`, (el) => el.dataset.points ?? '0'),
    );
    await page.focus(`${form} input[name=steps]`);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${form} [data-role=status][data-finished=completed]`, {
      timeout: 120_000,
    });
    await page.waitForSelector(`${form} canvas.samples[data-step="60"]`, { timeout: 10_000 });
    const grids = await page.evaluate(() => window.__grids);
    const steps = grids.map((g) => g.step);
    assert(steps.includes('0') && steps.includes('60'), `sample grids drawn at steps ${steps}`);
    const before = grids.find((g) => g.step === '0').data;
    const after = grids.at(-1).data;
    const stepsPerSec = Number(
      await page.$eval(`${form} [data-role=status]`, (el) => el.dataset.stepsPerSec),
    );
    await page.waitForTimeout(100);
    const pointsAfter = Number(
      await page.$eval(`${form} [data-chart=loss]`, (el) => el.dataset.points ?? '0'),
    );
    const paths = await page.$$eval(`${form} [data-chart=loss] path`, (els) =>
      els.map((e) => e.getAttribute('d').length),
    );
    const auPoints = await page.$$eval(
      `${form} [data-chart=active-units] circle`,
      (els) => els.length,
    );
    assert(
      pointsAfter > pointsBefore && pointsAfter >= 12 + 4,
      `curves did not grow (${pointsBefore} -> ${pointsAfter} points)`,
    );
    assert(
      paths.some((n) => n > 50),
      'the loss chart has no line',
    );
    assert(auPoints >= 4, `the active-units chart has ${auPoints} points`);
    assert(before !== after, 'the sample grid did not change');
    const inkAfter = await ink(`${form} canvas.samples`);
    assert(inkAfter > 0.02, `the sample grid is blank (ink ${inkAfter})`);
    // BN-VAE, d = 8, gamma 0.5: the KL floor d/2 gamma^2 = 1 nat is drawn on the KL chart.
    const floor = await page.$eval(`${form} [data-chart=kl] line[data-role=kl-floor]`, (l) =>
      Number(l.dataset.y),
    );
    assert(Math.abs(floor - (8 / 2) * 0.5 ** 2) < 1e-9, `KL floor drawn at ${floor}, not 1`);
    const announced = await page.evaluate(() => window.__announced);
    const otherLive = await page.evaluate(() => window.__otherLive);
    assert(announced.length <= 4, `the live region spoke ${announced.length} times: ${announced}`);
    assert(otherLive === 0, `${otherLive} other live regions on the training tab`);
    assert(
      announced.some((a) => /^Completed step 60/.test(a)),
      `announcements: ${announced.join(' | ')}`,
    );
    report.imageStepsPerSec = stepsPerSec;
    await shot('train-digits.png');
    return `${stepsPerSec.toFixed(1)} steps/s (batch 64, 784-128-8 BN-VAE), ${pointsAfter} curve points, grid ink ${inkAfter.toFixed(3)}, KL floor ${floor} nats, ${announced.length} announcements`;
  },
);

await check(
  'digits: the curves read out step and value under the pointer and from the keyboard; data tables',
  async () => {
    const form = '#panel-train';
    await page.$eval(`${form} [data-chart=loss]`, (el) => el.scrollIntoView({ block: 'center' }));
    const box = await page.$eval(`${form} [data-chart=loss] svg`, (svg) => {
      const r = svg.getBoundingClientRect();
      return { x: r.x, y: r.y, w: r.width, h: r.height };
    });
    await page.mouse.move(box.x + box.w * 0.6, box.y + box.h * 0.5);
    const hover = await page.waitForSelector(
      `${form} [data-chart=loss] [data-role=readout]:not([hidden])`,
    );
    const hoverText = await hover.textContent();
    assert(
      /^step \d+/.test(hoverText) && /\(training\): \d/.test(hoverText),
      `read-out: ${hoverText}`,
    );
    await page.mouse.move(0, 0);
    await page.focus(`${form} [data-chart=kl] .chart-plot`);
    await page.keyboard.press('End');
    const keyText = await page.$eval(
      `${form} [data-chart=kl] [data-role=readout]`,
      (el) => el.textContent,
    );
    assert(
      /^step 60/.test(keyText) && /held out\): \d/.test(keyText),
      `keyboard read-out: ${keyText}`,
    );
    await page.keyboard.press('ArrowLeft');
    const prev = await page.$eval(
      `${form} [data-chart=kl] [data-role=readout]`,
      (el) => el.dataset.x,
    );
    assert(Number(prev) < 60, `ArrowLeft stayed at step ${prev}`);
    await page.keyboard.press('Escape');
    await page.click(`${form} [data-chart=loss] summary`);
    await page.waitForSelector(`${form} [data-chart=loss] table tbody tr`);
    const rows = await page.$$eval(`${form} [data-chart=loss] table tbody tr`, (els) => els.length);
    assert(rows >= 12, `the loss data table has ${rows} rows`);
    const header = await page.$$eval(`${form} [data-chart=loss] table thead th`, (els) =>
      els.map((e) => e.textContent),
    );
    assert(header[0] === 'step' && header.length >= 3, `table header ${header}`);
    await shot('train-readout.png');
    return `hover "${hoverText.slice(0, 60)}"; keyboard "${keyText.slice(0, 40)}"; ${rows} table rows`;
  },
);

await check(
  'digits: pause, resume and stop from the keyboard keep the focus; no tensors leak',
  async () => {
    const form = '#panel-train';
    await page.fill(`${form} input[name=steps]`, '100000');
    await page.fill(`${form} input[name=evalEvery]`, '100000');
    const step = () =>
      page.$eval(`${form} [data-role=status]`, (el) => Number(el.dataset.step ?? 0));
    const focused = () =>
      page.evaluate(
        () => document.activeElement?.dataset?.action ?? document.activeElement?.tagName,
      );
    const stepNow = await step();
    await page.focus(`${form} [data-action=start]`);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${form}[data-state=running]`);
    assert((await focused()) === 'start', `focus went to ${await focused()} when Start turned off`);
    await page.waitForFunction(
      (s) =>
        Number(document.querySelector('#panel-train [data-role=status]').dataset.step) >= s + 20,
      stepNow,
    );
    await page.focus(`${form} [data-action=pause]`);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${form}[data-state=paused]`);
    const paused = await step();
    const memory1 = (await page.evaluate(() => window.vaekitMemory())).trainer;
    await page.waitForTimeout(800);
    assert((await step()) === paused, 'training went on while paused');
    const pressed = await page.$eval(`${form} [data-action=pause]`, (el) =>
      el.getAttribute('aria-pressed'),
    );
    assert(pressed === 'true', `the pause button is not pressed (${pressed})`);
    await page.keyboard.press('Enter'); // now labelled Resume
    await page.waitForFunction(
      (s) =>
        Number(document.querySelector('#panel-train [data-role=status]').dataset.step) >= s + 20,
      paused,
    );
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${form}[data-state=paused]`);
    const memory2 = (await page.evaluate(() => window.vaekitMemory())).trainer;
    assert(
      memory1.numTensors === memory2.numTensors,
      `tensors in the training worker grew from ${memory1.numTensors} to ${memory2.numTensors} over ${(await step()) - paused} steps`,
    );
    await page.focus(`${form} [data-action=stop]`);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${form} [data-role=status][data-finished=stopped]`, {
      timeout: 30_000,
    });
    await page.waitForSelector(`${form}[data-state=idle]`);
    assert((await focused()) === 'stop', `focus went to ${await focused()} when Stop turned off`);
    return `paused at step ${paused}, ${memory2.numTensors} tensors before and after ${(await step()) - paused} more steps; focus kept on Start and Stop`;
  },
);

await check('digits: single steps (a paused run starts, each press is one step)', async () => {
  const form = '#panel-train';
  await page.fill(`${form} input[name=steps]`, '50');
  await page.fill(`${form} input[name=evalEvery]`, '10');
  await page.click(`${form} [data-action=step]`);
  await page.waitForFunction(
    () => document.querySelector('#panel-train [data-role=status]').dataset.step === '1',
  );
  await page.waitForSelector(`${form}[data-state=paused]`);
  await page.click(`${form} [data-action=step]`);
  await page.waitForFunction(
    () => document.querySelector('#panel-train [data-role=status]').dataset.step === '2',
  );
  await page.waitForTimeout(500);
  const status = await page.$eval(`${form} [data-role=status]`, (el) => el.textContent);
  assert(/Paused at step 2/.test(status), `status: ${status}`);
  const stateNow = await page.$eval(form, (el) => el.dataset.state);
  assert(stateNow === 'paused', `state after two steps: ${stateNow}`);
  return status;
});

await check(
  'digits: the run downloads as a run directory (zip) that the explorer loads',
  async () => {
    const form = '#panel-train';
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click(`${form} [data-action=download]`),
    ]);
    const zipPath = join(results, download.suggestedFilename());
    await download.saveAs(zipPath);
    const files = unzip(readFileSync(zipPath));
    const names = [...files.keys()];
    const top = names[0].split('/')[0];
    assert(/^mnist-bn-elbo-web-\d{8}-\d{6}$/.test(top), `top folder ${top}`);
    for (const f of [
      'vaekit-run.json',
      'config.json',
      'metrics.jsonl',
      'checkpoint/checkpoint.json',
      'model/model.json',
      'model/weights.bin',
      'model/vaekit.json',
    ])
      assert(files.has(`${top}/${f}`), `no ${f} in the zip (${names.join(', ')})`);
    const manifest = JSON.parse(files.get(`${top}/checkpoint/checkpoint.json`));
    assert(manifest.step === 2, `checkpoint at step ${manifest.step}`);
    const vaekit = JSON.parse(files.get(`${top}/model/vaekit.json`));
    assert(
      vaekit.files['weights.bin'].bytes === files.get(`${top}/model/weights.bin`).length,
      'weights.bin length does not match vaekit.json',
    );
    await page.click(`${form} [data-action=stop]`);
    await page.waitForSelector(`${form}[data-state=idle]`);
    await page.click('[data-tab=explore]');
    await page.setInputFiles('[data-role=files-input]', zipPath);
    await page.waitForFunction(
      (name) =>
        document.querySelector('[data-role=load-status]').dataset.loaded === 'image' &&
        document.querySelector('[data-role=load-status]').textContent.includes(name),
      download.suggestedFilename(),
      { timeout: 60_000 },
    );
    await page.click('[data-tab=train]');
    return `${download.suggestedFilename()}: ${names.length} files; loaded in the explorer`;
  },
);

await check(
  'text: a few steps of the LSTM VAE show curves, sentences and the time left',
  async () => {
    await page.click('[data-tab=text]');
    const form = '#panel-text';
    await page.evaluate(() => {
      window.__textStatus = [];
      const status = document.querySelector('#panel-text [data-role=status]');
      new MutationObserver(() => window.__textStatus.push(status.textContent)).observe(status, {
        childList: true,
        characterData: true,
        subtree: true,
      });
    });
    await page.fill(`${form} input[name=steps]`, '12');
    await page.fill(`${form} input[name=evalEvery]`, '6');
    await page.click(`${form} [data-action=start]`);
    await page.waitForSelector(`${form} [data-role=status][data-finished=completed]`, {
      timeout: 90_000,
    });
    const sentences = await page.$$eval(`${form} [data-role=samples] li`, (els) =>
      els.map((e) => e.textContent),
    );
    const rows = await page.$$eval(
      `${form} [data-role=reconstructions] tbody tr`,
      (els) => els.length,
    );
    const stepsPerSec = Number(
      await page.$eval(`${form} [data-role=status]`, (el) => el.dataset.stepsPerSec),
    );
    const statuses = await page.evaluate(() => window.__textStatus);
    report.textStepsPerSec = stepsPerSec;
    assert(sentences.length === 6, `expected 6 sampled sentences, got ${sentences.length}`);
    assert(rows === 4, `expected 4 reconstructions, got ${rows}`);
    assert(
      statuses.some((s) => / s left at this speed/.test(s)),
      `no time left shown: ${statuses.join(' | ')}`,
    );
    const intro = await page.$eval(form, (el) => el.textContent);
    assert(
      !/about 40 s/.test(intro) &&
        /headless Chromium on a 2-core server/.test(intro) &&
        /took \d+ to \d+ seconds from Start to Completed/.test(intro),
      'the intro promises a time without saying what was measured',
    );
    return `${stepsPerSec.toFixed(1)} steps/s (batch 32); e.g. "${sentences[0]}"`;
  },
);

await check(
  'text: the trained model opens in the explorer (sentence samples and interpolation)',
  async () => {
    await page.click('#panel-text [data-action=explore]');
    await page.waitForSelector('[data-role=load-status][data-loaded=text]', { timeout: 30_000 });
    await page.waitForFunction(
      () => document.querySelectorAll('[data-role=interp-list] li').length === 10,
      null,
      { timeout: 30_000 },
    );
    const samples = await page.$$eval('[data-role=explore-samples] li', (els) => els.length);
    assert(samples === 10, `expected 10 sampled sentences, got ${samples}`);
    const method = await page.$eval('#panel-explore .card p[aria-live]', (el) => el.textContent);
    assert(/Linear interpolation/.test(method), `interpolation method: ${method}`);
    await shot('explore-text.png');
  },
);

await check(
  'digits: "Explore this model" after a text run opens the digits model under its name',
  async () => {
    await page.click('[data-tab=train]');
    await page.click('#panel-train [data-action=explore]');
    await page.waitForSelector('[data-role=load-status][data-loaded=image]', { timeout: 30_000 });
    await page.waitForSelector('#panel-explore [data-ready*="BN-VAE"]', {
      timeout: 60_000,
    });
    const text = await page.$eval('[data-role=load-status]', (el) => el.textContent);
    assert(/trained in this page: BN-VAE γ=0\.5, d=8/.test(text), `status: ${text}`);
    const summary = await page.$eval('[data-role=summary]', (el) => el.textContent);
    assert(/Image VAE: MLP 784-128-8/.test(summary), `explorer summary: ${summary}`);
    return text;
  },
);

await check(
  'explore: the bundled demo model gives samples, reconstructions and a latent map',
  async () => {
    await page.click('[data-tab=explore]');
    await page.click('[data-action=load-demo]');
    await page.waitForSelector('#panel-explore [data-ready*="demo"]', { timeout: 60_000 });
    const inkSamples = await ink('#panel-explore canvas.samples');
    assert(inkSamples > 0.02, `the sample grid is blank (ink ${inkSamples})`);
    const summary = await page.$eval('[data-role=summary]', (el) => el.textContent);
    assert(/Image VAE/.test(summary), `unexpected summary: ${summary}`);
    const mapPoints = await page.$$eval('[data-role=latent-map] circle', (els) => els.length);
    assert(mapPoints >= 500, `latent map has ${mapPoints} points`);
    const curvesWidth = await page.$eval('img.run-curves', async (img) => {
      await img.decode().catch(() => {});
      return img.hidden ? 0 : img.naturalWidth;
    });
    assert(curvesWidth > 100, `the run's curves.svg is not shown (width ${curvesWidth})`);
    await page.click('[data-action=decode-grid]');
    await page.waitForFunction(() => !document.querySelector('canvas.manifold').hidden, null, {
      timeout: 30_000,
    });
    const inkGrid = await ink('#panel-explore canvas.manifold');
    assert(inkGrid > 0.02, `the decoded grid is blank (ink ${inkGrid})`);
    const labels = await page.$eval('[data-role=interp-labels]', (el) => el.textContent);
    assert(
      /Held-out image 3 shows a 0; image 2 shows a 1/.test(labels),
      `interpolation labels: ${labels}`,
    );
    await shot('explore-demo.png');
    return `sample ink ${inkSamples.toFixed(3)}, ${mapPoints - 1} map points; ${labels}`;
  },
);

await check('explore: the bundled text demo model works without training first', async () => {
  await page.click('[data-action=load-text-demo]');
  await page.waitForSelector('#panel-explore [data-ready*="text demo"]', { timeout: 90_000 });
  const state = await page.evaluate(() => ({
    loaded: document.querySelector('[data-role=load-status]').dataset.loaded,
    samples: [...document.querySelectorAll('[data-role=explore-samples] li')].map(
      (e) => e.textContent,
    ),
    interp: document.querySelectorAll('[data-role=interp-list] li').length,
    recon: document.querySelectorAll('#panel-explore table.recon tbody tr').length,
    map: Number(document.querySelector('[data-role=latent-map]').dataset.points),
    sliders: document.querySelectorAll('[data-role=latent-sliders] input').length,
    summary: document.querySelector('[data-role=summary]').textContent,
  }));
  assert(state.loaded === 'text', `loaded ${state.loaded}`);
  assert(
    state.samples.length === 10 && state.samples.every((t) => t.length > 0),
    `samples ${state.samples}`,
  );
  assert(new Set(state.samples).size > 1, `every sample is one sentence: ${state.samples[0]}`);
  assert(
    state.interp === 10 && state.recon === 6,
    `interpolation ${state.interp}, reconstructions ${state.recon}`,
  );
  assert(
    state.map >= 100 && state.sliders === 16,
    `map ${state.map} points, ${state.sliders} sliders`,
  );
  assert(
    /BN-VAE, d = 16/.test(state.summary) && /active units 16\/16/.test(state.summary),
    `summary: ${state.summary}`,
  );
  await shot('explore-text-demo.png');
  // Back to the digits demo for the next checks.
  await page.click('[data-action=load-demo]');
  await page.waitForSelector('#panel-explore [data-ready="the bundled demo model (demo-model/)"]', {
    timeout: 60_000,
  });
  return `"${state.samples[0]}" | "${state.samples[1]}"`;
});

await check(
  'explore: the latent map decodes under the pointer and from the keyboard; Enter interpolates',
  async () => {
    const box = await page.$eval('[data-role=latent-map] svg', (svg) => {
      svg.scrollIntoView({ block: 'center' });
      const r = svg.getBoundingClientRect();
      return { x: r.x, y: r.y, w: r.width, h: r.height };
    });
    await page.mouse.move(box.x + box.w * 0.5, box.y + box.h * 0.5);
    await page.mouse.move(box.x + box.w * 0.55, box.y + box.h * 0.45);
    await page.waitForSelector('[data-role=map-point]:not([hidden])');
    await page.waitForFunction(() => {
      const p = document.querySelector('[data-role=map-point]').dataset;
      return Number(p.x).toFixed(2) === document.querySelector('[data-role=map-x]').value;
    });
    const hovered = await page.$eval('[data-role=map-point]', (el) => el.dataset.x);
    await page.mouse.move(0, 0);
    await page.focus('[data-role=latent-map]');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(
      (before) => document.querySelector('[data-role=map-point]').dataset.x !== before,
      hovered,
    );
    const afterKeys = await page.$eval('[data-role=map-point]', (el) => el.dataset.x);
    assert(
      Number(afterKeys) > Number(hovered),
      `ArrowRight moved x from ${hovered} to ${afterKeys}`,
    );
    await page.click('#panel-explore .latent-map + figcaption + .legend + details summary');
    const groups = await page.$$eval(
      '#panel-explore .latent-map ~ details table tbody tr',
      (els) => els.length,
    );
    assert(groups === 10, `the map's data table has ${groups} digit rows`);
    // Enter in the interpolation's fields interpolates.
    await page.fill('#panel-explore input[type=number][max="499"] >> nth=0', '0');
    const before = await page.$eval('[data-role=interp-canvas]', (c) => c.toDataURL());
    await page.focus('#panel-explore input[type=number][max="499"] >> nth=0');
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      (b) => document.querySelector('[data-role=interp-canvas]').toDataURL() !== b,
      before,
    );
    const labels = await page.$eval('[data-role=interp-labels]', (el) => el.textContent);
    assert(/Held-out image 0 shows a 7/.test(labels), `labels after Enter: ${labels}`);
    return `hover x ${hovered}, after 2 x ArrowRight ${afterKeys}; ${labels}`;
  },
);

await check(
  'explore: per-dimension sliders decode as they move; a drawn digit is encoded and reconstructed',
  async () => {
    const sliders = await page.$$('[data-role=latent-sliders] input[type=range]');
    assert(sliders.length === 2, `the d = 2 demo model has ${sliders.length} sliders`);
    await page.waitForSelector('#panel-explore canvas[data-z]');
    const z0 = await page.$eval('[data-role=latent-sliders] ~ canvas', (c) => c.dataset.z);
    await sliders[0].focus();
    for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowRight');
    await page.waitForFunction(
      (z) => document.querySelector('[data-role=latent-sliders] ~ canvas').dataset.z !== z,
      z0,
    );
    const value = await sliders[0].evaluate((s) => Number(s.value).toFixed(3));
    await page.waitForFunction(
      (v) =>
        document.querySelector('[data-role=latent-sliders] ~ canvas').dataset.z.split(',')[0] === v,
      value,
    );
    const z1 = await page.$eval('[data-role=latent-sliders] ~ canvas', (c) => c.dataset.z);
    // Draw a "1": one vertical stroke.
    const pad = await page.$eval('[data-role=drawpad]', (c) => {
      c.scrollIntoView();
      const r = c.getBoundingClientRect();
      return { x: r.x, y: r.y, w: r.width, h: r.height };
    });
    await page.mouse.move(pad.x + pad.w * 0.5, pad.y + pad.h * 0.15);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++)
      await page.mouse.move(pad.x + pad.w * (0.5 - i * 0.005), pad.y + pad.h * (0.15 + i * 0.07));
    await page.mouse.up();
    await page.waitForSelector('[data-role=drawn-reconstruction]:not([hidden])', {
      timeout: 30_000,
    });
    const recInk = await ink('[data-role=drawn-reconstruction]');
    const status = await page.$eval('[data-role=draw-status]', (el) => el.textContent);
    assert(recInk > 0.02, `the reconstruction of the drawing is blank (ink ${recInk})`);
    assert(/its reconstruction from the posterior centre z = \(/.test(status), `status: ${status}`);
    await shot('explore-sliders-drawing.png');
    return `z ${z0} -> ${z1}; drawing: ${status.slice(0, 100)}`;
  },
);

await check(
  'explore: not a run directory, an incompatible model and a truncated weights file are named',
  async () => {
    await page.setInputFiles('[data-role=files-input]', [
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') },
    ]);
    const alert = await page.waitForSelector('#panel-explore .error:not([hidden])', {
      timeout: 10_000,
    });
    const text = await alert.textContent();
    assert(/not a vaekit run directory/.test(text), `unexpected message: ${text}`);
    // An incompatible model: vaekit.json says text, model.json holds an image model.
    const demo = (p) => readFileSync(join(dist, 'demo-model', p));
    const vaekit = JSON.parse(demo('model/vaekit.json'));
    await page.setInputFiles('[data-role=files-input]', [
      { name: 'model.json', mimeType: 'application/json', buffer: demo('model/model.json') },
      {
        name: 'weights.bin',
        mimeType: 'application/octet-stream',
        buffer: demo('model/weights.bin'),
      },
      {
        name: 'vaekit.json',
        mimeType: 'application/json',
        buffer: Buffer.from(
          JSON.stringify({
            ...vaekit,
            kind: 'text',
            vocabulary: {
              format: 'vaekit-vocabulary',
              version: 1,
              tokens: ['<pad>', '<unk>', '<bos>', '<eos>', 'a'],
            },
          }),
        ),
      },
    ]);
    await page.waitForFunction(
      () =>
        /Incompatible model/.test(
          document.querySelector('#panel-explore .error')?.textContent ?? '',
        ),
      null,
      { timeout: 10_000 },
    );
    const incompatible = await page.$eval('#panel-explore .error', (el) => el.textContent);
    assert(/holds an image model \(ImageVAE\)/.test(incompatible), `message: ${incompatible}`);
    assert(!/\ba image\b/.test(incompatible), `message: ${incompatible}`);
    // A truncated weights file: named, and said to be too short.
    await page.setInputFiles('[data-role=files-input]', [
      { name: 'model.json', mimeType: 'application/json', buffer: demo('model/model.json') },
      {
        name: 'weights.bin',
        mimeType: 'application/octet-stream',
        buffer: demo('model/weights.bin').subarray(0, 25_000),
      },
      { name: 'vaekit.json', mimeType: 'application/json', buffer: demo('model/vaekit.json') },
    ]);
    await page.waitForFunction(
      () => /too short/.test(document.querySelector('#panel-explore .error')?.textContent ?? ''),
      null,
      { timeout: 10_000 },
    );
    const truncated = await page.$eval('#panel-explore .error', (el) => el.textContent);
    assert(
      /^model\/weights\.bin is too short: 25000 bytes, the model needs \d+/.test(truncated),
      `message: ${truncated}`,
    );
    assert(!/Based on the provided shape/.test(truncated), `tfjs's message: ${truncated}`);
    return `${incompatible.slice(0, 80)} | ${truncated.slice(0, 80)}`;
  },
);

await check(
  'explore: the drop zone loads dropped files, and opens the file picker from the keyboard',
  async () => {
    const demo = (p) => readFileSync(join(dist, 'demo-model', p)).toString('base64');
    const files = {
      'vaekit-run.json': demo('vaekit-run.json'),
      'config.json': demo('config.json'),
      'model.json': demo('model/model.json'),
      'weights.bin': demo('model/weights.bin'),
      'vaekit.json': demo('model/vaekit.json'),
    };
    await page.evaluate(() => {
      document.querySelector('[data-role=load-status]').dataset.loaded = '';
    });
    await page.evaluate((contents) => {
      const transfer = new DataTransfer();
      for (const [name, bytes] of Object.entries(contents))
        transfer.items.add(new File([Uint8Array.from(atob(bytes), (c) => c.charCodeAt(0))], name));
      const zone = document.querySelector('[data-role=dropzone]');
      zone.dispatchEvent(
        new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }),
      );
      zone.dispatchEvent(
        new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }),
      );
    }, files);
    await page.waitForSelector('[data-role=load-status][data-loaded=image]', { timeout: 30_000 });
    const text = await page.$eval('[data-role=load-status]', (el) => el.textContent);
    assert(/5 dropped file/.test(text), `status: ${text}`);
    // Playwright intercepts file choosers once a listener is registered (asynchronously): give
    // it a moment before the key press, or the picker opens unseen.
    const choosing = page.waitForEvent('filechooser', { timeout: 10_000 });
    await page.waitForTimeout(300);
    await page.focus('[data-role=dropzone]');
    await page.keyboard.press('Enter');
    const chooser = await choosing;
    assert(chooser.isMultiple(), 'the file picker takes one file only');
    await chooser.setFiles(
      ['model/model.json', 'model/weights.bin', 'model/vaekit.json'].map((p) =>
        join(dist, 'demo-model', p),
      ),
    );
    await page.waitForFunction(
      () => /3 file\(s\)/.test(document.querySelector('[data-role=load-status]').textContent),
      null,
      { timeout: 30_000 },
    );
  },
);

await check('vMF sampler: both samplers draw points on the sphere', async () => {
  await page.click('[data-tab=vmf]');
  await page.waitForSelector('[data-chart=vmf-histogram][data-points]', { timeout: 30_000 });
  const captions = await page.$$eval('#panel-vmf .sphere-figure figcaption', (els) =>
    els.map((e) => e.textContent),
  );
  assert(
    captions.length === 2 && captions.every((c) => /points in/.test(c)),
    `captions: ${captions}`,
  );
  const inks = await page.$$eval('#panel-vmf canvas.sphere', (els) =>
    els.map((c) => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
      return n;
    }),
  );
  assert(
    inks.every((n) => n > 1000),
    `a sphere is empty (${inks})`,
  );
  await shot('vmf.png');
  return captions.join(' | ').slice(0, 160);
});

await check(
  'vMF sampler: every key press on the log-kappa slider is drawn, the last value always',
  async () => {
    await page.focus('[data-role=log-kappa]');
    // Presses faster than a draw: the plots must end at the field's value.
    for (let i = 0; i < 25; i++) await page.keyboard.press('ArrowRight', { delay: 0 });
    await page.waitForFunction(
      () =>
        !document.querySelector('[data-chart=vmf-histogram]').hasAttribute('aria-busy') &&
        Number(document.querySelector('[data-chart=vmf-histogram]').dataset.kappa) ===
          Number(document.querySelector('[data-role=kappa]').value),
      null,
      { timeout: 60_000 },
    );
    await page.waitForTimeout(500);
    const state = await page.evaluate(() => ({
      field: document.querySelector('[data-role=kappa]').value,
      plots: document.querySelector('[data-chart=vmf-histogram]').dataset.kappa,
      status: document.querySelector('#panel-vmf [role=status]').textContent,
    }));
    assert(
      Number(state.field) === Number(state.plots),
      `field ${state.field}, plots ${state.plots}`,
    );
    assert(state.status.startsWith(`κ = ${Number(state.field)},`), `status: ${state.status}`);
    for (let i = 0; i < 3; i++) await page.keyboard.press('Home');
    await page.waitForFunction(
      () =>
        !document.querySelector('[data-chart=vmf-histogram]').hasAttribute('aria-busy') &&
        document.querySelector('[data-chart=vmf-histogram]').dataset.kappa === '0.1',
      null,
      { timeout: 60_000 },
    );
    // Enter in a number field draws.
    await page.fill('#panel-vmf [data-role=kappa]', '5');
    await page.focus('#panel-vmf [data-role=kappa]');
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      () => document.querySelector('[data-chart=vmf-histogram]').dataset.kappa === '5',
      null,
      { timeout: 60_000 },
    );
    return `after 25 presses: field ${state.field}, plots ${state.plots}; Home: 0.1; Enter: 5`;
  },
);

await check(
  'dark mode: sphere lines, the exact density and every digit colour stay visible',
  async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.click('#panel-vmf [data-action=sample]');
    await page.waitForTimeout(300);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForTimeout(300);
    const sphere = await page.$eval('#panel-vmf canvas.sphere', (c) => {
      // The outline's rightmost point: (cx + r, cy), r = 0.42 w.
      const x = Math.round(c.width / 2 + 0.42 * c.width);
      const d = c.getContext('2d').getImageData(x - 2, c.height / 2 - 2, 5, 5).data;
      let best = 0;
      for (let i = 0; i < d.length; i += 4) best = Math.max(best, (d[i] * d[i + 3]) / 255);
      return { best, fg: c.dataset.fg, bg: getComputedStyle(document.body).backgroundColor };
    });
    assert(
      sphere.best > 90,
      `the sphere outline is dark on the dark page (${JSON.stringify(sphere)})`,
    );
    const exact = await page.$eval(
      '[data-chart=vmf-histogram] path[stroke-dasharray]',
      (p) => getComputedStyle(p).stroke,
    );
    const rgb = exact.match(/\d+/g).map(Number);
    assert(rgb[0] > 150 && rgb[1] > 150, `the exact density is drawn in ${exact}`);
    await shot('dark-vmf.png');
    await page.click('[data-tab=explore]');
    const six = await page.$$eval('[data-role=latent-map] circle title', (titles) => {
      const t = titles.find((e) => e.textContent === 'digit 6');
      return t ? getComputedStyle(t.parentElement).fill : 'none';
    });
    const six3 = six.match(/\d+/g)?.map(Number) ?? [0, 0, 0];
    assert(six3[0] + six3[1] + six3[2] > 300, `digit-6 points are ${six} on the dark page`);
    await shot('dark-explore.png');
    await page.click('[data-tab=train]');
    await shot('dark-train.png');
    await page.emulateMedia({ colorScheme: 'light' });
    return `sphere outline ${sphere.best.toFixed(0)}/255 on ${sphere.bg}; exact density ${exact}; digit 6 ${six}`;
  },
);

await check('keyboard: the tabs move with the arrow keys', async () => {
  await page.focus('[data-tab=vmf]');
  await page.keyboard.press('ArrowLeft');
  const selected = await page.$eval('[role=tab][aria-selected=true]', (el) => el.dataset.tab);
  assert(selected === 'explore', `ArrowLeft from vMF selected ${selected}`);
  const focused = await page.evaluate(() => document.activeElement?.dataset?.tab);
  assert(focused === 'explore', `focus is on ${focused}`);
});

await check('phone width: no horizontal scrolling; chart text stays readable', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  const widths = [];
  const fonts = [];
  for (const tab of ['train', 'text', 'explore', 'vmf']) {
    await page.click(`[data-tab=${tab}]`);
    await page.waitForTimeout(400);
    const w = await page.evaluate(() => document.documentElement.scrollWidth);
    widths.push(`${tab} ${w}`);
    assert(w <= 392, `the ${tab} tab is ${w}px wide at a 390px viewport`);
    const smallest = await smallestChartText(page, `#panel-${tab} svg[viewBox]`);
    fonts.push(`${tab} ${smallest.toFixed(1)}px`);
    assert(smallest >= 10, `chart text on the ${tab} tab is ${smallest.toFixed(1)}px`);
    await shot(`phone-${tab}.png`);
  }
  await page.click('[data-tab=train]');
  await page.setViewportSize({ width: 1280, height: 900 });
  return `${widths.join(', ')}; smallest chart text ${fonts.join(', ')}`;
});

/**
 * Start the digits run on page `p` (its settings from the URL), wait for it to finish, and
 * require that it completed; its steps per second.
 */
async function trainToCompletion(p, timeout) {
  await p.click('#panel-train [data-action=start]');
  const status = await p.waitForSelector('#panel-train [data-role=status][data-finished]', {
    timeout,
  });
  const finished = await status.getAttribute('data-finished');
  const error = await p.$eval(
    '#panel-train',
    (el) => el.textContent?.match(/Training failed: [^.]*/)?.[0],
  );
  assert(finished === 'completed', `training ${finished}: ${error ?? ''}`);
  return Number(await status.getAttribute('data-steps-per-sec'));
}

await check(
  "cross-origin isolated (as the dev and preview servers serve it): tfjs's threaded wasm, and the digit VAE trains",
  async () => {
    const isolated = await serveDist(dist, { isolate: true });
    const p = await context.newPage();
    try {
      await p.goto(`${isolated.origin}/?backend=wasm#train?steps=10&evalEvery=1000`);
      await p.waitForSelector('[data-role=backend][data-choice]', { timeout: 60_000 });
      const backendLine = await p.$eval('[data-role=backend]', (el) => el.textContent);
      assert(
        await p.evaluate(() => self.crossOriginIsolated),
        'the page is not cross-origin isolated',
      );
      assert(/threads, [1-9]\d* vaekit kernels/.test(backendLine), `backend line: ${backendLine}`);
      const stepsPerSec = await trainToCompletion(p, 120_000);
      return `${backendLine}; ${stepsPerSec.toFixed(1)} steps/s`;
    } finally {
      await p.close();
      isolated.close();
    }
  },
);

await check(
  'WebGPU where the browser offers it (here SwiftShader behind --enable-unsafe-webgpu): timed at start-up, or refused with the reason; chosen by hand it trains, or is refused before training',
  async () => {
    const gpuProfile = mkdtempSync(join(tmpdir(), 'vaekit-web-e2e-webgpu-'));
    const gpuContext = await launch(gpuProfile, ['--enable-unsafe-webgpu']);
    try {
      const p = await gpuContext.newPage();
      // tfjs-backend-webgpu's one advisory, printed once per backend the first time a value is
      // read synchronously (the start-up step does, as training does). Anything else fails.
      watch(p, 'webgpu page', {
        allow: [/^The performance of synchronously reading data from GPU to CPU is poor/],
      });
      await p.goto(`${origin}/`);
      await p.waitForSelector('[data-role=backend][data-choice]', { timeout: 120_000 });
      const auto = await p.$eval('[data-role=backend]', (el) => ({
        choice: el.dataset.choice,
        timings: JSON.parse(el.dataset.timings || '[]'),
      }));
      const webgpu = auto.timings.find((t) => t.backend === 'webgpu');
      assert(webgpu !== undefined, `WebGPU is not among ${JSON.stringify(auto.timings)}`);
      assert(
        webgpu.ms !== undefined || (typeof webgpu.error === 'string' && webgpu.error.length > 0),
        `WebGPU neither timed nor refused with a reason: ${JSON.stringify(webgpu)}`,
      );
      const startup = auto.timings
        .map(
          (t) =>
            `${t.backend} ${t.ms !== undefined ? `${t.ms.toFixed(1)} ms` : `refused (${t.error})`}`,
        )
        .join(', ');
      await p.goto(`${origin}/?backend=webgpu#train?steps=10&evalEvery=1000`);
      await p.waitForFunction(
        () => {
          const el = document.querySelector('[data-role=backend]');
          return el?.dataset.choice || /No backend could start/.test(el?.textContent ?? '');
        },
        undefined,
        { timeout: 120_000 },
      );
      const backendLine = await p.$eval('[data-role=backend]', (el) => el.textContent);
      if (webgpu.ms === undefined) {
        // Refused at start-up: chosen by hand, it is refused again before any training.
        assert(
          /No backend could start: webgpu could not run a training step here: ./.test(backendLine),
          `backend line: ${backendLine}`,
        );
        return `start-up: ${startup}; by hand: ${backendLine}`;
      }
      assert(/webgpu/.test(backendLine), `backend line: ${backendLine}`);
      const stepsPerSec = await trainToCompletion(p, 300_000);
      return `start-up: ${startup}; ${backendLine}; ${stepsPerSec.toFixed(1)} steps/s`;
    } finally {
      await gpuContext.close();
      rmSync(gpuProfile, { recursive: true, force: true });
    }
  },
);

await check('nothing was logged to the console', async () => {
  assert(problems.length === 0, problems.join('\n'));
});

await context.close();
server.close();
rmSync(profile, { recursive: true, force: true });
report.seconds = (Date.now() - started) / 1000;
report.passes = passes;
report.failures = failures;
writeFileSync(join(results, 'e2e-report.json'), `${JSON.stringify(report, null, 2)}\n`);
console.log(
  `e2e: ${report.checks.length} checks in ${report.seconds.toFixed(1)} s; screenshots and report in test-results/`,
);
console.log(
  `${passes} passed, ${failures} failed${skipped ? `, ${skipped} skipped (E2E_ONLY=${only})` : ''}`,
);
process.exit(failures === 0 && passes > 0 ? 0 : 1);
