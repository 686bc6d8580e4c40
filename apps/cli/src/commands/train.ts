import { readFileSync, readdirSync } from 'node:fs';
import {
  ConfigError,
  DATA_SOURCES,
  LATENT_FAMILIES,
  type TrainConfig,
  dataSpecSyntax,
  ignoredSettings,
  resolveConfig,
} from '@vaekit/core';
import { objectiveNames, objectiveSpec } from '@vaekit/objectives';
import { RunDirectory, train } from '@vaekit/trainer';
import { type FlagSpec, UsageError, formatFlagHelp, parseFlags } from '../flags';
import { ProgressReporter } from '../progress';
import { TRAIN_FLAGS, flagsToConfig } from '../train-flags';
import type { CommandContext } from './context';

export const TRAIN_HELP = `Usage: vaekit train [options]

Train a VAE and write a run directory (config.json, metrics.jsonl, checkpoint/, model/,
samples.png, reconstructions.png, curves.svg/png, eval.json).

With no options: a BN-VAE (Zhu et al. 2020, gamma 0.5) on binarised MNIST, MLP 784-512-256-32,
ELBO, 3 epochs — a few minutes on 2 CPU cores.

Options:
${formatFlagHelp(TRAIN_FLAGS)}

Latent families (--latent):
${choiceHelp(LATENT_FAMILIES.list().map((f) => [f.name, f.description]))}

Objectives (--objective):
${choiceHelp(objectiveNames().map((name) => [name, objectiveSpec(name).description]))}

Data (--data):
${choiceHelp(DATA_SOURCES.list().map((s) => [dataSpecSyntax(s), s.description]))}

Examples:
  vaekit train                                          # BN-VAE on MNIST
  vaekit train --latent vmf --kappa 50 --epochs 5       # hyperspherical VAE
  vaekit train --objective piwae --k 64 --groups 8 --gradient-estimator dreg
  vaekit train --data brown --latent bn-su --tau 0.5 --latent-dim 32 --hidden 256
  vaekit train --data idx:/usr/share/datasets/fashion-mnist --likelihood gaussian
  vaekit train --resume runs/mnist-bn-elbo-20261121-120000   # continue after Ctrl-C
`;

