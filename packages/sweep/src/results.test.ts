import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectResults, resultsMarkdown, summarizeResults } from './results';
import { RESULT_FILE, type RunOutcome, runDirectory } from './run-one';
import { planSweep, validateSweep } from './sweep-spec';

const root = mkdtempSync(join(tmpdir(), 'vaekit-sweep-results-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const spec = validateSweep(
  {
    name: 'iwae-k',
    base: { maxSteps: 4 },
    grid: { objective: ['elbo', 'iwae'], k: [1, 5, 500] },
    seeds: [0, 1],
    metrics: ['nll', 'kl', 'perplexity'],
    plot: { x: 'k', metric: 'nll', groupBy: 'objective' },
  },
  'iwae-k.yaml',
);

/** A made-up NLL: 100 - objective bonus - log k + seed / 10. */
function fakeOutcome(id: string, values: Record<string, unknown>): RunOutcome {
  const nll =
    100 -
    (values['objective'] === 'iwae' ? 2 : 0) -
    Math.log(values['k'] as number) +
    (values['seed'] as number) / 10;
  return {
    id,
    status: 'completed',
    metrics: {
      nll,
      elbo: -nll - 1,
      kl: 3 + (values['seed'] as number),
      mutualInformation: 1,
      activeUnits: 2,
      examples: 16,
      k: 2,
    },
    validation: { nll: nll + 1 },
    seconds: 1.5,
    steps: 4,
  };
}

function writeOutcomes(out: string, skip: string[] = []) {
  for (const run of planSweep(spec)) {
    if (skip.includes(run.id)) continue;
    const dir = runDirectory(out, run.id);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, RESULT_FILE), JSON.stringify(fakeOutcome(run.id, run.values)));
  }
}

describe('collectResults', () => {
  const out = join(root, 'sweep');
  const missing = 'objective=iwae,k=500,seed=1';
  writeOutcomes(out, [missing]);

  it('writes sweep.json, results.csv, results.md, plot.svg and plot.png', () => {
    const r = collectResults(spec, out);
    expect(r.files).toEqual(['sweep.json', 'results.csv', 'results.md', 'plot.svg', 'plot.png']);
    expect(r.missing).toEqual([missing]);

    const json = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8'));
    expect(json).toMatchObject({
      name: 'iwae-k',
      axes: ['objective', 'k'],
      total: 12,
      finished: 11,
      missing: [missing],
    });
    expect(json.runs[0]).toMatchObject({
      id: 'objective=elbo,k=1,seed=0',
      values: { objective: 'elbo', k: 1, seed: 0 },
      status: 'completed',
      metrics: { nll: 100 },
      validation: { nll: 101 },
      seconds: 1.5,
      steps: 4,
      config: { objective: 'elbo', k: 1, seed: 0, maxSteps: 4 },
    });
    expect(json.runs.at(-1)).toMatchObject({ id: missing, status: 'missing' });
    expect(json.runs.at(-1).metrics).toBeUndefined();
    expect(json.groups[0]).toMatchObject({
      values: { objective: 'elbo', k: 1 },
      runs: ['objective=elbo,k=1,seed=0', 'objective=elbo,k=1,seed=1'],
      finished: 2,
      metrics: { nll: { mean: 100.05, n: 2 }, kl: { mean: 3.5, n: 2 } },
    });
    expect(json.groups[0].metrics.nll.sd).toBeCloseTo(Math.sqrt(0.005), 12);
    expect(json.groups[0].metrics.perplexity).toBeUndefined();

    const csv = readFileSync(join(out, 'results.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('id,objective,k,seed,status,nll,kl,perplexity,seconds,steps');
    expect(csv[1]).toBe('"objective=elbo,k=1,seed=0",elbo,1,0,completed,100,3,,1.5,4');
    expect(csv.at(-1)).toBe(`"${missing}",iwae,500,1,missing,,,,,`);
    expect(csv).toHaveLength(13);

    const md = readFileSync(join(out, 'results.md'), 'utf8');
    expect(md).toContain('# iwae-k\n\n11 of 12 runs finished.');
    expect(md).toContain(
      '| objective | k | n | nll | kl | perplexity |\n|---|---|---:|---:|---:|---:|',
    );
    // mean 100.05, sd 0.0707: three decimals, as the spread needs.
    expect(md).toContain('| elbo | 1 | 2 | 100.050 ± 0.071 | 3.50 ± 0.71 | – |');
    // A group with one finished run of two: its value, and n = 1/2.
    const one = (100 - 2 - Math.log(500)).toFixed(2);
    expect(md).toContain(`| iwae | 500 | 1/2 | ${one} | 3.00 | – |`);
    expect(md).toContain(`Missing runs (not finished): \`${missing}\`.`);

    const svg = readFileSync(join(out, 'plot.svg'), 'utf8');
    expect(svg.match(/class="series"/g)).toHaveLength(2);
    expect(svg).toContain('data-label="objective=elbo"');
    expect(svg).toContain('data-label="objective=iwae"');
    expect(svg).toContain('k (log scale)');
    // Error bars where two seeds finished: 3 points of elbo, 2 of iwae.
    expect(svg.match(/class="error-bar"/g)).toHaveLength(5);
    const png = readFileSync(join(out, 'plot.png'));
    expect([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
  });

  it('reports a damaged result.json as missing, naming the problem', () => {
    const dir = join(root, 'damaged');
    writeOutcomes(dir);
    writeFileSync(join(runDirectory(dir, 'objective=elbo,k=5,seed=1'), RESULT_FILE), '{"id"');
    const r = summarizeResults(spec, dir);
    expect(r.missing).toEqual(['objective=elbo,k=5,seed=1']);
    expect(r.runs[3]!.problem).toMatch(/result\.json is not valid JSON/);
  });

  it('a sweep with no axes has one row; nothing finished gives dashes', () => {
    const bare = validateSweep({ seeds: 3, metrics: ['nll'] }, 'bare.yaml');
    const r = summarizeResults(bare, join(root, 'empty'));
    expect(resultsMarkdown(r)).toContain('0 of 3 runs finished');
    expect(resultsMarkdown(r)).toContain('| n | nll |\n|---:|---:|\n| 0/3 | – |');
  });
});
