/**
 * Fault-injection fixture: trains a run and dies with SIGKILL (no clean-up, as when a machine
 * loses power) at a chosen moment:
 * - `step:<n>`: right after step n (before or after any checkpoint, depending on n);
 * - `validation:<n>`: after the validation row of step n is written, before its checkpoint;
 * - `checkpoint:<n>`: in the middle of writing the checkpoint of step n (half of its payload
 *   written to the temporary file);
 * - `slow`: trains to the end, sleeping 1 s after each step (a run that holds its directory for
 *   a while), printing `started` once it has begun;
 * - `never`: trains to the end.
 * Usage: node --conditions=@vaekit/source --import tsx train-and-die.ts <out> <config-json> <mode> [resume]
 */
import fs from 'node:fs';
import { train } from '../train';

const [out, config, mode, resume] = process.argv.slice(2) as [string, string, string, string?];
const [what, at] = mode.split(':') as [string, string?];
const n = Number(at);
let step = 0;
const die = () => process.kill(process.pid, 'SIGKILL');

if (what === 'checkpoint') {
  // The checkpoint writer writes its payload with fs.writeSync: cut the big write in half.
  const writeSync = fs.writeSync;
  (fs as { writeSync: unknown }).writeSync = (fd: number, buf: Uint8Array, ...rest: number[]) => {
    const [off = 0, len = buf.byteLength] = rest;
    if (step === n && len > 1000) {
      writeSync(fd, buf, off, Math.floor(len / 2));
      die();
    }
    return writeSync(fd, buf, off, len);
  };
}

await train(JSON.parse(config), {
  out,
  resume: resume === 'resume',
  logEvery: 2,
  events: {
    onStart: () => {
      if (what === 'slow') process.stdout.write('started\n');
    },
    onStep: (s) => {
      step = s.step;
      if (what === 'step' && s.step === n) die();
      if (what === 'slow') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
    },
    onEvaluation: (e) => {
      if (what === 'validation' && e.step === n) die();
    },
  },
});
