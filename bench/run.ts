/**
 * vaekit's benchmark suite against a PyTorch reference (`pnpm bench`).
 *
 *   node --conditions=@vaekit/source --import tsx bench/run.ts
 *
 * In one run it measures, on the tfjs backend that `selectBackend` picks (`auto`: tfjs-node-gpu,
 * tfjs-node, then wasm), and with the PyTorch reference of the same models and shapes
 * (bench/pytorch_reference.py, 1 and 2 threads) when PyTorch is installed:
 *   - MLP VAE training (784-512-256-32 and mirror, Bernoulli pixels, Adam, clipping at 5),
 *     examples/s, batch 32/128/512, ELBO and IWAE with K = 5 and 50;
 *   - LSTM text VAE training (BN-VAE head, word dropout 0.3), tokens/s;
 *   - von Mises-Fisher sampling, inverse-CDF and Wood, samples/s;
 *   - importance-sampled NLL with K = 5000 over the MNIST test set: time and peak memory, each
 *     side in a process of its own, on the same weights (so the NLLs must agree).
 * It writes bench/results.json and the tables of docs/benchmarks.md (between the markers).
 *
 * Environment:
 *   BENCH_BACKEND=auto|wasm|cpu|node|...  the tfjs backend (default auto)
 *   BENCH_QUICK=1        NLL on the first 500 test images (time also extrapolated to 10,000),
 *                        and shorter timings
 *   BENCH_SECONDS=3      timed seconds per item, after warm-up
 *   BENCH_ONLY=mlp,text,vmf,nll   which groups to run
 *   BENCH_ITEMS=mlp/elbo/b128,...   only these items (ids as in results.json)
 *   BENCH_PYTHON=python3 the Python with PyTorch (default: /usr/bin/python3, then python3)
 *   BENCH_NO_PYTORCH=1   measure vaekit alone
 *   BENCH_TORCH_THREADS=1,2   the PyTorch peer's thread counts (one process each)
 *   BENCH_NLL_EXAMPLES, BENCH_NLL_K   override the NLL item (for smoke tests)
 *   BENCH_WASM_FIXES=none|<fix,...>   wasm with only these of @vaekit/backend's kernel fixes
 *                        (WASM_KERNEL_FIXES), to measure what each is worth (default: all)
 *   BENCH_WORKERS=2      also measure data-parallel MLP training over this many threads (default
 *                        2 on a machine with 2 or more cores; 0: off)
 *   BENCH_OUT=bench/results.json, BENCH_DOC=docs/benchmarks.md   where to write
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveWorkspace, setUpBackend, tf } from './deps';
import {
  type MLPItem,
  type NLLItem,
  type TextItem,
  type VMFItem,
  exportWeights,
  mlpTraining,
  mlpVAE,
  mnistTest,
  textTraining,
  vmfSampling,
} from './vaekit-items';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const quick = process.env.BENCH_QUICK === '1';
const seconds = Number(process.env.BENCH_SECONDS ?? (quick ? 1.5 : 3));
const only = new Set((process.env.BENCH_ONLY ?? 'mlp,text,vmf,nll').split(','));
const itemIds = process.env.BENCH_ITEMS?.split(',').filter(Boolean);
const wanted = (id: string) => itemIds === undefined || itemIds.includes(id);
const backendName = process.env.BENCH_BACKEND ?? 'auto';
const workers = Number(process.env.BENCH_WORKERS ?? (cpus().length >= 2 ? 2 : 0));
const torchThreads = (process.env.BENCH_TORCH_THREADS ?? '1,2').split(',').map(Number);
if (!torchThreads.every((t) => Number.isInteger(t) && t >= 1)) {
  throw new Error(
    `BENCH_TORCH_THREADS must list positive integers (e.g. 1,2), got ${process.env.BENCH_TORCH_THREADS}`,
  );
}
const outPath = resolve(root, process.env.BENCH_OUT ?? 'bench/results.json');
const docPath = resolve(root, process.env.BENCH_DOC ?? 'docs/benchmarks.md');
const NLL_FULL = 10_000;
const NLL_QUICK = 500;

const log = (message: string) => process.stderr.write(`${message}\n`);

// ---------------------------------------------------------------------------------------------
// The items: one list, shared by both sides.

type Item =
  | ({ id: string; kind: 'mlp' } & MLPItem)
  | ({ id: string; kind: 'text' } & TextItem)
  | ({ id: string; kind: 'vmf' } & VMFItem)
  | ({ id: string; kind: 'nll' } & NLLItem & { mnist?: string });

const mlpItems: Item[] = [];
for (const batch of [32, 128, 512])
  for (const [objective, k] of [
    ['elbo', 1],
    ['iwae', 5],
    ['iwae', 50],
  ] as const)
    mlpItems.push({
      id: `mlp/${objective}${objective === 'iwae' ? k : ''}/b${batch}`,
      kind: 'mlp',
      batch,
      objective,
      k,
      seconds,
      warmup: batch * k >= 512 * 50 ? 1 : 2,
    });

const textItems: Item[] = [
  {
    id: 'text/bn-vae/b32',
    kind: 'text',
    batch: 32,
    tokens: 20,
    vocab: 5000,
    embedding: 256,
    hidden: 256,
    latent: 32,
    seconds,
    warmup: 2,
  },
];

const vmfItems: Item[] = [];
for (const dim of [16, 64, 256])
  for (const kappa of [10, 100, 1000])
    for (const sampler of ['inverse-cdf', 'wood'] as const)
      vmfItems.push({
        id: `vmf/${sampler}/d${dim}/k${kappa}`,
        kind: 'vmf',
        rows: 1024,
        dim,
        kappa,
        sampler,
        seconds: Math.min(seconds, 1),
      });

const nllItem = (weights: string, mnist: string): Item => ({
  id: 'nll/k5000',
  kind: 'nll',
  examples: Number(process.env.BENCH_NLL_EXAMPLES ?? (quick ? NLL_QUICK : NLL_FULL)),
  k: Number(process.env.BENCH_NLL_K ?? 5000),
  batch: 100,
  chunk: 500,
  weights,
  mnist,
});

// ---------------------------------------------------------------------------------------------
// PyTorch

interface PythonInfo {
  python: string;
  torch: string;
}

function findPyTorch(): PythonInfo | { reason: string } {
  if (process.env.BENCH_NO_PYTORCH === '1') return { reason: 'BENCH_NO_PYTORCH=1' };
  const candidates = [process.env.BENCH_PYTHON, '/usr/bin/python3', 'python3'].filter(
    (p): p is string => p !== undefined && p !== '',
  );
  const failures: string[] = [];
  for (const python of candidates) {
    try {
      const torch = execFileSync(python, ['-c', 'import torch; print(torch.__version__)'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      }).trim();
      return { python, torch };
    } catch {
      failures.push(python);
    }
  }
  return {
    reason: `PyTorch is not installed (tried ${failures.join(', ')}; on Debian: apt-get install python3-torch libopenblas0-pthread)`,
  };
}

interface PyResult {
  id: string;
  [key: string]: number | string;
}

async function runPython(
  info: PythonInfo,
  threads: number,
  items: Item[],
  mnist: string | undefined,
): Promise<Map<string, PyResult>> {
  const dir = mkdtempSync(join(tmpdir(), 'vaekit-bench-'));
  const spec = join(dir, 'spec.json');
  writeFileSync(spec, JSON.stringify({ threads, mnist, items }));
  // This machine's image sets OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, which slow OpenBLAS's GEMM
  // 3x (104 against 309 GFLOP/s; the NLL, mostly elementwise, 41.3 against 37.6 s for 100 digits):
  // the peer runs without them, as on a machine where OpenBLAS picks for itself.
  const { OPENBLAS_CORETYPE: _coretype, OPENBLAS_L2_SIZE: _l2, ...inherited } = process.env;
  const env = {
    ...inherited,
    OMP_NUM_THREADS: String(threads),
    OPENBLAS_NUM_THREADS: String(threads),
    MKL_NUM_THREADS: String(threads),
  };
  try {
    const stdout = await new Promise<string>((done, fail) => {
      const child = spawn(info.python, [join(root, 'bench/pytorch_reference.py'), spec], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
      });
      child.stderr.on('data', (d) => {
        for (const line of String(d).split('\n').filter(Boolean))
          log(`  pytorch ${threads}t: ${line}`);
      });
      child.on('error', fail);
      child.on('close', (code) =>
        code === 0 ? done(out) : fail(new Error(`pytorch_reference.py exited with ${code}`)),
      );
    });
    const parsed = JSON.parse(stdout.trim().split('\n').at(-1)!) as { results: PyResult[] };
    return new Map(parsed.results.map((r) => [r.id, r]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The vaekit NLL evaluation in a child process (its own peak memory). */
