import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * A Python that can import google.protobuf (Debian: python3-protobuf), or `undefined`: tests of
 * the independent decoder run only where it exists (`it.runIf(python !== undefined)`).
 */
export const python = ['python3', '/usr/bin/python3'].find(
  (cmd) => spawnSync(cmd, ['-c', 'import google.protobuf'], { stdio: 'ignore' }).status === 0,
);

/** The independent decoder: its own CRC32C, its own hand-written schema. */
export const READ_EVENTS = join(import.meta.dirname, 'read_events.py');

/** An event as read_events.py prints it. */
export interface PythonEvent {
  wall_time: number;
  step: number;
  file_version?: string;
  values?: { tag: string; simple_value: number }[];
  session_log?: { status: number };
  /** Re-serialising the parsed message gives back the record's bytes. */
  canonical: boolean;
  /** Fields the hand-written schema does not know (null where protobuf cannot say). */
  unknown_fields: number | null;
}

/** Reads event files with read_events.py; throws with its stderr when it fails. */
export function readWithPython(paths: string[]): { file: string; events: PythonEvent[] }[] {
  if (python === undefined) throw new Error('no python3 with google.protobuf');
  const run = spawnSync(python, [READ_EVENTS, ...paths], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`read_events.py failed: ${run.stderr}`);
  // Python's json writes NaN bare, which JSON.parse does not take.
  return JSON.parse(run.stdout.replace(/\bNaN\b/g, '"NaN"'), (_k, v) =>
    v === 'NaN' ? Number.NaN : v,
  );
}
