/**
 * Test fixture (run with `node --import tsx`): writes checkpoints in a loop and kills itself
 * with SIGKILL at a chosen point of the write of checkpoint `crashStep`, a real crash with no
 * chance to clean up:
 * - `payload-half`: after half of the payload's bytes reach the temporary file;
 * - `before-manifest-rename`: after the new manifest's temporary file is fsynced, just before
 *   its rename.
 * Usage: crash-writer.ts <dir> <crashStep> <point>
 */
import fs from 'node:fs';
import { writeCheckpoint } from '../write-checkpoint';

const [dir, crashStepArg, point] = process.argv.slice(2) as [string, string, string];
const crashStep = Number(crashStepArg);
let step = 0;

const writeSync = fs.writeSync;
const renameSync = fs.renameSync;
let written = 0;
(fs as { writeSync: unknown }).writeSync = (
  fd: number,
  buf: Uint8Array,
  off = 0,
  len = buf.byteLength,
) => {
  if (step === crashStep && point === 'payload-half' && len > 1000) {
    writeSync(fd, buf, off, Math.floor(len / 2));
    process.kill(process.pid, 'SIGKILL');
  }
  const n = writeSync(fd, buf, off, len);
  written += n;
  return n;
};
(fs as { renameSync: unknown }).renameSync = (from: string, to: string) => {
  if (step === crashStep && point === 'before-manifest-rename' && to.endsWith('checkpoint.json')) {
    process.kill(process.pid, 'SIGKILL');
  }
  return renameSync(from, to);
};

const weights = {
  w: { shape: [256, 256], dtype: 'float32' as const, data: new Float32Array(65536) },
};
for (step = 1; step <= crashStep; step++) {
  weights.w.data.fill(step);
  await writeCheckpoint(dir, { weights, step, epoch: 0, rngState: [step, 0, 0, 1] });
  process.stdout.write(`wrote ${step}\n`);
}
process.stdout.write(`no crash (${written} bytes)\n`);
