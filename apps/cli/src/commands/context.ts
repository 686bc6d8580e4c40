/** Where a command writes: injectable so tests can capture output. */
export interface CommandContext {
  stdout: { write(s: string): boolean };
  stderr: NodeJS.WriteStream | { write(s: string): boolean; isTTY?: boolean; columns?: number };
}
