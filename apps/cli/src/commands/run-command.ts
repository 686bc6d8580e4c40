import { type OpenedRun, openRun } from '@vaekit/trainer';
import { type FlagSpec, UsageError, formatFlagHelp, parseFlags } from '../flags';
import type { CommandContext } from './context';

/** Flags every command that reads a run accepts. */
export const RUN_FLAGS: readonly FlagSpec[] = [
  {
    name: 'backend',
    type: 'choice',
    choices: ['auto', 'node-gpu', 'node', 'wasm', 'cpu'],
    help: "tfjs backend (default: the run's)",
  },
  { name: 'seed', type: 'integer', placeholder: '<n>', help: 'random seed (default 0)' },
  { name: 'help', type: 'boolean', help: 'show this help' },
];

/** A command over a trained run: `vaekit <name> <run> [flags]`. */
export interface RunCommandSpec {
  name: string;
  summary: string;
  flags: readonly FlagSpec[];
  examples: string[];
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
 * Build the command function: parse and check flags (usage errors exit 2 before anything is
 * read or written), open the run (checksum-verified), run, and free the model.
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
        `vaekit ${spec.name} takes one run directory, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}`,
      );
    }
    const opened = await openRun(
      positionals[0]!,
      values['backend'] === undefined ? {} : { backend: values['backend'] as string },
    );
    try {
      await spec.run(opened, values, ctx);
    } finally {
      opened.model.dispose();
    }
    return 0;
  };
}
