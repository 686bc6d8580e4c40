import { check, checkNonNegative } from './internal/validate';

/** A KL-weight schedule: the weight `beta` on the KL term at optimisation step `step >= 0`. */
export type KLSchedule = (step: number) => number;

/** Options of {@link linearKLAnnealing}. */
export interface LinearKLAnnealingOptions {
  /** Steps over which the weight rises from `start` to `end` (a positive integer). */
  warmupSteps: number;
  /** Weight at step 0 (default 0). */
  start?: number;
  /** Weight from step `warmupSteps` on (default 1). */
  end?: number;
}

/**
 * Linear KL annealing (warm-up): the KL weight rises linearly from `start` to `end` over
 * `warmupSteps` steps, then stays at `end`.
 *
 * Mathematical details:
 * ```
 * beta(t) = start + (end - start) * min(1, t / warmupSteps)
 * loss    = -E_q[log p(x|z)] + beta(t) * KL(q(z|x) || p(z))
 * ```
 * Reference: Bowman, Vilnis, Vinyals, Dai, Jozefowicz & Bengio 2016, "Generating Sentences from
 * a Continuous Space" (CoNLL) (they raise the weight with a sigmoid; linear is the common form).
 *
 * @example
 * ```ts
 * const beta = linearKLAnnealing({ warmupSteps: 1000 });
 * [beta(0), beta(250), beta(5000)]; // [0, 0.25, 1]
 * ```
 */
export function linearKLAnnealing({
  warmupSteps,
  start = 0,
  end = 1,
}: LinearKLAnnealingOptions): KLSchedule {
  check(
    Number.isInteger(warmupSteps) && warmupSteps >= 1,
    'warmupSteps',
    'a positive integer',
    warmupSteps,
  );
  checkNonNegative(start, 'start');
  checkNonNegative(end, 'end');
  return (step) => {
    checkStep(step);
    return start + (end - start) * Math.min(1, step / warmupSteps);
  };
}

/** Options of {@link cyclicalKLAnnealing}. */
export interface CyclicalKLAnnealingOptions {
  /** Steps per cycle (a positive integer): `T / M` in Fu et al.'s notation. */
  period: number;
  /** Number of cycles; after them the weight stays at `end` (default: cycle forever). */
  cycles?: number;
  /** Fraction `R` of each cycle spent rising (in (0, 1]; default 0.5). */
  ratio?: number;
  /** Weight at the start of each cycle (default 0). */
  start?: number;
  /** Weight at the top of each cycle (default 1). */
  end?: number;
}

/**
 * Cyclical KL annealing: the warm-up repeated every `period` steps. Within a cycle the weight
 * rises linearly from `start` to `end` over the first `ratio` of the cycle, then holds at `end`.
 *
 * Mathematical details:
 * ```
 * tau(t)  = (t mod period) / period
 * beta(t) = start + (end - start) * min(1, tau(t) / ratio)        (t < cycles * period)
 * beta(t) = end                                                   (afterwards)
 * ```
 * Reference: Fu, Li, Liu, Gao, Celikyilmaz & Carin 2019, "Cyclical Annealing Schedule: A Simple
 * Approach to Mitigating KL Vanishing" (NAACL).
 *
 * @example
 * ```ts
 * const beta = cyclicalKLAnnealing({ period: 100, ratio: 0.5, cycles: 2 });
 * [beta(0), beta(25), beta(60), beta(100), beta(250)]; // [0, 0.5, 1, 0, 1]
 * ```
 */
export function cyclicalKLAnnealing({
  period,
  cycles,
  ratio = 0.5,
  start = 0,
  end = 1,
}: CyclicalKLAnnealingOptions): KLSchedule {
  check(Number.isInteger(period) && period >= 1, 'period', 'a positive integer', period);
  check(
    cycles === undefined || (Number.isInteger(cycles) && cycles >= 1),
    'cycles',
    'a positive integer (or undefined: cycle forever)',
    cycles,
  );
  check(ratio > 0 && ratio <= 1, 'ratio', 'a number in (0, 1]', ratio);
  checkNonNegative(start, 'start');
  checkNonNegative(end, 'end');
  return (step) => {
    checkStep(step);
    if (cycles !== undefined && step >= cycles * period) return end;
    const tau = (step % period) / period;
    return start + (end - start) * Math.min(1, tau / ratio);
  };
}

function checkStep(step: number): void {
  check(Number.isFinite(step) && step >= 0, 'step', 'a finite number >= 0', step);
}

/**
 * A KL schedule from its command-line form: `none` (constant 1), `constant:<w>`,
 * `linear:<steps>[:<start>]` ({@link linearKLAnnealing} to 1) or
 * `cyclical:<period>[:<cycles>[:<ratio>]]` ({@link cyclicalKLAnnealing} from 0 to 1).
 *
 * Mathematical details:
 * ```
 * none: beta(t) = 1;  linear: start + (1 - start) min(1, t / steps);  cyclical: see cyclicalKLAnnealing
 * ```
 * Reference: Bowman et al. 2016 (linear warm-up); Fu et al. 2019 (cyclical).
 *
 * @throws Error naming `schedule` and the accepted forms when the string does not parse.
 * @example
 * ```ts
 * parseKLSchedule('linear:1000:0.1')(500); // 0.55
 * ```
 */
export function parseKLSchedule(schedule: string): KLSchedule {
  const forms =
    'none, constant:<w>, linear:<steps>[:<start>] or cyclical:<period>[:<cycles>[:<ratio>]]';
  const [kind, ...rest] = String(schedule).trim().split(':');
  const numbers = rest.map(Number);
  const fail = () => {
    throw new Error(`schedule must be one of ${forms}, got ${JSON.stringify(schedule)}`);
  };
  if (numbers.some((n) => !Number.isFinite(n))) fail();
  if (kind === 'none' && rest.length === 0) return () => 1;
  if (kind === 'constant' && rest.length === 1) {
    const w = checkNonNegative(numbers[0], 'constant KL weight');
    return () => w;
  }
  if (kind === 'linear' && (rest.length === 1 || rest.length === 2)) {
    return linearKLAnnealing({ warmupSteps: numbers[0]!, start: numbers[1] ?? 0 });
  }
  if (kind === 'cyclical' && rest.length >= 1 && rest.length <= 3) {
    return cyclicalKLAnnealing({
      period: numbers[0]!,
      ...(numbers[1] === undefined ? {} : { cycles: numbers[1] }),
      ratio: numbers[2] ?? 0.5,
    });
  }
  return fail();
}
