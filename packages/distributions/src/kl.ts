import type * as tf from '@tensorflow/tfjs-core';
import type { Distribution } from './distribution';

// biome-ignore lint/suspicious/noExplicitAny: constructors of any signature can be registered.
type DistributionClass<D extends Distribution> = abstract new (...args: any[]) => D;
type KLFunction = (p: Distribution, q: Distribution) => tf.Tensor;

const REGISTRY = new Map<
  DistributionClass<Distribution>,
  Map<DistributionClass<Distribution>, KLFunction>
>();

/**
 * Register the closed-form `KL(p || q)` for a pair of distribution classes. Lookups match
 * subclasses too; the most specific registered pair wins (`p`'s class first, then `q`'s).
 *
 * @example
 * ```ts
 * registerKL(MyDist, StandardNormal, (p, q) => myClosedForm(p, q));
 * ```
 */
export function registerKL<P extends Distribution, Q extends Distribution>(
  P: DistributionClass<P>,
  Q: DistributionClass<Q>,
  fn: (p: P, q: Q) => tf.Tensor,
): void {
  let row = REGISTRY.get(P);
  if (row === undefined) {
    row = new Map();
    REGISTRY.set(P, row);
  }
  row.set(Q, fn as KLFunction);
}

/**
 * `KL(p || q) = E_p[log p(z) - log q(z)]`, in closed form, shape: the broadcast of the two batch
 * shapes. Dispatches on the classes of `p` and `q` (see {@link registerKL}).
 *
 * Registered pairs: DiagonalNormal-DiagonalNormal, DiagonalNormal-StandardNormal,
 * VonMisesFisher-HypersphericalUniform, HypersphericalUniform-HypersphericalUniform.
 *
 * @throws Error naming both classes when no closed form is registered for the pair (test first
 *   with {@link hasKL}).
 */
export function klDivergence(p: Distribution, q: Distribution): tf.Tensor {
  const fn = lookupKL(p, q);
  if (fn !== undefined) return fn(p, q);
  throw new Error(
    `No KL divergence registered for KL(${p.constructor.name} || ${q.constructor.name}). ` +
      'Register one with registerKL(P, Q, fn), or estimate it by Monte Carlo: mean(p.logProb(z) - q.logProb(z)) with z = p.sample(n).',
  );
}

/**
 * Whether a closed-form `KL(p || q)` is registered for the classes of `p` and `q`: exactly when
 * {@link klDivergence} would compute one rather than throw. The lookup is the same (subclasses
 * match, most specific registered pair first); nothing is computed.
 *
 * Mathematical details:
 * ```
 * hasKL(p, q) = true  <=>  klDivergence(p, q) = KL(p || q) = E_p[log p(z) - log q(z)] in closed form
 * ```
 * Use it to choose between the closed form and a Monte Carlo estimate, as the ELBO does
 * (Kingma & Welling 2014, "Auto-Encoding Variational Bayes": the analytic-KL estimator, eq. 7,
 * when the KL integrates analytically; the generic estimator, eq. 6, otherwise).
 *
 * @example
 * ```ts
 * const q = new DiagonalNormal({ loc: tf.zeros([2]), scale: tf.ones([2]) });
 * hasKL(q, new StandardNormal({ dim: 2 }));           // true
 * hasKL(q, new HypersphericalUniform({ dim: 2 }));    // false
 * // Closed form when there is one, else a Monte Carlo estimate from 100 draws:
 * const z = q.sample(100, { seed: 1 });
 * const kl = hasKL(q, prior)
 *   ? klDivergence(q, prior)
 *   : tf.mean(tf.sub(q.logProb(z), prior.logProb(z)), 0);
 * ```
 */
export function hasKL(p: Distribution, q: Distribution): boolean {
  return lookupKL(p, q) !== undefined;
}

/** The registered KL function for the most specific pair of `p`'s and `q`'s classes, if any. */
function lookupKL(p: Distribution, q: Distribution): KLFunction | undefined {
  for (const P of lineage(p)) {
    const row = REGISTRY.get(P);
    if (row === undefined) continue;
    for (const Q of lineage(q)) {
      const fn = row.get(Q);
      if (fn !== undefined) return fn;
    }
  }
  return undefined;
}

/** The constructors of `d`'s class and its ancestors, most specific first. */
function lineage(d: Distribution): DistributionClass<Distribution>[] {
  const out: DistributionClass<Distribution>[] = [];
  let proto: object | null = Object.getPrototypeOf(d);
  while (proto !== null && proto !== Object.prototype) {
    out.push((proto as { constructor: DistributionClass<Distribution> }).constructor);
    proto = Object.getPrototypeOf(proto);
  }
  return out;
}
