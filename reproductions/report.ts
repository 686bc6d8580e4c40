/**
 * Write the measured tables and plots of docs/reproductions.md from the reproduction sweeps'
 * results, as they stand: each table says how many of its planned runs have finished, so a
 * partial sweep gives a partial table, never an extrapolated one.
 *
 *   node --conditions=@vaekit/source --import tsx reproductions/report.ts
 *
 * Reads reproductions/<sweep>.yaml and the sweep directory beside it (reproductions/<sweep>/,
 * each finished run's result.json and metrics.jsonl; committed), and the gradient-SNR
 * measurements reproductions/gradient-snr/snr-step<S>.json. Writes the regions between
 * `<!-- reproduction:<key>:start -->` and `<!-- reproduction:<key>:end -->` of
 * docs/reproductions.md (the rest of the page is written by hand) and the plots
 * docs/reproductions/<key>.svg and .png.
 *
 * With `--check` it writes nothing and exits 1, naming the files, when the committed page or
 * plots differ from what the committed results give (CI runs it: a table edited by hand, or
 * results committed without their report, fail). PNGs are rendered from the SVGs and are not
 * compared.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { core, sweep, trainer } from './deps';
import type { GroupSummary, MetricSummary, SweepPlotLine, SweepResults } from './deps';

const root = fileURLToPath(new URL('..', import.meta.url));
const here = join(root, 'reproductions');
const docPath = join(root, 'docs', 'reproductions.md');
const plotDir = join(root, 'docs', 'reproductions');
const check = process.argv.includes('--check');
const stale: string[] = [];

/** Write a generated file, or under `--check` note it when the file on disk differs. */
function emit(path: string, text: string, png?: () => Uint8Array): void {
  if (check) {
    if (!existsSync(path) || readFileSync(path, 'utf8') !== text) stale.push(path);
    return;
  }
  writeFileSync(path, text);
  if (png) writeFileSync(path.replace(/\.svg$/, '.png'), png());
}

const loaded = new Map<string, { results: SweepResults; status: string }>();

/** A sweep's results as they stand, and a line saying how complete they are (read once). */
function load(name: string): { results: SweepResults; status: string } {
  const cached = loaded.get(name);
  if (cached) return cached;
  const spec = sweep.loadSweepFile(join(here, `${name}.yaml`));
  const out = join(here, name);
  const results = sweep.summarizeResults(spec, out);
  const finished = results.runs.filter((r) => r.status !== 'missing');
  const seconds = finished.reduce((s, r) => s + (r.outcome?.seconds ?? 0), 0);
  const complete = finished.length === results.runs.length;
  const status = `${complete ? '**Complete**' : '**Partial**'}: ${finished.length} of ${
    results.runs.length
  } planned runs finished (${spec.seeds.length} seed${spec.seeds.length === 1 ? '' : 's'} per setting${
    spec.order === 'seeds' && spec.seeds.length > 1 ? ', planned seed by seed' : ''
  }); ${hours(seconds)} of training and evaluation in all. Sweep file \`reproductions/${name}.yaml\`, results \`reproductions/${name}/\`.`;
  loaded.set(name, { results, status });
  return { results, status };
}

function hours(seconds: number): string {
  return seconds >= 3600 ? `${(seconds / 3600).toFixed(1)} h` : `${Math.round(seconds / 60)} min`;
}

/** `mean ± sd (n)`; the sd is left out for one run, the cell is `–` for none. */
function cell(m: MetricSummary | undefined, digits = 2): string {
  if (m === undefined || m.n === 0 || !Number.isFinite(m.mean)) return '–';
  const mean = m.mean.toFixed(digits);
  return m.n === 1 ? `${mean} (n = 1)` : `${mean} ± ${m.sd.toFixed(digits)} (n = ${m.n})`;
}

function group(results: SweepResults, values: Record<string, unknown>): GroupSummary | undefined {
  return results.groups.find((g) =>
    Object.entries(values).every(([k, v]) => String(g.values[k]) === String(v)),
  );
}

/** The lowest training KL logged (metrics.jsonl rows of the training split) over a group's runs. */
function lowestTrainingKL(
  sweepName: string,
  g: GroupSummary,
  results: SweepResults,
): MetricSummary {
  const values: number[] = [];
  for (const id of g.runs) {
    if (results.runs.find((r) => r.id === id)?.status === 'missing') continue;
    const file = join(here, sweepName, 'runs', id, 'metrics.jsonl');
    if (!existsSync(file)) continue;
    const rows = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((r) => r['split'] === 'train' && typeof r['kl'] === 'number');
    if (rows.length > 0) values.push(Math.min(...rows.map((r) => r['kl'] as number)));
  }
  return summary(values);
}