/** `vaekit train`: parse flags (and `--config`), train, and report progress. */
export async function trainCommand(argv: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseFlags(argv, TRAIN_FLAGS as FlagSpec[]);
  if (values['help']) {
    ctx.stdout.write(TRAIN_HELP);
    return 0;
  }
  if (positionals.length > 0)
    throw new UsageError(`vaekit train takes no positional arguments, got '${positionals[0]}'`);
  const resume = values['resume'] as string | undefined;
  if (resume !== undefined && values['out'] !== undefined && values['out'] !== resume) {
    throw new UsageError(
      `--resume ${resume} and --out ${values['out']} name different directories; --resume continues the run in place`,
    );
  }
  if (resume !== undefined) checkRunDirectory(resume, true);
  let base: Partial<TrainConfig> = {};
  const configFile =
    (values['config'] as string | undefined) ??
    (resume !== undefined ? `${resume}/config.json` : undefined);
  if (configFile !== undefined) base = readConfigFile(configFile);
  let config: TrainConfig;
  try {
    config = resolveConfig({ ...base, ...flagsToConfig(values) });
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(flagMessage(error));
    throw error;
  }
  const out = resume ?? (values['out'] as string | undefined) ?? defaultRunDir(config);
  if (resume === undefined) checkRunDirectory(out, false);
  const quiet = values['quiet'] === true;
  const progress = new ProgressReporter(ctx.stderr, { quiet });
  for (const { key, reason } of ignoredSettings(config, Object.keys(flagsToConfig(values)))) {
    const flag = TRAIN_FLAGS.find((f) => f.key === key)!.name;
    progress.log(`note: --${flag} has no effect here: ${reason}`);
  }
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    progress.log(
      'interrupt: finishing the current step and saving a checkpoint (Ctrl-C again to quit now)',
    );
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    const result = await train(config, {
      out,
      resume: resume !== undefined,
      signal: controller.signal,
      tensorboard: values['tensorboard'] === true,
      events: {
        onStart: ({ backend, threads, threadsReason, data, totalSteps, resumedFromStep, runDir }) =>
          progress.log(
            `vaekit train: ${config.latent} posterior, ${config.objective}${config.k > 1 ? ` K=${config.k}` : ''}, ${data}\n  backend ${backend}, ${threads === 1 ? '1 thread' : `${threads} data-parallel threads`} (${threadsReason}), ${totalSteps} steps, run directory ${runDir}${resumedFromStep !== undefined ? `, resuming from step ${resumedFromStep}` : ''}`,
          ),
        onStep: (s) =>
          progress.update({
            step: s.step,
            totalSteps: s.totalSteps,
            epoch: s.epoch,
            totalEpochs: s.totalEpochs,
            loss: s.loss,
            kl: s.kl,
            examplesPerSec: s.examplesPerSec,
          }),
        onEvaluation: (e) =>
          progress.log(
            `  step ${e.step}: validation NLL ${e.nll.toFixed(2)} (K=${e.k}), ELBO ${e.elbo.toFixed(2)}, KL ${e.kl.toFixed(2)}, MI ${e.mutualInformation.toFixed(2)}, active units ${e.activeUnits}/${config.latentDim}${e.perplexity !== undefined ? `, PPL ${e.perplexity.toFixed(1)}` : ''}${e.improved ? '' : ' (no improvement)'}`,
          ),
        onLog: (m) => progress.log(`  ${m}`),
      },
    });
    progress.done();
    const t = result.test;
    ctx.stdout.write(
      `${result.status === 'interrupted' ? 'interrupted' : 'done'} after ${result.step} steps: ${result.runDir}\n` +
        (t
          ? `test: NLL ${t.nll.toFixed(2)} nats (K=${t.k}, ${t.examples} examples), ELBO ${t.elbo.toFixed(2)}, KL ${t.kl.toFixed(2)}, MI ${t.mutualInformation.toFixed(2)}, active units ${t.activeUnits}/${config.latentDim}${t.perplexity !== undefined ? `, PPL ${t.perplexity.toFixed(1)}` : ''}\n`
          : ''),
    );
    return result.status === 'interrupted' ? 130 : 0;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** A configuration error in the words of the command line: `--latent-dim: expected ...`. */
function flagMessage(error: ConfigError): string {
  const flag = TRAIN_FLAGS.find((f) => f.key === error.field)?.name;
  const prefix = `${error.field}: `;
  return flag !== undefined && error.message.startsWith(prefix)
    ? `--${flag}: ${error.message.slice(prefix.length)}`
    : error.message;
}

/**
 * Check the run directory before any work: `--resume` needs a vaekit run; a new run needs a new
 * or empty directory (an existing run is continued only with --resume).
 */
function checkRunDirectory(out: string, resume: boolean): void {
  let entries: string[] | undefined;
  try {
    entries = readdirSync(out);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') throw new UsageError(`--out ${out} is a file, not a directory`);
    if (code !== 'ENOENT') throw error;
  }
  if (resume) {
    if (entries === undefined) throw new UsageError(`--resume ${out}: no such directory`);
    if (!RunDirectory.isRun(out)) {
      throw new UsageError(`--resume ${out}: not a vaekit run directory (no vaekit-run.json)`);
    }
    return;
  }
  if (entries === undefined || entries.length === 0) return;
  throw new UsageError(
    RunDirectory.isRun(out)
      ? `--out ${out} already holds a vaekit run: continue it with --resume ${out}, or choose a new directory`
      : `--out ${out} is not empty and is not a vaekit run: choose a new or empty directory`,
  );
}

/** Aligned `name  description` lines for the choices of a registry. */
function choiceHelp(rows: [string, string][]): string {
  const width = Math.max(...rows.map(([name]) => name.length)) + 4;
  return rows.map(([name, text]) => `  ${name.padEnd(width)}${text}`).join('\n');
}

function readConfigFile(path: string): Partial<TrainConfig> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read config file ${path}: ${(error as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new Error('expected a JSON object');
    return parsed as Partial<TrainConfig>;
  } catch (error) {
    throw new UsageError(`config file ${path} is not valid: ${(error as Error).message}`);
  }
}

function defaultRunDir(config: TrainConfig): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
  const data = config.data.replace(/^(idx|text):.*[/\\]/, '$1-').replace(/[^a-zA-Z0-9-]+/g, '-');
  return `runs/${data}-${config.latent}-${config.objective}-${stamp}`;
}
