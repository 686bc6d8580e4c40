import { UsageError, suggest } from './flags';
import type { CommandContext } from './commands/context';
import { trainCommand } from './commands/train';
import { evalCommand } from './commands/eval';
import { sampleCommand } from './commands/sample';
import { reconstructCommand } from './commands/reconstruct';
import { interpolateCommand } from './commands/interpolate';
import { encodeCommand } from './commands/encode';
import { snrCommand } from './commands/snr';
import { sweepCommand } from './commands/sweep';
import { workerCommand } from './commands/worker';

export const MAIN_HELP = `Usage: vaekit <command> [options]

Variational autoencoders that do not collapse (BN-VAE, vMF) with tighter importance-weighted
bounds (IWAE, MIWAE, CIWAE, PIWAE, DReG), on TensorFlow.js.

Commands:
  train          train a VAE and write a run directory (default: BN-VAE on MNIST)
  eval <run>     NLL by importance sampling, KL, mutual information, active units, perplexity
  sample <run>   decode samples from the prior: an image grid PNG, or sentences
  reconstruct <run>   encode and decode test examples
  interpolate <run>   decode a path between two inputs (linear, or spherical for vMF)
  encode <run>   write latent codes of a data split as JSON or CSV
  snr <run>      gradient signal-to-noise ratio of encoder and decoder per estimator and K
  sweep <plan|run|results> <file|dir>   grids of runs with several seeds: plan, train on a
                 pool of worker processes (interrupt and continue), collect mean ± sd tables
  worker         train runs of sweeps queued on Redis (sweep run --redis), until Ctrl-C

Run 'vaekit <command> --help' for a command's options, their valid ranges, and examples.

Exit codes: 0 success; 1 a runtime error (bad data file, corrupt checkpoint, diverged
training); 2 bad usage (an unknown command or flag, a value out of range, an --out that does not
fit what the command writes), reported before anything is written; 130 interrupted.

Examples:
  vaekit train
  vaekit eval runs/mnist-bn-elbo-20261121-120000 --k 5000
  vaekit sample runs/mnist-bn-elbo-20261121-120000 --n 64 --out samples.png
  vaekit sweep run sweeps/iwae-k.yaml --out sweeps/iwae-k --workers 2
`;

const COMMANDS: Record<string, (argv: string[], ctx: CommandContext) => Promise<number>> = {
  train: trainCommand,
  eval: evalCommand,
  sample: sampleCommand,
  reconstruct: reconstructCommand,
  interpolate: interpolateCommand,
  encode: encodeCommand,
  snr: snrCommand,
  sweep: sweepCommand,
  worker: workerCommand,
};

/**
 * Run the CLI on `argv` (without `node` and the script). Returns the exit code: 0 on success,
 * 1 on a runtime error (bad data file, corrupt checkpoint, diverged training), 2 on bad usage
 * (unknown command, flag or value), 130 when interrupted.
 */
export async function main(
  argv: string[],
  ctx: CommandContext = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    ctx.stdout.write(MAIN_HELP);
    return 0;
  }
  if (command === '--version' || command === '-v') {
    ctx.stdout.write(`${await version()}\n`);
    return 0;
  }
  const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  try {
    if (run === undefined) {
      const hint = suggest(command, Object.keys(COMMANDS));
      throw new UsageError(
        `unknown command '${command}'.${hint ? ` Did you mean '${hint}'?` : ''} Valid commands: ${Object.keys(COMMANDS).join(', ')}`,
      );
    }
    return await run(rest, ctx);
  } catch (error) {
    if (error instanceof UsageError) {
      ctx.stderr.write(
        `vaekit: ${error.message}\nRun 'vaekit ${run === undefined ? '' : `${command} `}--help' for usage.\n`,
      );
      return 2;
    }
    ctx.stderr.write(`vaekit: ${(error as Error).message}\n`);
    return 1;
  }
}

async function version(): Promise<string> {
  const { createRequire } = await import('node:module');
  return (createRequire(import.meta.url)('../package.json') as { version: string }).version;
}
