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
 *      scrolling at phone width.
 *
 * Screenshots and a JSON report (timings) go to test-results/. The last line counts the checks,
 * `N passed, M failed`, and the exit status is non-zero on any failure. Without Chromium the
 * run fails (exit 1) with the install command, unless VAEKIT_E2E=skip, which prints
 * `e2e: skipped (<reason>)` and `0 passed, 0 failed, 1 skipped`. Run after `vite build`:
 *   node tests/e2e.mjs            (CHROMIUM=/path/to/chromium to use another browser)
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

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
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.bin': 'application/octet-stream',
};
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  let path = normalize(join(dist, decodeURIComponent(url.pathname)));
  if (!path.startsWith(dist)) {
    res.writeHead(403).end();
    return;
  }
  if (existsSync(path) && statSync(path).isDirectory()) path = join(path, 'index.html');
  if (!existsSync(path)) {
    res.writeHead(404).end('not found');
    return;
  }
  res.writeHead(200, {
    'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
    'cache-control': 'no-store',
  });
  res.end(readFileSync(path));
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const origin = `http://127.0.0.1:${server.address().port}`;

// ---- the browser --------------------------------------------------------------------------------
const { chromium } = await import('playwright-core');
const profile = mkdtempSync(join(tmpdir(), 'vaekit-web-e2e-'));
mkdirSync(results, { recursive: true });
let context;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
    viewport: { width: 1280, height: 900 },
  });
} catch (error) {
  server.close();
  cannotRun(`Chromium (${executablePath}) did not start: ${error.message.split('\n')[0]}`);
}

