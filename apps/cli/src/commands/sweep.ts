import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  MAX_WORKERS,
  SWEEP_FILE,
  SweepError,
  type SweepResults,
  type SweepSpec,
  checkSweepDirectory,
  collectResults,
  defaultWorkers,
  loadSweepFile,
  planSweep,
  resultsMarkdown,
  runSweepLocally,
  sweepNotes,
} from '@vaekit/sweep';
import { type FlagSpec, UsageError, formatFlagHelp, parseFlags, suggest } from '../flags';
import { duration } from '../progress';
import { SweepProgress } from '../sweep-progress';
import type { CommandContext } from './context';
import { SWEEP_REDIS_FLAG, checkSweepRedisFlags, sweepRunOnRedis } from './sweep-redis';

const HELP_FLAG: FlagSpec = { name: 'help', type: 'boolean', help: 'show this help' };

/** Flags of `vaekit sweep run`. */
export const SWEEP_RUN_FLAGS: readonly FlagSpec[] = [
  {
    name: 'out',
    type: 'string',
    placeholder: '<dir>',
    help: 'the sweep directory (required): new, empty, or holding this sweep (it is continued)',
  },
  {
    name: 'workers',
    type: 'integer',
    placeholder: '<n>',
    min: 1,
    max: MAX_WORKERS,
    help: `worker processes, one run each (default: the CPU cores, here ${defaultWorkers()})`,
  },
  // --redis <url>: runs on a BullMQ queue in Redis instead of the local pool, trained by
  // `vaekit worker --redis <url>` processes (sweep-redis.ts).
  SWEEP_REDIS_FLAG,
  { name: 'quiet', type: 'boolean', help: 'print only errors and the final table' },
  HELP_FLAG,
];

const SWEEP_FILE_EXAMPLE = `  # sweeps/iwae-k.yaml
  name: iwae-k
  base: { latent: gaussian, latentDim: 16, epochs: 1, evalK: 100 }
  grid:
    objective: [elbo, iwae]
    k: [1, 5, 50]
  seeds: 3
  metrics: [nll, kl, activeUnits]
  plot: { x: k, metric: nll, groupBy: objective }`;

export const SWEEP_HELP = `Usage: vaekit sweep <plan|run|results> ...

Grids of training runs, with several seeds each:

  vaekit sweep plan <file>                print the planned runs, one per line, and the count
  vaekit sweep run <file> --out <dir>     train them on a pool of worker processes on this machine
  vaekit sweep results <dir>              collect the results again (e.g. while a sweep runs)

A sweep file (YAML or JSON) has a base config (any settings of 'vaekit train', by their config
keys: latentDim, maxSteps, ...), a grid (every combination of its axes), zipped axes (lists varied
together), seeds (a list, or a count), the metrics to report (nll, elbo, kl, mutualInformation,
activeUnits, perplexity, seconds, steps) and an optional plot (a metric against an axis, one line
per group of the other axes):

${SWEEP_FILE_EXAMPLE}
  zip:                               # optional: axes varied together (equal lengths)
    - { hidden: [[256], [512, 256]], lr: [0.001, 0.0005] }

'sweep run' writes <dir>/sweep.yaml, one run directory per run in <dir>/runs/<id> (ids such as
objective=iwae,k=5,seed=1; 'vaekit eval' works on each), and at the end sweep.json (every run's
config and metrics), results.csv, results.md (mean ± sd over seeds) and plot.svg/png. Ctrl-C
stops after the current steps with a checkpoint; the same command continues the sweep: finished
runs are skipped, unfinished ones resume.

Run 'vaekit sweep <plan|run|results> --help' for each one's options.

Exit codes: 0 success; 1 a run failed; 2 bad usage (a bad sweep file names the key and the valid
choices; an --out holding another sweep names the keys that differ), before anything is written;
130 interrupted.
`;

const PLAN_HELP = `Usage: vaekit sweep plan <file>

Check a sweep file and print its runs, one per line (each a run directory name: the axis values
and the seed), then the count and notes on settings that have no effect in some runs.

Options:
${formatFlagHelp([HELP_FLAG])}

Examples:
  vaekit sweep plan sweeps/iwae-k.yaml
`;

