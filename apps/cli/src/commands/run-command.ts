import { BACKEND_CHOICES } from '@vaekit/backend';
import { statSync } from 'node:fs';
import { type OpenedRun, RunDirectory, openRun } from '@vaekit/trainer';
import { RUN_MARKER_FILE } from '@vaekit/trainer/internal';
import { type FlagSpec, UsageError, formatFlagHelp, parseFlags } from '../flags';
import type { CommandContext } from './context';
import { type OutputKind, checkOut } from './output';

/** Flags every command that reads a run accepts. */
export const RUN_FLAGS: readonly FlagSpec[] = [
  {
    name: 'backend',
    type: 'choice',
    choices: BACKEND_CHOICES,
    help: "tfjs backend (default: the run's)",
  },
  {
    name: 'seed',
    type: 'integer',
    placeholder: '<n>',
    min: 0,
    max: 2 ** 32 - 1,
    help: 'random seed (default 0)',
  },
  { name: 'help', type: 'boolean', help: 'show this help' },
];

/** A command over a trained run: `vaekit <name> <run> [flags]`. */
export interface RunCommandSpec {
  name: string;
  summary: string;
  flags: readonly FlagSpec[];
  examples: string[];
  /**
   * What `--out` receives: `decoded` (a PNG grid for image runs, sentences for text runs) or
   * `codes` (JSON or CSV); checked by {@link checkOut}, once before the run is opened and
   * again for the run's kind. Absent: the command has no `--out`.
   */
  output?: 'decoded' | 'codes';
  /** Checks of the flag values on their own, before the run is opened (throw a UsageError). */
  check?(values: Record<string, unknown>): void;
  /**
   * Checks that need the opened run (ranges known only from its data), before `run` writes
   * anything; throw a UsageError. May print notes (a value clamped to the data) to stderr.
   */
  validate?(opened: OpenedRun, values: Record<string, unknown>, ctx: CommandContext): void;
  run(
    opened: OpenedRun,
    values: Record<string, unknown>,
    ctx: CommandContext,
  ): Promise<void> | void;
}

/** The help text of a {@link RunCommandSpec}. */
export function runCommandHelp(spec: RunCommandSpec): string {
  return `Usage: vaekit ${spec.name} <run> [options]

${spec.summary}

Options:
${formatFlagHelp([...spec.flags, ...RUN_FLAGS])}

Examples:
${spec.examples.map((e) => `  ${e}`).join('\n')}
`;
}

/**
 * Build the command function. Every argument is checked before anything is written: flags are
 * parsed with their types and ranges, the command's own checks run, `--out` is checked, the run
 * directory must exist and be a vaekit run (usage errors, exit 2); then the run is opened
 * (checksum-verified), the checks that need its data run, and only then the command runs. The
 * model is freed at the end.
 */
export function runCommand(spec: RunCommandSpec) {
  return async (argv: string[], ctx: CommandContext): Promise<number> => {
    const { values, positionals } = parseFlags(argv, [...spec.flags, ...RUN_FLAGS]);
    if (values['help']) {
      ctx.stdout.write(runCommandHelp(spec));
      return 0;
    }
    if (positionals.length !== 1) {
      throw new UsageError(
        `vaekit ${spec.name} takes one run directory <run> (a directory written by 'vaekit train'), got ${positionals.length === 0 ? 'none' : positionals.join(' ')}`,
      );
    }
    spec.check?.(values);
    const out = values['out'] as string | undefined;
    if (spec.output !== undefined) checkOut(out, outputKinds(spec.output));
    const dir = positionals[0]!;
    checkRunDirectory(dir);
    const opened = await openRun(
      dir,
      values['backend'] === undefined ? {} : { backend: values['backend'] as string },
    );
    try {
      if (spec.output !== undefined) checkOut(out, outputKinds(spec.output, opened.data.kind));
      spec.validate?.(opened, values, ctx);
      await spec.run(opened, values, ctx);
    } finally {
      opened.model.dispose();
    }
    return 0;
  };
}

function outputKinds(output: 'decoded' | 'codes', kind?: 'image' | 'text'): OutputKind[] {
  if (output === 'codes') return ['codes'];
  return kind === undefined ? ['image', 'text'] : [kind];
}

/** A usage error (exit 2) unless `dir` is a directory holding a vaekit run. */
function checkRunDirectory(dir: string): void {
  const expected = "expected <run>, a directory written by 'vaekit train'";
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch {
    throw new UsageError(`run directory '${dir}' does not exist; ${expected}`);
  }
  if (!isDirectory) throw new UsageError(`'${dir}' is not a directory; ${expected}`);
  if (!RunDirectory.isRun(dir)) {
    throw new UsageError(
      `'${dir}' is not a vaekit run directory (no ${RUN_MARKER_FILE}); ${expected}`,
    );
  }
}

/**
 * A note on stderr when a "first n examples" flag asks for more than the split holds; returns
 * the number used (the split's size then).
 */
export function clampToSplit(
  flag: string,
  requested: number | undefined,
  size: number,
  split: string,
  ctx: CommandContext,
): number {
  if (requested === undefined || requested <= size) return requested ?? size;
  ctx.stderr.write(
    `note: --${flag} ${requested} is more than the ${size} examples of the ${split} split; using all ${size}\n`,
  );
  return size;
}
