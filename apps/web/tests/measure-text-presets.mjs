#!/usr/bin/env node
/**
 * Times the text demo's presets as a user runs them: the built app (dist/) in headless
 * Chromium, the backend it picks, each preset (400 steps, evaluations every 25 included) from
 * Start to "Completed". Prints one line per preset and writes test-results/text-presets.json.
 * Not part of `test` (it takes a few minutes); the numbers quoted in the text tab and the README
 * come from it.
 *
 *   node tests/measure-text-presets.mjs     (after `vite build`; CHROMIUM=... as for e2e.mjs)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveDist } from './serve-dist.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const results = join(root, 'test-results');
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const server = await serveDist(dist);
const { chromium } = await import('playwright-core');
const browser = await chromium.launch({
  executablePath,
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
const page = await browser.newPage();
await page.goto(`${server.origin}/#text`);
await page.waitForSelector('[data-role=backend][data-choice]', { timeout: 120_000 });
const backend = await page.$eval('[data-role=backend]', (el) => el.textContent);
const presets = await page.$$eval('#panel-text .presets button', (els) =>
  els.map((e) => e.textContent),
);
const rows = [];
for (const [i, label] of presets.entries()) {
  await page.click(`#panel-text .presets button >> nth=${i}`);
  await page.click('#panel-text [data-action=start]');
  await page.waitForSelector('#panel-text[data-state=running]');
  await page.waitForSelector('#panel-text [data-role=status][data-finished=completed]', {
    timeout: 600_000,
  });
  const seconds = Number(
    await page.$eval('#panel-text [data-role=status]', (el) => el.dataset.seconds),
  );
  const held = await page.$eval('#panel-text [data-role=eval-status]', (el) => el.textContent);
  rows.push({ preset: label, steps: 400, seconds, stepsPerSec: 400 / seconds, heldOut: held });
  console.log(
    `${label}: 400 steps in ${seconds.toFixed(1)} s (${(400 / seconds).toFixed(1)} steps/s); ${held}`,
  );
}
await browser.close();
server.close();
mkdirSync(results, { recursive: true });
const out = {
  date: new Date().toISOString(),
  browser: executablePath,
  cpus: `${cpus().length} x ${cpus()[0]?.model}`,
  backend,
  rows,
};
writeFileSync(join(results, 'text-presets.json'), `${JSON.stringify(out, null, 2)}\n`);
console.log(`${backend}\n${out.cpus}`);