const RUN_HELP = `Usage: vaekit sweep run <file> --out <dir> [options]

Train every run of a sweep on a pool of worker processes on this machine, each run in its own
run directory <dir>/runs/<id>; then collect the results (sweep.json, results.csv, results.md,
plot.svg/png). Progress goes to stderr: one line per run as it finishes, with its metrics, and an
overall bar with the ETA (plain lines when stderr is not a terminal); the results table to stdout.

Ctrl-C stops every run after its current step, with a checkpoint; run the same command again to
continue: finished runs are skipped and unfinished ones resume from their checkpoints. An --out
that holds another sweep is refused, naming the keys that differ (name, metrics and plot may
change: they only shape the reports).

Options:
${formatFlagHelp(SWEEP_RUN_FLAGS)}

Examples:
  vaekit sweep run sweeps/iwae-k.yaml --out sweeps/iwae-k
  vaekit sweep run sweeps/iwae-k.yaml --out sweeps/iwae-k --workers 2   # continue, 2 processes
  vaekit sweep run sweeps/iwae-k.yaml --out /shared/sweeps/iwae-k --redis redis://10.0.0.5:6379
      # on Redis, trained by 'vaekit worker --redis redis://10.0.0.5:6379' on other machines
`;

const RESULTS_HELP = `Usage: vaekit sweep results <dir>

Collect the results of the sweep in <dir> (the --out of 'vaekit sweep run') from its runs'
result.json files: sweep.json, results.csv, results.md (mean ± sd over seeds, with n) and, when
the sweep has a plot, plot.svg and plot.png. Runs not finished yet are listed as missing.

Options:
${formatFlagHelp([HELP_FLAG])}

Examples:
  vaekit sweep results sweeps/iwae-k
`;

const SUBCOMMANDS = ['plan', 'run', 'results'];

/** `vaekit sweep <plan|run|results>`. */
export async function sweepCommand(argv: string[], ctx: CommandContext): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    ctx.stdout.write(SWEEP_HELP);
    return 0;
  }
  switch (sub) {
    case 'plan':
      return planCommand(rest, ctx);
    case 'run':
      return runCommand(rest, ctx);
    case 'results':
      return resultsCommand(rest, ctx);
    default: {
      const hint = suggest(sub, SUBCOMMANDS);
      throw new UsageError(
        `unknown sweep command '${sub}'.${hint ? ` Did you mean '${hint}'?` : ''} Valid: ${SUBCOMMANDS.join(', ')}`,
      );
    }
  }
}

function planCommand(argv: string[], ctx: CommandContext): number {
  const { values, positionals } = parseFlags(argv, [HELP_FLAG]);
  if (values['help']) {
    ctx.stdout.write(PLAN_HELP);
    return 0;
  }
  const spec = readSweep(onePositional(positionals, 'plan', '<file>, a sweep file'));
  const runs = planSweep(spec);
  const lines = runs.map((r) => r.id);
  lines.push(`${runs.length} run${runs.length === 1 ? '' : 's'} in sweep ${spec.name}`);
  ctx.stdout.write(`${lines.join('\n')}\n`);
  for (const note of sweepNotes(spec, runs)) ctx.stderr.write(`note: ${note}\n`);
  return 0;
}

