/** What a progress update shows. */
export interface ProgressState {
  step: number;
  totalSteps: number;
  epoch: number;
  totalEpochs: number;
  loss: number;
  kl: number;
  examplesPerSec: number;
}

/**
 * Training progress for a terminal: on a TTY, one line redrawn in place with a bar, the ETA and
 * the live loss and KL; otherwise (a pipe, a CI log) a plain line every `plainEvery` steps.
 */
export class ProgressReporter {
  private readonly started = Date.now();
  private lastPlainStep = -Infinity;
  private drawn = false;

  constructor(
    private readonly stream:
      | NodeJS.WriteStream
      | { write(s: string): boolean; isTTY?: boolean; columns?: number },
    private readonly options: { quiet?: boolean; plainEvery?: number } = {},
  ) {}

  update(s: ProgressState): void {
    if (this.options.quiet) return;
    const fraction = s.totalSteps > 0 ? Math.min(1, s.step / s.totalSteps) : 0;
    const elapsed = (Date.now() - this.started) / 1000;
    const eta = fraction > 0 ? (elapsed * (1 - fraction)) / fraction : Number.NaN;
    const stats = `step ${s.step}/${s.totalSteps}  epoch ${s.epoch}/${s.totalEpochs}  loss ${fmt(s.loss)}  kl ${fmt(s.kl)}  ${Math.round(s.examplesPerSec)} ex/s  ETA ${duration(eta)}`;
    if (this.stream.isTTY) {
      const width = Math.max(10, Math.min(30, (this.stream.columns ?? 100) - stats.length - 10));
      const filled = Math.round(fraction * width);
      const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round(fraction * 100)).padStart(3)}%`;
      this.stream.write(`\r\x1b[2K${bar} ${stats}`);
      this.drawn = true;
    } else if (
      s.step - this.lastPlainStep >= (this.options.plainEvery ?? 100) ||
      s.step === s.totalSteps
    ) {
      this.stream.write(`${stats}\n`);
      this.lastPlainStep = s.step;
    }
  }

  /** Print a full line (an evaluation result, a warning) without breaking the bar. */
  log(line: string): void {
    if (this.options.quiet) return;
    if (this.drawn) this.stream.write('\r\x1b[2K');
    this.stream.write(`${line}\n`);
  }

  done(): void {
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 100 ? x.toFixed(1) : x.toFixed(3);
}

/** `1h02m`, `3m05s`, `42s`, or `--` when unknown. */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--';
  const s = Math.round(seconds);
  if (s >= 3600)
    return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}