async function runNLLChild(item: Item, backendChoice: string): Promise<Record<string, number>> {
  const stdout = await new Promise<string>((done, fail) => {
    const child = spawn(
      process.execPath,
      [
        ...process.execArgv,
        join(root, 'bench/nll-child.ts'),
        JSON.stringify({ ...item, backend: backendChoice }),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('error', fail);
    child.on('close', (code) =>
      code === 0 ? done(out) : fail(new Error(`nll-child.ts exited with ${code}`)),
    );
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, number>;
}

// ---------------------------------------------------------------------------------------------
// Run

tf.env().set('PROD', true);
const loadAtStart = loadavg()[0]!;
const selection = await setUpBackend(backendName);
const tfjsVersion = (
  JSON.parse(
    readFileSync(
      join(dirname(resolveWorkspace('@tensorflow/tfjs-core')), '../package.json'),
      'utf8',
    ),
  ) as { version: string }
).version;
const pytorch = findPyTorch();
const hasTorch = 'python' in pytorch;
log(
  `backend: ${selection.choice}; tfjs ${tfjsVersion}; ${hasTorch ? `PyTorch ${pytorch.torch} (${pytorch.python})` : pytorch.reason}`,
);

const vaekit = new Map<string, Record<string, number>>();
const dataParallel = new Map<string, Record<string, number>>();
const groups = { mlp: mlpItems, text: textItems, vmf: vmfItems };
let mnistPath: string | undefined;
const data = only.has('mlp') || only.has('nll') ? mnistTest() : undefined;
if (data !== undefined) mnistPath = data.path;

for (const [group, items] of Object.entries(groups)) {
  if (!only.has(group)) continue;
  for (const item of items) {
    if (!wanted(item.id)) continue;
    let result: Record<string, number>;
    if (item.kind === 'mlp') result = await mlpTraining(item, data!);
    else if (item.kind === 'text') result = await textTraining(item);
    else if (item.kind === 'vmf') result = await vmfSampling(item);
    else continue;
    vaekit.set(item.id, result);
    log(`  vaekit ${item.id}: ${JSON.stringify(round(result))}`);
    // Data-parallel threads pay off on single-threaded backends (wasm, cpu), not on tfjs-node.
    if (
      (item.kind === 'mlp' || item.kind === 'text') &&
      workers >= 2 &&
      ['wasm', 'wasm-fma', 'cpu'].includes(selection.choice)
    ) {
      const parallel =
        item.kind === 'mlp'
          ? await mlpTraining(item, data!, workers)
          : await textTraining(item, workers);
      dataParallel.set(item.id, parallel);
      log(`  vaekit ${workers} workers ${item.id}: ${JSON.stringify(round(parallel))}`);
    }
  }
}

let nll: Item | undefined;
const tmp = mkdtempSync(join(tmpdir(), 'vaekit-bench-weights-'));
if (only.has('nll')) {
  const model = mlpVAE(1);
  const weights = exportWeights(model, tmp);
  model.dispose();
  nll = nllItem(weights, mnistPath!);
  log(`  vaekit ${nll.id} (${(nll as NLLItem).examples} examples, child process) ...`);
  const result = await runNLLChild(nll, selection.choice);
  vaekit.set(nll.id, result);
  log(`  vaekit ${nll.id}: ${JSON.stringify(round(result))}`);
}

const torch = new Map<number, Map<string, PyResult>>();
if (hasTorch) {
  const trainingItems = [...mlpItems, ...textItems, ...vmfItems].filter(
    (item) => only.has(item.id.split('/')[0]!) && wanted(item.id),
  );
  // vMF: PyTorch has no vMF distribution; the reference is Wood's sampler (one row per d, kappa).
  const pyItems = trainingItems.filter((item) => item.kind !== 'vmf' || item.sampler === 'wood');
  for (const threads of torchThreads) {
    const results = await runPython(pytorch, threads, pyItems, mnistPath);
    if (nll !== undefined) {
      // A process of its own, so its peak memory is the evaluation's.
      for (const [id, r] of await runPython(pytorch, threads, [nll], mnistPath)) results.set(id, r);
    }
    torch.set(threads, results);
  }
}
rmSync(tmp, { recursive: true, force: true });

// ---------------------------------------------------------------------------------------------
// Results

function round(r: Record<string, number | string>): Record<string, number | string> {
  return Object.fromEntries(
    Object.entries(r).map(([k, v]) => [
      k,
      typeof v === 'number' ? Number(v.toPrecision(v >= 1000 ? 6 : 4)) : v,
    ]),
  );
}

const py = (threads: number, id: string) => torch.get(threads)?.get(id);
const metricOf = (kind: Item['kind']) =>
  kind === 'mlp'
    ? 'examplesPerSec'
    : kind === 'text'
      ? 'tokensPerSec'
      : kind === 'vmf'
        ? 'samplesPerSec'
        : 'seconds';

const allItems = [...mlpItems, ...textItems, ...vmfItems, ...(nll ? [nll] : [])];
const rows = allItems
  .filter((item) => vaekit.has(item.id))
  .map((item) => {
    const metric = metricOf(item.kind);
    const v = vaekit.get(item.id)![metric]!;
    const pyId = item.kind === 'vmf' ? item.id.replace(item.sampler, 'wood') : item.id;
    const p1 = py(1, pyId)?.[metric] as number | undefined;
    const p2 = py(2, pyId)?.[metric] as number | undefined;
    // Ratios are vaekit's speed over PyTorch's (> 1: vaekit faster); for times, inverted.
    const ratio = (p: number | undefined) =>
      p === undefined ? null : item.kind === 'nll' ? p / v : v / p;
    const parallel = dataParallel.get(item.id);
    return {
      id: item.id,
      kind: item.kind,
      metric,
      item: Object.fromEntries(
        Object.entries(item).filter(([k]) => !['weights', 'mnist'].includes(k)),
      ),
      vaekit: round(vaekit.get(item.id)!),
      ...(parallel ? { vaekitDataParallel: { workers, ...round(parallel) } } : {}),
      pytorch1: p1 === undefined ? null : round(py(1, pyId)!),
      pytorch2: p2 === undefined ? null : round(py(2, pyId)!),
      ratio1: ratio(p1),
      ratio2: ratio(p2),
      ...(parallel
        ? {
            ratioDataParallel1: p1 === undefined ? null : parallel[metric]! / p1,
            ratioDataParallel2: p2 === undefined ? null : parallel[metric]! / p2,
          }
        : {}),
    };
  });

const results = {
  date: new Date().toISOString(),
  machine: {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    // 1-minute load averages: other processes competing for the cores distort the timings.
    loadAverage: { start: loadAtStart, end: loadavg()[0]! },
  },
  vaekit: {
    backend: selection.choice,
    tfjs: tfjsVersion,
    kernelFixes: selection.fixes,
  },
  pytorch: hasTorch
    ? { available: true, version: pytorch.torch, python: pytorch.python, threads: torchThreads }
    : { available: false, reason: pytorch.reason },
  quick,
  nllExamples: nll ? (nll as NLLItem).examples : null,
  secondsPerItem: seconds,
  rows,
};
writeFileSync(outPath, `${JSON.stringify(results, null, 2)}\n`);
log(`wrote ${outPath}`);

// ---------------------------------------------------------------------------------------------
// Markdown

const fmt = (x: number | null | undefined, digits = 0) =>
  x === null || x === undefined
    ? '–'
    : x >= 1e6
      ? `${(x / 1e6).toFixed(2)}M`
      : x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ratioFmt = (x: number | null | undefined) =>
  x === null || x === undefined ? '–' : `${x.toFixed(2)}x`;
const rowsOf = (kind: string) => rows.filter((r) => r.kind === kind);
const md: string[] = [];
const be = selection.choice;
md.push(
  `Measured ${results.date.slice(0, 16).replace('T', ' ')} UTC on ${results.machine.cpu} (${results.machine.cores} cores), Node ${results.machine.node}, tfjs ${tfjsVersion} on \`${be}\`${results.vaekit.kernelFixes.length ? ` with vaekit's kernel fixes (${results.vaekit.kernelFixes.join(', ')})` : ''}; ${hasTorch ? `PyTorch ${pytorch.torch} (CPU)` : `**PyTorch not measured**: ${pytorch.reason}`}. Ratios are vaekit's speed over PyTorch's (higher is better for vaekit). 1-minute load average ${results.machine.loadAverage.start.toFixed(2)} at the start, ${results.machine.loadAverage.end.toFixed(2)} at the end${results.machine.loadAverage.start > 0.5 ? ' (**other processes were running: timings are pessimistic**)' : ''}.`,
  '',
);
const colsTorch = hasTorch
  ? ' PyTorch 1 thread | PyTorch 2 threads | vaekit / PyTorch 1t | vaekit / PyTorch 2t |'
  : '';
const sepTorch = hasTorch ? '---:|---:|---:|---:|' : '';
const torchCells = (r: (typeof rows)[number], digits = 0) =>
  hasTorch
    ? ` ${fmt(r.pytorch1?.[r.metric] as number, digits)} | ${fmt(r.pytorch2?.[r.metric] as number, digits)} | ${ratioFmt(r.ratio1)} | ${ratioFmt(r.ratio2)} |`
    : '';

if (rowsOf('mlp').length) {
  const dp = dataParallel.size > 0;
  md.push(
    '### MLP VAE training (examples/s)',
    '',
    `784-512-256-32 and mirror, Bernoulli pixels, Adam (lr 1e-3) with global-norm clipping at 5; one step = objective gradients, loss read back, clip, Adam (vaekit's trainer step), on MNIST test images binarised at 0.5.${dp ? ` "vaekit, ${workers} threads" is the same step with data-parallel gradients (\`DataParallelGradients\`, packages/trainer/src/parallel: the batch split over ${workers} threads, each with its own ${be} instance); its last column is its ratio to PyTorch with 1 thread.` : ''}`,
    '',
    `| batch | objective | vaekit (${be}) |${dp ? ` vaekit, ${workers} threads |` : ''}${colsTorch}${dp ? ` ${workers} threads / PyTorch 1t |` : ''}`,
    `|---:|---|---:|${dp ? '---:|' : ''}${sepTorch}${dp ? '---:|' : ''}`,
  );
  for (const r of rowsOf('mlp')) {
    const it = r.item as unknown as MLPItem;
    const parallel = ('vaekitDataParallel' in r ? r.vaekitDataParallel : undefined) as
      | Record<string, number>
      | undefined;
    md.push(
      `| ${it.batch} | ${it.objective === 'elbo' ? 'ELBO' : `IWAE, K = ${it.k}`} | ${fmt(r.vaekit[r.metric] as number)} |${dp ? ` ${fmt(parallel?.[r.metric] as number)} |` : ''}${torchCells(r)}${dp ? ` ${ratioFmt('ratioDataParallel1' in r ? r.ratioDataParallel1 : null)} |` : ''}`,
    );
  }
  md.push('');
  // IWAE cost in K: step time at K = 50 over K = 5 (10 would be exactly linear in K).
  md.push(
    '#### IWAE cost in K',
    '',
    'Step time with K = 50 over step time with K = 5, same batch (10.0 = exactly proportional to K; less, because the encoder and optimizer costs do not grow with K).',
    '',
    `| batch | vaekit |${hasTorch ? ' PyTorch 1 thread | PyTorch 2 threads |' : ''}`,
    `|---:|---:|${hasTorch ? '---:|---:|' : ''}`,
  );
  for (const batch of [32, 128, 512]) {
    const a = rows.find((r) => r.id === `mlp/iwae5/b${batch}`);
    const b = rows.find((r) => r.id === `mlp/iwae50/b${batch}`);
    if (!a || !b) continue;
    const scale = (x: unknown, y: unknown) =>
      typeof x === 'number' && typeof y === 'number' ? (x / y).toFixed(1) : '–';
    md.push(
      `| ${batch} | ${scale(a.vaekit[a.metric], b.vaekit[b.metric])} |${hasTorch ? ` ${scale(a.pytorch1?.[a.metric], b.pytorch1?.[b.metric])} | ${scale(a.pytorch2?.[a.metric], b.pytorch2?.[b.metric])} |` : ''}`,
    );
  }
  md.push('');
}
if (rowsOf('text').length) {
  const dpText = rowsOf('text').some((r) => 'vaekitDataParallel' in r);
  md.push(
    '### LSTM text VAE training (tokens/s)',
    '',
    "TextVAE: embedding 256, LSTM encoder 256, BN-VAE head (gamma 0.6, latent 32), LSTM decoder 256 conditioned on z, vocabulary 5000, word dropout 0.3, batch 32 x 20 tokens; ELBO, Adam with clipping. Data-parallel: each thread's shard is normalised by its own batch statistics in the BN-VAE head.",
    '',
    `| model | vaekit (${be}) |${dpText ? ` vaekit, ${workers} threads |` : ''}${colsTorch}${dpText ? ` ${workers} threads / PyTorch 1t |` : ''}`,
    `|---|---:|${dpText ? '---:|' : ''}${sepTorch}${dpText ? '---:|' : ''}`,
  );
  for (const r of rowsOf('text')) {
    const parallel = ('vaekitDataParallel' in r ? r.vaekitDataParallel : undefined) as
      | Record<string, number>
      | undefined;
    md.push(
      `| TextVAE, batch 32 x 20 | ${fmt(r.vaekit[r.metric] as number)} |${dpText ? ` ${fmt(parallel?.[r.metric] as number)} |` : ''}${torchCells(r)}${dpText ? ` ${ratioFmt('ratioDataParallel1' in r ? r.ratioDataParallel1 : null)} |` : ''}`,
    );
  }
  md.push('');
}
if (rowsOf('vmf').length) {
  md.push(
    '### von Mises-Fisher sampling (samples/s)',
    '',
    "`rsample()` of 1024 rows (one draw each, a scalar kappa), sample read back. PyTorch has no vMF: its column is Wood's rejection sampler written in PyTorch (bench/pytorch_reference.py); both vaekit samplers are compared with it.",
    '',
    `| d | kappa | vaekit inverse-CDF | vaekit Wood |${hasTorch ? ' PyTorch Wood 1t | PyTorch Wood 2t | inverse-CDF / PyTorch 1t | Wood / PyTorch 1t |' : ''}`,
    `|---:|---:|---:|---:|${hasTorch ? '---:|---:|---:|---:|' : ''}`,
  );
  for (const dim of [16, 64, 256])
    for (const kappa of [10, 100, 1000]) {
      const inv = rows.find((r) => r.id === `vmf/inverse-cdf/d${dim}/k${kappa}`);
      const wood = rows.find((r) => r.id === `vmf/wood/d${dim}/k${kappa}`);
      if (!inv || !wood) continue;
      md.push(
        `| ${dim} | ${kappa} | ${fmt(inv.vaekit[inv.metric] as number)} | ${fmt(wood.vaekit[wood.metric] as number)} |${hasTorch ? ` ${fmt(wood.pytorch1?.[wood.metric] as number)} | ${fmt(wood.pytorch2?.[wood.metric] as number)} | ${ratioFmt(inv.ratio1)} | ${ratioFmt(wood.ratio1)} |` : ''}`,
      );
    }
  md.push('');
}
if (rowsOf('nll').length) {
  const r = rowsOf('nll')[0]!;
  const n = (r.item as unknown as NLLItem).examples;
  const extrapolate = (s: unknown) =>
    typeof s === 'number'
      ? n === NLL_FULL
        ? ''
        : ` (~${fmt((s * NLL_FULL) / n)} s for 10,000)`
      : '';
  md.push(
    `### Evaluation: importance-sampled NLL, K = ${(r.item as unknown as NLLItem).k}`,
    '',
    `${n === NLL_FULL ? 'The whole MNIST test set (10,000 images)' : `**BENCH_QUICK: the first ${n} MNIST test images** (times for 10,000 extrapolated)`}, binarised at 0.5; batches of 100 images, chunks of 500 samples (50,000 decoded rows at a time); the same weights on both sides, each in a process of its own. Peak memory is the process's peak resident set.`,
    '',
    `| | time (s) | NLL (nats) | peak RSS (MiB) |${hasTorch ? ' vaekit speed / this |' : ''}`,
    `|---|---:|---:|---:|${hasTorch ? '---:|' : ''}`,
    `| vaekit (${be}) | ${fmt(r.vaekit.seconds as number, 1)}${extrapolate(r.vaekit.seconds)} | ${fmt(r.vaekit.nll as number, 2)} | ${fmt(r.vaekit.peakRssMiB as number)} (tensors ${fmt(r.vaekit.peakTensorMiB as number)}) |${hasTorch ? ' |' : ''}`,
  );
  for (const [threads, p] of [
    [1, r.pytorch1],
    [2, r.pytorch2],
  ] as const)
    if (p)
      md.push(
        `| PyTorch ${threads} thread${threads > 1 ? 's' : ''} | ${fmt(p.seconds as number, 1)}${extrapolate(p.seconds)} | ${fmt(p.nll as number, 2)} | ${fmt(p.peakRssMiB as number)} | ${ratioFmt((p.seconds as number) / (r.vaekit.seconds as number))} |`,
      );
  md.push('');
}

const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';
const block = `${START}\n${md.join('\n')}\n${END}`;
const existing = existsSync(docPath) ? readFileSync(docPath, 'utf8') : '';
const doc =
  existing.includes(START) && existing.includes(END)
    ? existing.slice(0, existing.indexOf(START)) +
      block +
      existing.slice(existing.indexOf(END) + END.length)
    : `# Benchmarks\n\nGenerated by \`pnpm bench\` (bench/run.ts).\n\n${block}\n`;
writeFileSync(docPath, doc);
log(`wrote ${docPath}`);
console.log(md.join('\n'));