async function runCommand(argv: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseFlags(argv, SWEEP_RUN_FLAGS);
  if (values['help']) {
    ctx.stdout.write(RUN_HELP);
    return 0;
  }
  const file = onePositional(positionals, 'run', '<file>, a sweep file');
  const out = values['out'] as string | undefined;
  if (out === undefined) {
    throw new UsageError(
      'vaekit sweep run needs --out <dir>: the sweep directory (new, or one to continue)',
    );
  }
  const spec = readSweep(file);
  try {
    checkSweepDirectory(spec, out);
  } catch (error) {
    if (error instanceof SweepError) throw new UsageError(`--out ${error.message}`);
    throw error;
  }
  // --redis <url>: runSweepOnQueue(spec, { out, redis, ... }) instead of the pool.
  const redis = values['redis'] as string | undefined;
  if (redis !== undefined) {
    checkSweepRedisFlags(redis, values);
    return sweepRunOnRedis(spec, file, out, redis, values['quiet'] === true, ctx);
  }
  const quiet = values['quiet'] === true;
  const progress = new SweepProgress(ctx.stderr, { quiet, metrics: spec.metrics });
  for (const note of sweepNotes(spec)) progress.log(`note: ${note}`);
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    progress.log(
      `interrupt: stopping every run after its current step, with a checkpoint (Ctrl-C again to quit now); continue with the same command`,
    );
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  let result: Awaited<ReturnType<typeof runSweepLocally>>;
  try {
    result = await runSweepLocally(spec, {
      out,
      signal: controller.signal,
      ...(values['workers'] !== undefined ? { workers: values['workers'] as number } : {}),
      onEvent: (e) => {
        switch (e.type) {
          case 'start':
            progress.start(e.total, e.finished, e.pending);
            progress.log(
              `vaekit sweep: ${spec.name}, ${e.total} runs${e.finished > 0 ? ` (${e.finished} finished before, ${e.pending} to train)` : ''}, ${e.workers} worker process${e.workers === 1 ? '' : 'es'}, ${out}`,
            );
            return;
          case 'run-start':
            progress.runStarted(e.id);
            return;
          case 'step':
            progress.step(e.id, e.step, e.totalSteps);
            return;
          case 'run-done':
            progress.runDone(e.outcome);
            return;
          case 'run-interrupted':
            progress.runStopped(e.id, e.step);
            return;
          case 'run-failed':
            progress.runFailed(e.id, e.error);
            return;
          case 'log':
            // The trainer's list of the files it wrote is the same for every run.
            if (!/^wrote /.test(e.message)) {
              progress.log(`  ${e.id ?? `worker ${e.worker}`}: ${e.message}`);
            }
            return;
          default:
            return;
        }
      },
    });
  } finally {
    process.off('SIGINT', onSigint);
    progress.done();
  }
  const results = collectResults(spec, out);
  ctx.stdout.write(summary(results, out));
  const took = `${duration(result.seconds)} wall clock`;
  if (result.status === 'interrupted') {
    ctx.stdout.write(
      `interrupted after ${took}: ${results.missing.length} runs left. Continue with: vaekit sweep run ${file} --out ${out}\n`,
    );
    return 130;
  }
  if (result.status === 'failed') {
    ctx.stdout.write(
      `${result.failed.length} run${result.failed.length === 1 ? '' : 's'} failed (${took}):\n${result.failed.map((f) => `  ${f.id}: ${f.error}`).join('\n')}\nFix the cause, then run the same command: the others are kept.\n`,
    );
    return 1;
  }
  ctx.stdout.write(`done in ${took}\n`);
  return 0;
}

function resultsCommand(argv: string[], ctx: CommandContext): number {
  const { values, positionals } = parseFlags(argv, [HELP_FLAG]);
  if (values['help']) {
    ctx.stdout.write(RESULTS_HELP);
    return 0;
  }
  const dir = onePositional(positionals, 'results', "<dir>, a directory of 'vaekit sweep run'");
  const file = join(dir, SWEEP_FILE);
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new UsageError(`sweep directory '${dir}' does not exist`);
  }
  if (!isDir || !existsSync(file)) {
    throw new UsageError(
      `'${dir}' is not a sweep directory (no ${SWEEP_FILE}); expected the --out of 'vaekit sweep run'`,
    );
  }
  const spec = readSweep(file);
  ctx.stdout.write(summary(collectResults(spec, dir), dir));
  return 0;
}

/** The results table (results.md without its title), and the files written. */
function summary(results: SweepResults, out: string): string {
  const table = resultsMarkdown(results).split('\n').slice(2).join('\n');
  return `\n${table}\nwrote ${results.files.map((f) => join(out, f)).join(', ')}\n`;
}

function onePositional(positionals: string[], sub: string, what: string): string {
  if (positionals.length !== 1) {
    throw new UsageError(
      `vaekit sweep ${sub} takes one ${what}, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}`,
    );
  }
  return positionals[0]!;
}

/** Load a sweep file; its problems are usage errors (exit 2), naming the key. */
function readSweep(file: string): SweepSpec {
  try {
    return loadSweepFile(file);
  } catch (error) {
    if (error instanceof SweepError) throw new UsageError(error.message);
    throw error;
  }
}
