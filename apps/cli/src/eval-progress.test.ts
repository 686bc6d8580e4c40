import { describe, expect, it } from 'vitest';
import { EvalProgress } from './commands/eval';

describe('evaluation progress', () => {
  const capture = (isTTY: boolean) => {
    const lines: string[] = [];
    return { lines, stream: { isTTY, write: (s: string) => lines.push(s) > 0 } };
  };

  it('off a terminal: a line every tenth of the examples, with the ETA, then the time taken', () => {
    let now = 0;
    const { lines, stream } = capture(false);
    const progress = new EvalProgress(stream, 1000, () => now);
    for (let done = 50; done <= 1000; done += 50) {
      now += 1000;
      progress.update(done);
    }
    progress.done();
    expect(lines).toEqual([
      'evaluating 100/1000 (10%), ETA 18s\n',
      'evaluating 200/1000 (20%), ETA 16s\n',
      'evaluating 300/1000 (30%), ETA 14s\n',
      'evaluating 400/1000 (40%), ETA 12s\n',
      'evaluating 500/1000 (50%), ETA 10s\n',
      'evaluating 600/1000 (60%), ETA 8s\n',
      'evaluating 700/1000 (70%), ETA 6s\n',
      'evaluating 800/1000 (80%), ETA 4s\n',
      'evaluating 900/1000 (90%), ETA 2s\n',
      'evaluated 1000/1000 (100%) in 20s\n',
    ]);
  });

  it('off a terminal: also a line when 30 s pass without another tenth', () => {
    let now = 0;
    const { lines, stream } = capture(false);
    const progress = new EvalProgress(stream, 10_000, () => now);
    now = 20_000;
    progress.update(100);
    now = 31_000;
    progress.update(200);
    now = 40_000;
    progress.update(300);
    expect(lines).toEqual(['evaluating 200/10000 (2%), ETA 25m19s\n']);
  });

  it('on a terminal: one line redrawn in place, cleared at the end', () => {
    let now = 0;
    const { lines, stream } = capture(true);
    const progress = new EvalProgress(stream, 10, () => now);
    now = 2000;
    progress.update(5);
    progress.done();
    expect(lines).toEqual([
      '\r\x1b[2Kevaluating 0/10 (0%), ETA --',
      '\r\x1b[2Kevaluating 5/10 (50%), ETA 2s',
      '\r\x1b[2K',
    ]);
  });
});
