export { main, MAIN_HELP } from './main';
export { parseFlags, formatFlagHelp, UsageError, type FlagSpec } from './flags';
export { TRAIN_FLAGS, flagsToConfig } from './train-flags';
export { ProgressReporter, duration, type ProgressState } from './progress';
export type { CommandContext } from './commands/context';
