import type { RunOutcome } from '@vaekit/sweep';
import { duration } from './progress';

/**
 * A sweep's progress for a terminal, with the conventions of `vaekit train`'s progress: one
 * line per run as it finishes (its metrics and time), and an overall bar with the ETA, redrawn
 * in place on a TTY; elsewhere (a pipe, a CI log) a plain progress line after each run and at
 * most every `plainEverySeconds` (default 30) while runs train.
 *
 * The ETA extrapolates from the runs trained in this session (finished runs and the fraction of
 * steps done by the runs in flight); runs finished before (skipped) take no time.
 */
export class SweepProgress {
  private readonly started = Date.now();
  private total = 0;
  private finished = 0;
  private skipped = 0;
  private pending = 0;
  private doneHere = 0;
  private failed = 0;
  private readonly running = new Map<string, { step: number; totalSteps: number }>();
  private drawn = false;
  private lastPlain = Date.now();

  constructor(
    private readonly stream: { write(s: string): boolean; isTTY?: boolean; columns?: number },
    private readonly options: {
      quiet?: boolean;
      metrics: readonly string[];
      plainEverySeconds?: number;
    },
  ) {}

  /** The plan: `total` runs, `finished` of them done before, `pending` to train. */
  start(total: number, finished: number, pending: number): void {
    this.total = total;
    this.finished = finished;
    this.skipped = finished;
    this.pending = pending;
  }

  runStarted(id: string): void {
    this.running.set(id, { step: 0, totalSteps: 0 });
    this.draw();
  }

  step(id: string, step: number, totalSteps: number): void {
    this.running.set(id, { step, totalSteps });
    this.draw();
  }

  /** A run finished: its line, then the bar. */
  runDone(outcome: RunOutcome): void {
    this.running.delete(outcome.id);
    this.finished++;
    this.doneHere++;
    const metrics = this.options.metrics
      .map((m) => {
        const v =
          m === 'seconds' ? outcome.seconds : m === 'steps' ? outcome.steps : outcome.metrics[m];
        return v === undefined ? undefined : `${m} ${formatMetric(v)}`;
      })
      .filter((s) => s !== undefined)
      .join('  ');
    const stopped = outcome.status === 'early-stopped' ? ' early-stopped' : '';
    this.log(
      `done ${outcome.id}  ${metrics}  (${outcome.steps} steps${stopped}, ${duration(outcome.seconds)})`,
    );
    this.draw(true);
  }

  runStopped(id: string, step: number): void {
    this.running.delete(id);
    this.log(`stopped ${id} at step ${step} (checkpoint saved)`);
  }

  runFailed(id: string, error: string): void {
    this.running.delete(id);
    this.failed++;
    this.doneHere++;
    this.log(`FAILED ${id}: ${error}`);
    this.draw(true);
  }

  /** Print a full line without breaking the bar. */
  log(line: string): void {
    if (this.options.quiet) return;
    if (this.drawn) this.stream.write('\r\x1b[2K');
    this.drawn = false;
    this.stream.write(`${line}\n`);
  }

  done(): void {
    if (this.drawn && !this.options.quiet) this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }

  /** The fraction of this session's work done: finished runs and the steps of those in flight. */
  private fraction(): number {
    if (this.pending === 0) return 1;
    let inFlight = 0;
    for (const r of this.running.values()) {
      if (r.totalSteps > 0) inFlight += r.step / r.totalSteps;
    }
    return Math.min(1, (this.doneHere + inFlight) / this.pending);
  }

  private draw(plainNow = false): void {
    if (this.options.quiet) return;
    const fraction = this.fraction();
    const elapsed = (Date.now() - this.started) / 1000;
    const eta = fraction > 0 ? (elapsed * (1 - fraction)) / fraction : Number.NaN;
    const runs = [...this.running]
      .map(([id, r]) => (r.totalSteps > 0 ? `${id} ${r.step}/${r.totalSteps}` : `${id} starting`))
      .join('; ');
    const failed = this.failed > 0 ? `, ${this.failed} failed` : '';
    const stats = `${this.finished}/${this.total} runs${failed}  ETA ${duration(eta)}`;
    if (this.stream.isTTY) {
      const columns = this.stream.columns ?? 100;
      const width = Math.max(10, Math.min(30, columns - stats.length - 20));
      const filled = Math.round(fraction * width);
      const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round(fraction * 100)).padStart(3)}%`;
      let line = `${bar} ${stats}${runs ? `  ${runs}` : ''}`;
      if (line.length > columns - 1) line = `${line.slice(0, Math.max(0, columns - 2))}…`;
      this.stream.write(`\r\x1b[2K${line}`);
      this.drawn = true;
    } else if (
      plainNow ||
      Date.now() - this.lastPlain >= (this.options.plainEverySeconds ?? 30) * 1000
    ) {
      this.lastPlain = Date.now();
      this.stream.write(
        `${stats} (${Math.round(fraction * 100)}% of ${this.pending} to train${this.skipped > 0 ? `, ${this.skipped} finished before` : ''})${runs && !plainNow ? `  ${runs}` : ''}\n`,
      );
    }
  }
}

function formatMetric(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(2) : v.toFixed(3);
}
