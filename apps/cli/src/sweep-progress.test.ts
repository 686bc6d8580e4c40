import { describe, expect, it } from 'vitest';
import { SweepProgress } from './sweep-progress';

function stream(isTTY: boolean) {
  const s = {
    text: '',
    isTTY,
    columns: 120,
    write(chunk: string) {
      s.text += chunk;
      return true;
    },
  };
  return s;
}

const outcome = (id: string) => ({
  id,
  status: 'completed' as const,
  metrics: { nll: 540.4663, kl: 0.1813, activeUnits: 1 },
  seconds: 3.2,
  steps: 4,
});

describe('SweepProgress', () => {
  it('off a terminal: one line per finished run with its metrics, then the overall progress', () => {
    const out = stream(false);
    const p = new SweepProgress(out, { metrics: ['nll', 'kl', 'activeUnits'] });
    p.start(4, 1, 3);
    p.runStarted('k=1,seed=0');
    p.step('k=1,seed=0', 2, 4);
    p.runDone(outcome('k=1,seed=0'));
    p.runFailed('k=5,seed=0', 'loss is NaN at step 3');
    p.done();
    expect(out.text.split('\n')).toEqual([
      'done k=1,seed=0  nll 540.47  kl 0.181  activeUnits 1  (4 steps, 3s)',
      expect.stringMatching(/^2\/4 runs {2}ETA \S+ \(33% of 3 to train, 1 finished before\)$/),
      'FAILED k=5,seed=0: loss is NaN at step 3',
      expect.stringMatching(
        /^2\/4 runs, 1 failed {2}ETA \S+ \(67% of 3 to train, 1 finished before\)$/,
      ),
      '',
    ]);
  });

  it('on a terminal: a bar redrawn in place with the runs in flight; lines clear it', () => {
    const out = stream(true);
    const p = new SweepProgress(out, { metrics: ['nll'] });
    p.start(2, 0, 2);
    p.step('k=1,seed=0', 2, 4);
    const clear = '\r\x1b[2K';
    expect(out.text.startsWith(clear)).toBe(true);
    expect(out.text.slice(clear.length)).toMatch(
      /^\[#+-+\] {2}25% 0\/2 runs {2}ETA \S+ {2}k=1,seed=0 2\/4$/,
    );
    p.runDone(outcome('k=1,seed=0'));
    expect(out.text).toContain('\r\x1b[2Kdone k=1,seed=0  nll 540.47  (4 steps, 3s)\n');
    expect(out.text.split(clear).at(-1)).toMatch(/^\[#+-+\] {2}50% 1\/2 runs {2}ETA \S+$/);
  });

  it('--quiet prints nothing', () => {
    const out = stream(true);
    const p = new SweepProgress(out, { quiet: true, metrics: ['nll'] });
    p.start(1, 0, 1);
    p.step('a', 1, 2);
    p.runDone(outcome('a'));
    p.done();
    expect(out.text).toBe('');
  });
});