const problems = [];
const report = { browser: executablePath, checks: [] };
const page = context.pages()[0] ?? (await context.newPage());
page.on('console', (msg) => {
  if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
});
page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
page.on('requestfailed', (request) =>
  problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`),
);
// Workers' errors reach the page as console messages too; uncaught ones as worker 'error' events.
page.on('worker', (worker) =>
  worker.on(
    'console',
    (msg) => msg.type() === 'error' && problems.push(`worker console error: ${msg.text()}`),
  ),
);

let failures = 0;
let passes = 0;
async function check(name, fn) {
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

await check('start-up: a backend is chosen by timing and shown', async () => {
  await page.goto(`${origin}/`);
  await page.waitForSelector('[data-role=backend][data-choice]', { timeout: 60_000 });
  const info = await page.$eval('[data-role=backend]', (el) => ({
    choice: el.dataset.choice,
    timings: JSON.parse(el.dataset.timings || '[]'),
    text: el.textContent,
  }));
  report.backend = info;
  assert(['wasm', 'webgl', 'cpu'].includes(info.choice), `unexpected backend ${info.choice}`);
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
  return `${info.choice}; ${info.timings.map((t) => `${t.backend} ${t.ms !== undefined ? `${t.ms.toFixed(1)} ms` : `unavailable (${t.error})`}`).join(', ')}`;
});

await check(
  'digits: the form lists the registered families and objectives, with their settings',
  async () => {
    const form = '#train';
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
    await page.selectOption(`${form} select[name=latent]`, 'bn');
    await page.selectOption(`${form} select[name=objective]`, 'elbo');
    await page.fill(`${form} input[name=k]`, '1');
    const bn = await shown();
    assert(
      bn.includes('gamma') && !bn.includes('kappa') && !bn.includes('groups'),
      `BN-VAE shows ${bn}`,
    );
    return `families ${latents.join(', ')}; objectives ${objectives.join(', ')}`;
  },
);

await check('digits: training updates the curves and the sample grid', async () => {
  const form = '#train';
  await page.fill(`${form} input[name=latentDim]`, '8');
  await page.fill(`${form} input[name=hidden]`, '128');
  await page.fill(`${form} input[name=steps]`, '60');
  await page.fill(`${form} input[name=evalEvery]`, '20');
  // Record every sample grid the page draws (each evaluation sets data-step on the canvas).
  await page.evaluate((sel) => {
    const canvas = document.querySelector(sel);
    window.__grids = [];
    new MutationObserver(() =>
      window.__grids.push({ step: canvas.dataset.step, data: canvas.toDataURL() }),
    ).observe(canvas, {
      attributes: true,
      attributeFilter: ['data-step'],
    });
  }, `${form} canvas.samples`);
  const pointsBefore = Number(
    await page.$eval(`${form} [data-chart=loss]`, (el) => el.dataset.points ?? '0'),
  );
  await page.click(`${form} [data-action=start]`);
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
  report.imageStepsPerSec = stepsPerSec;
  await page.screenshot({ path: join(results, 'train-digits.png'), fullPage: true });
  return `${stepsPerSec.toFixed(1)} steps/s (batch 64, 784-128-8 BN-VAE), ${pointsAfter} curve points, grid ink ${inkAfter.toFixed(3)}`;
});

await check('digits: pause, resume and stop; no tensors leak between steps', async () => {
  const form = '#train';
  await page.fill(`${form} input[name=steps]`, '100000');
  await page.fill(`${form} input[name=evalEvery]`, '100000');
  const step = () => page.$eval(`${form} [data-role=status]`, (el) => Number(el.dataset.step ?? 0));
  const stepNow = await step();
  await page.click(`${form} [data-action=start]`);
  await page.waitForFunction(
    (s) => Number(document.querySelector('#train [data-role=status]').dataset.step) >= s + 20,
    stepNow,
  );
  await page.click(`${form} [data-action=pause]`);
  await page.waitForSelector(`${form}[data-state=paused]`);
  const paused = await step();
  const memory1 = (await page.evaluate(() => window.vaekitMemory())).trainer;
  await page.waitForTimeout(800);
  assert((await step()) === paused, 'training went on while paused');
  const pressed = await page.$eval(`${form} [data-action=pause]`, (el) =>
    el.getAttribute('aria-pressed'),
  );
  assert(pressed === 'true', `the pause button is not pressed (${pressed})`);
  await page.click(`${form} [data-action=pause]`); // now labelled Resume
  await page.waitForFunction(
    (s) => Number(document.querySelector('#train [data-role=status]').dataset.step) >= s + 20,
    paused,
  );
  await page.click(`${form} [data-action=pause]`);
  await page.waitForSelector(`${form}[data-state=paused]`);
  const memory2 = (await page.evaluate(() => window.vaekitMemory())).trainer;
  assert(
    memory1.numTensors === memory2.numTensors,
    `tensors in the training worker grew from ${memory1.numTensors} to ${memory2.numTensors} over ${(await step()) - paused} steps`,
  );
  await page.click(`${form} [data-action=stop]`);
  await page.waitForSelector(`${form} [data-role=status][data-finished=stopped]`, {
    timeout: 30_000,
  });
  await page.waitForSelector(`${form}[data-state=idle]`);
  return `paused at step ${paused}, ${memory2.numTensors} tensors before and after ${(await step()) - paused} more steps`;
});

await check('text: a few steps of the LSTM VAE show curves and sentences', async () => {
  await page.click('[data-tab=text]');
  const form = '#text';
  await page.fill(`${form} input[name=steps]`, '10');
  await page.fill(`${form} input[name=evalEvery]`, '5');
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
  report.textStepsPerSec = stepsPerSec;
  assert(sentences.length === 6, `expected 6 sampled sentences, got ${sentences.length}`);
  assert(rows === 4, `expected 4 reconstructions, got ${rows}`);
  return `${stepsPerSec.toFixed(1)} steps/s (batch 32); e.g. "${sentences[0]}"`;
});

await check(
  'text: the trained model opens in the explorer (sentence samples and interpolation)',
  async () => {
    await page.click('#text [data-action=explore]');
    await page.waitForSelector('[data-role=load-status][data-loaded=text]', { timeout: 30_000 });
    await page.waitForFunction(
      () => document.querySelectorAll('[data-role=interp-list] li').length === 10,
      null,
      {
        timeout: 30_000,
      },
    );
    const samples = await page.$$eval('[data-role=explore-samples] li', (els) => els.length);
    assert(samples === 10, `expected 10 sampled sentences, got ${samples}`);
    const method = await page.$eval('#explore .card p[aria-live]', (el) => el.textContent);
    assert(/Linear interpolation/.test(method), `interpolation method: ${method}`);
    await page.screenshot({ path: join(results, 'explore-text.png'), fullPage: true });
  },
);

await check(
  'explore: the bundled demo model gives samples, reconstructions and a latent map',
  async () => {
    await page.click('[data-tab=explore]');
    await page.click('[data-action=load-demo]');
    await page.waitForSelector('[data-role=load-status][data-loaded=image]', { timeout: 60_000 });
    await page.waitForSelector('[data-role=latent-map][data-points]', { timeout: 60_000 });
    const inkSamples = await ink('#explore canvas.samples');
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
    const inkGrid = await ink('#explore canvas.manifold');
    assert(inkGrid > 0.02, `the decoded grid is blank (ink ${inkGrid})`);
    await page.screenshot({ path: join(results, 'explore-demo.png'), fullPage: true });
    return `sample ink ${inkSamples.toFixed(3)}, ${mapPoints - 1} map points`;
  },
);

await check('explore: a folder that is not a run directory is refused in the page', async () => {
  await page.setInputFiles('[data-role=files-input]', [
    { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') },
  ]);
  const alert = await page.waitForSelector('#explore .error:not([hidden])', { timeout: 10_000 });
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
    () => /Incompatible model/.test(document.querySelector('#explore .error')?.textContent ?? ''),
    null,
    { timeout: 10_000 },
  );
  return text.slice(0, 80);
});

await check('explore: dropping the files of a run directory loads it', async () => {
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
});

await check('vMF sampler: both samplers draw points on the sphere', async () => {
  await page.click('[data-tab=vmf]');
  await page.waitForSelector('[data-chart=vmf-histogram][data-points]', { timeout: 30_000 });
  const captions = await page.$$eval('#vmf figcaption', (els) => els.map((e) => e.textContent));
  assert(
    captions.length === 2 && captions.every((c) => /points in/.test(c)),
    `captions: ${captions}`,
  );
  const inks = await page.$$eval('#vmf canvas.sphere', (els) =>
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
  await page.screenshot({ path: join(results, 'vmf.png'), fullPage: true });
  return captions.join(' | ').slice(0, 160);
});

await check('keyboard: the tabs move with the arrow keys', async () => {
  await page.focus('[data-tab=vmf]');
  await page.keyboard.press('ArrowLeft');
  const selected = await page.$eval('[role=tab][aria-selected=true]', (el) => el.dataset.tab);
  assert(selected === 'explore', `ArrowLeft from vMF selected ${selected}`);
  const focused = await page.evaluate(() => document.activeElement?.dataset?.tab);
  assert(focused === 'explore', `focus is on ${focused}`);
});

await check('phone width: no horizontal scrolling', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  const widths = [];
  for (const tab of ['train', 'text', 'explore', 'vmf']) {
    await page.click(`[data-tab=${tab}]`);
    await page.waitForTimeout(150);
    const w = await page.evaluate(() => document.documentElement.scrollWidth);
    widths.push(`${tab} ${w}`);
    assert(w <= 392, `the ${tab} tab is ${w}px wide at a 390px viewport`);
  }
  await page.click('[data-tab=train]');
  await page.screenshot({ path: join(results, 'phone-train.png'), fullPage: true });
  return widths.join(', ');
});

await check('no console errors', async () => {
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
console.log(`${passes} passed, ${failures} failed`);
process.exit(failures === 0 && passes > 0 ? 0 : 1);