function summary(values: number[]): MetricSummary {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, sd: 0, n: 0 };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, sd, n };
}

function writePlot(
  key: string,
  lines: SweepPlotLine[],
  options: Parameters<typeof sweep.sweepPlotSvg>[1],
): string {
  if (!check) mkdirSync(plotDir, { recursive: true });
  const svg = sweep.sweepPlotSvg(lines, options);
  emit(join(plotDir, `${key}.svg`), svg, () => trainer.svgToPng(svg));
  return `![${options.title ?? key}](reproductions/${key}.png)`;
}

/** A plot point of a group's metric; none when no run of the group has finished. */
function point(x: number | string, m: MetricSummary | undefined) {
  return m === undefined || m.n === 0 || !Number.isFinite(m.mean)
    ? []
    : [{ x, mean: m.mean, sd: m.sd, n: m.n }];
}

// Claim 1: tighter bounds train better generative models.
function iwaeFamily(): string {
  const { results, status } = load('iwae-family');
  const rows: [string, Record<string, unknown>, string][] = [
    ['VAE (ELBO)', { objective: 'elbo' }, '89.8-89.9'],
    ['IWAE, K = 5', { objective: 'iwae', k: 5 }, '–'],
    ['IWAE, K = 50', { objective: 'iwae', k: 50 }, '86.8-87.1'],
    ['MIWAE(8, 8)', { objective: 'miwae' }, '85.0-85.1'],
    ['PIWAE(8, 8)', { objective: 'piwae' }, '84.5-84.6'],
    ['CIWAE(0.05), K = 64', { objective: 'ciwae' }, '84.6-84.7'],
  ];
  const lines = [
    '| objective | test NLL (K = 5000) | test ELBO | KL | active units | minutes per run | published NLL |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  const measured: { label: string; nll: number }[] = [];
  for (const [label, values, paper] of rows) {
    const g = group(results, values);
    const m = g?.metrics ?? {};
    if (m['nll'] !== undefined && m['nll'].n > 0) measured.push({ label, nll: m['nll'].mean });
    const minutes = m['seconds']
      ? { ...m['seconds'], mean: m['seconds'].mean / 60, sd: m['seconds'].sd / 60 }
      : undefined;
    lines.push(
      `| ${label} | ${cell(m['nll'])} | ${cell(m['elbo'])} | ${cell(m['kl'])} | ${cell(m['activeUnits'], 1)} | ${cell(minutes, 0)} | ${paper} |`,
    );
  }
  const ranking = [...measured].sort((a, b) => a.nll - b.nll).map((r) => r.label);
  const plot = writePlot(
    'iwae-family',
    [
      {
        label: 'vaekit (mean ± sd over seeds)',
        points: rows.flatMap(([label, values]) =>
          point(label, group(results, values)?.metrics['nll']),
        ),
      },
    ],
    {
      title: 'Test NLL by training objective (MNIST, equal budgets)',
      xLabel: 'objective',
      yLabel: 'NLL (nats)',
    },
  );
  return [
    status,
    '',
    ...lines,
    '',
    ranking.length > 0
      ? `Measured ranking, best first: ${ranking.join(' < ')}.`
      : 'No run has finished yet.',
    '',
    plot,
  ].join('\n');
}

// Claim 3: hyperspherical latents beat Gaussian ones at low dimension.
function hyperspherical(): string {
  const { results, status } = load('hyperspherical');
  // Davidson et al. 2018, the MNIST log-likelihood table (nats), N-VAE and S-VAE.
  const paper: Record<number, [number, number]> = {
    2: [135.73, 132.5],
    5: [110.21, 108.43],
    10: [93.84, 93.16],
    20: [88.9, 89.02],
    40: [88.93, 90.87],
  };
  const lines = [
    '| d | N-VAE (R^d) test NLL | S-VAE (S^d in R^(d+1)) test NLL | S - N (ours) | paper N-VAE | paper S-VAE | S - N (paper) |',
    '|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const dims = [2, 5, 10, 20, 40];
  for (const d of dims) {
    const n = group(results, { latentDim: d, latent: 'gaussian' })?.metrics['nll'];
    // The S-VAE's sphere S^d has d dimensions of its own and lives in R^(d+1).
    const s = group(results, { latentDim: d + 1, latent: 'vmf' })?.metrics['nll'];
    const diff = n && s && n.n > 0 && s.n > 0 ? (s.mean - n.mean).toFixed(2) : '–';
    const [pn, ps] = paper[d]!;
    lines.push(
      `| ${d} | ${cell(n)} | ${cell(s)} | ${diff} | ${pn.toFixed(2)} | ${ps.toFixed(2)} | ${(ps - pn).toFixed(2)} |`,
    );
  }
  const plot = writePlot(
    'hyperspherical',
    [
      {
        label: 'N-VAE (Gaussian), vaekit',
        points: dims.flatMap((d) =>
          point(d, group(results, { latentDim: d, latent: 'gaussian' })?.metrics['nll']),
        ),
      },
      {
        label: 'S-VAE (vMF, learned kappa), vaekit',
        points: dims.flatMap((d) =>
          point(d, group(results, { latentDim: d + 1, latent: 'vmf' })?.metrics['nll']),
        ),
      },
      {
        label: 'N-VAE, Davidson et al.',
        points: dims.map((d) => ({ x: d, mean: paper[d]![0], sd: 0, n: 1 })),
      },
      {
        label: 'S-VAE, Davidson et al.',
        points: dims.map((d) => ({ x: d, mean: paper[d]![1], sd: 0, n: 1 })),
      },
    ],
    {
      title: 'MNIST test NLL against latent dimension',
      xLabel: 'latent dimension d (R^d, S^d)',
      yLabel: 'NLL (nats)',
      scale: 'log',
    },
  );
  return [status, '', ...lines, '', plot].join('\n');
}

/** The validation rows (`split: validation`) of a run's metrics.jsonl: NLL by epoch. */
function validationCurve(sweepName: string, id: string): { epoch: number; nll: number }[] {
  const file = join(here, sweepName, 'runs', id, 'metrics.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((r) => r['split'] === 'validation' && typeof r['nll'] === 'number')
    .map((r) => ({ epoch: r['epoch'] as number, nll: r['nll'] as number }));
}

// Claim 3, follow-up: a 2-dimensional N-VAE against an S-VAE on the circle S^1 (latentDim 2,
// one intrinsic dimension), trained 5 times longer (one seed).
function hypersphericalLong(): string {
  const { results, status } = load('hyperspherical-long');
  const short = load('hyperspherical').results;
  const lines = [
    '| posterior | latent | epochs | test NLL (K = 500) | test ELBO | KL | minutes |',
    '|---|---|---:|---:|---:|---:|---:|',
  ];
  const f = (v: number | undefined, digits = 2) =>
    v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits);
  const rows: [string, string, number, (typeof results.runs)[number] | undefined][] = [
    [
      'N-VAE',
      'R^2',
      10,
      short.runs.find(
        (r) =>
          r.values['latentDim'] === 2 &&
          r.values['latent'] === 'gaussian' &&
          r.values['seed'] === 0,
      ),
    ],
    ['N-VAE', 'R^2', 50, results.runs.find((r) => r.values['latent'] === 'gaussian')],
    ['S-VAE', 'S^1 (in R^2)', 50, results.runs.find((r) => r.values['latent'] === 'vmf')],
  ];
  for (const [name, space, epochs, run] of rows) {
    const m = run?.status === 'missing' ? undefined : run?.outcome;
    lines.push(
      `| ${name} | ${space} | ${epochs} | ${f(m?.metrics['nll'])} | ${f(m?.metrics['elbo'])} | ${f(m?.metrics['kl'])} | ${f(m ? m.seconds / 60 : undefined, 0)} |`,
    );
  }
  const plotLines: SweepPlotLine[] = [];
  for (const [latent, label] of [
    ['gaussian', 'N-VAE, R^2'],
    ['vmf', 'S-VAE, S^1 (learned kappa)'],
  ] as const) {
    const run = results.runs.find((r) => r.values['latent'] === latent);
    if (run && run.status !== 'missing') {
      plotLines.push({
        label,
        points: validationCurve('hyperspherical-long', run.id).map((p) => ({
          x: p.epoch,
          mean: p.nll,
          sd: 0,
          n: 1,
        })),
      });
    }
  }
  const plot = writePlot('hyperspherical-long', plotLines, {
    title: 'R^2 against S^1: validation NLL by epoch (K = 20, 1,000 digits; seed 0)',
    xLabel: 'epoch',
    yLabel: 'NLL (nats)',
    scale: 'linear',
  });
  return [
    status,
    '',
    'Seed 0, 10 epochs (from the table above) and 50 epochs:',
    '',
    ...lines,
    '',
    plot,
  ].join('\n');
}

// Claim 4: collapse on text, with the anti-collapse baselines.
function brownCollapse(): string {
  const { results, status } = load('brown-collapse');
  const rows: [string, Record<string, unknown>][] = [
    ['Gaussian, ELBO', { latent: 'gaussian', klAnneal: 'none', freeBits: 0 }],
    [
      'Gaussian, KL annealing (linear over 1000 steps)',
      { latent: 'gaussian', klAnneal: 'linear:1000' },
    ],
    ['Gaussian, free bits 0.125 per dimension', { latent: 'gaussian', freeBits: 0.125 }],
    ...[0.3, 0.5, 0.7, 1].map(
      (gamma) =>
        [`BN-VAE, gamma ${gamma}`, { latent: 'bn', gamma }] as [string, Record<string, unknown>],
    ),
    ...[10, 20, 50].map(
      (kappa) =>
        [`vMF, kappa ${kappa}`, { latent: 'vmf', kappa }] as [string, Record<string, unknown>],
    ),
  ];
  const lines = [
    '| posterior and objective | KL floor | training KL (lowest logged) | test KL | MI | active units | test NLL | PPL |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const klPoints: SweepPlotLine['points'][number][] = [];
  const nllPoints: SweepPlotLine['points'][number][] = [];
  for (const [label, values] of rows) {
    const g = group(results, values);
    const run = g ? results.runs.find((r) => r.id === g.runs[0]) : undefined;
    let floor = '–';
    if (run) {
      const c = run.config;
      const f = core.LATENT_FAMILIES.get(c.latent).klFloor({
        latentDim: c.latentDim,
        gamma: c.gamma,
        tau: c.tau,
        kappa: c.kappa,
      });
      if (f !== undefined) floor = f.toFixed(2);
      else if (c.freeBits > 0) floor = `${(c.freeBits * c.latentDim).toFixed(2)} (free bits)`;
    }
    const m = g?.metrics ?? {};
    const lowest = g ? lowestTrainingKL('brown-collapse', g, results) : undefined;
    lines.push(
      `| ${label} | ${floor} | ${cell(lowest)} | ${cell(m['kl'])} | ${cell(m['mutualInformation'])} | ${cell(m['activeUnits'], 1)} | ${cell(m['nll'])} | ${cell(m['perplexity'], 1)} |`,
    );
    klPoints.push(...point(label, m['kl']));
    nllPoints.push(...point(label, m['nll']));
  }
  const plot = writePlot('brown-collapse-kl', [{ label: 'test KL (nats)', points: klPoints }], {
    title: 'Brown corpus: test KL by posterior and objective',
    xLabel: 'setting',
    yLabel: 'KL (nats)',
    width: 960,
  });
  const plotNll = writePlot(
    'brown-collapse-nll',
    [{ label: 'test NLL (nats)', points: nllPoints }],
    {
      title: 'Brown corpus: test NLL by posterior and objective',
      xLabel: 'setting',
      yLabel: 'NLL (nats)',
      width: 960,
    },
  );
  return [status, '', ...lines, '', plot, '', plotNll].join('\n');
}

interface SnrFile {
  step: number;
  examples: number;
  draws: number;
  innerK: number;
  results: {
    estimator: string;
    k: number;
    groups?: number;
    encoder: { snr: number; median: number };
    decoder: { snr: number; median: number };
    seconds: number;
  }[];
}

/** Least-squares slope of log SNR against log K (the paper's rates: -1/2 and +1/2 for IWAE). */
function slope(points: { k: number; snr: number }[]): number {
  const xs = points.map((p) => Math.log(p.k));
  const ys = points.map((p) => Math.log(p.snr));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return num / den;
}

// Claim 2: the inference network's gradient SNR falls with K under IWAE.
function gradientSnr(): string {
  const dir = join(here, 'gradient-snr');
  const files = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => /^snr-step\d+\.json$/.test(f))
        .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as SnrFile)
        .sort((a, b) => a.step - b.step)
    : [];
  if (files.length === 0)
    return '**Not measured yet**: no reproductions/gradient-snr/snr-step*.json.';
  const estimators = [...new Set(files.flatMap((f) => f.results.map((r) => r.estimator)))];
  const ks = [...new Set(files.flatMap((f) => f.results.map((r) => r.k)))].sort((a, b) => a - b);
  const out: string[] = [
    `Measured at ${files.length} checkpoint${files.length === 1 ? '' : 's'} (steps ${files.map((f) => f.step).join(', ')}); each SNR from ${files[0]!.draws} gradient draws on the first ${files[0]!.examples} test digits; MIWAE and PIWAE use groups of ${files[0]!.innerK} sample${files[0]!.innerK === 1 ? '' : 's'} (M = K / ${files[0]!.innerK}).`,
    '',
    `| step | network | estimator | ${ks.map((k) => `K = ${k}`).join(' | ')} | slope of log SNR in log K |`,
    `|---:|---|---|${ks.map(() => '---:').join('|')}|---:|`,
  ];
  for (const f of files) {
    for (const network of ['encoder', 'decoder'] as const) {
      for (const estimator of estimators) {
        const pts = ks
          .map((k) => f.results.find((r) => r.estimator === estimator && r.k === k))
          .filter((r) => r !== undefined)
          .map((r) => ({ k: r.k, snr: r[network].snr }));
        const cells = ks.map((k) => {
          const r = f.results.find((x) => x.estimator === estimator && x.k === k);
          return r ? r[network].snr.toPrecision(3) : '–';
        });
        out.push(
          `| ${f.step} | ${network} | ${estimator} | ${cells.join(' | ')} | ${pts.length >= 2 ? slope(pts).toFixed(2) : '–'} |`,
        );
      }
    }
  }
  // One colour per estimator, one dash per checkpoint (the last solid). Estimators whose
  // gradient for this network is another's are left out of its plot: PIWAE's encoder gradient
  // is MIWAE's, and the decoder gradient of DReG and PIWAE is IWAE's.
  const plots: string[] = [];
  const dashes = ['dotted', 'dashed', 'solid'] as const;
  for (const network of ['encoder', 'decoder'] as const) {
    const shown =
      network === 'encoder'
        ? estimators.filter((e) => e !== 'piwae')
        : estimators.filter((e) => e !== 'dreg' && e !== 'piwae');
    const lines: SweepPlotLine[] = [];
    files.forEach((f, i) => {
      for (const estimator of shown) {
        lines.push({
          label: `${estimator}, step ${f.step}`,
          colour: estimators.indexOf(estimator),
          dash: dashes[Math.max(0, dashes.length - files.length + i)] ?? 'solid',
          points: f.results
            .filter((r) => r.estimator === estimator)
            .map((r) => ({ x: r.k, mean: r[network].snr, sd: 0, n: 1 })),
        });
      }
    });
    // The asymptotic IWAE rate from the last checkpoint's K = 1: K^-1/2 (encoder), K^1/2 (decoder).
    const last = files.at(-1)!;
    const base = last.results.find((r) => r.estimator === 'iwae' && r.k === ks[0]);
    if (base) {
      const rate = network === 'encoder' ? -0.5 : 0.5;
      lines.push({
        label: `K^${rate === -0.5 ? '-1/2' : '1/2'} (IWAE asymptote), from step ${last.step}`,
        colour: 6,
        dash: 'dashed',
        points: ks.map((k) => ({
          x: k,
          mean: base[network].snr * (k / ks[0]!) ** rate,
          sd: 0,
          n: 1,
        })),
      });
    }
    plots.push(
      writePlot(`gradient-snr-${network}`, lines, {
        title: `Gradient SNR of the ${network === 'encoder' ? 'inference' : 'generative'} network against K`,
        xLabel: 'K (samples per example)',
        yLabel: 'mean SNR over parameters',
        scale: 'log',
        yScale: 'log',
        width: 880,
        height: 520,
      }),
    );
  }
  return [...out, '', ...plots].join('\n');
}

const sections: Record<string, () => string> = {
  'iwae-family': iwaeFamily,
  'gradient-snr': gradientSnr,
  hyperspherical,
  'hyperspherical-long': hypersphericalLong,
  'brown-collapse': brownCollapse,
};

let doc = readFileSync(docPath, 'utf8');
for (const [key, build] of Object.entries(sections)) {
  const start = `<!-- reproduction:${key}:start -->`;
  const end = `<!-- reproduction:${key}:end -->`;
  const a = doc.indexOf(start);
  const b = doc.indexOf(end);
  if (a < 0 || b < a) throw new Error(`${docPath} has no ${start} ... ${end} region`);
  doc = `${doc.slice(0, a + start.length)}\n${build()}\n${doc.slice(b)}`;
}
emit(docPath, doc);
if (!check) {
  console.log(`wrote ${docPath} and the plots in ${plotDir}`);
} else if (stale.length > 0) {
  console.error(
    `reproductions: these files differ from what the committed results give:\n${stale
      .map((f) => `  ${f.slice(root.length)}`)
      .join(
        '\n',
      )}\nrewrite them with: node --conditions=@vaekit/source --import tsx reproductions/report.ts`,
  );
  process.exit(1);
} else {
  console.log('reproductions: docs/reproductions.md and its plots match the committed results');
}
