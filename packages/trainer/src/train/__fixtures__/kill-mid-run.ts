/**
 * Test helper: train until the checkpoint after step 4 is on disk, then die with SIGKILL (no
 * clean-up, as when a machine loses power), leaving a half-finished run to resume.
 * Usage: node --conditions=@vaekit/source --import tsx kill-mid-run.ts <out> <config-json>
 */
import { train } from '../train';

const [out, config] = process.argv.slice(2);
await train(JSON.parse(config!), {
  out: out!,
  logEvery: 2,
  events: {
    onStep: (s) => {
      if (s.step === 6) process.kill(process.pid, 'SIGKILL');
    },
  },
});
