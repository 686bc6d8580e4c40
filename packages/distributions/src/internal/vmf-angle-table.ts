/**
 * Tabulated distribution of the angle `theta = acos(mu^T z)` of a von Mises-Fisher variable,
 * for Su's inverse-CDF sampler and for the implicit reparameterisation gradient.
 *
 * With `w = mu^T z = cos(theta)` the density of `w` on [-1, 1] is
 * `p(w) ∝ exp(kappa w) (1 - w^2)^((d - 3)/2)`; in `theta` (on [0, pi]) it is
 * ```
 * p(theta) ∝ exp(kappa (cos theta - 1)) sin(theta)^(d - 2)
 * ```
 * which is smooth and bounded for every d >= 2: the endpoint singularities of `p(w)` at d = 2
 * (`(1 - w^2)^(-1/2)`) disappear in this variable (`w = cos theta`), and `1 - cos theta` is
 * evaluated as `2 sin^2(theta/2)`, so that `t = 1 - w` keeps its relative precision when
 * kappa is large and `w` is within 1e-5 of 1.
 *
 * Grid that follows the mass: `p(theta)` is unimodal, with its mode where
 * `kappa sin^2(theta) = (d - 2) cos(theta)` (closed form below). The table covers the interval
 * `[lo, hi]` where the log-density is within {@link CUT} of its maximum (the mass outside is
 * below 1e-20), found by bisection on each side of the mode to 1e-15 relative (so that at
 * kappa = 1e38, where the mass lies below theta = 1e-18, the interval is not 1000 times too
 * wide), with {@link CELLS} equal cells.
 * For kappa = 1e5 the interval is about 0.03 wide (d = 2) instead of pi; for d = 4096 and kappa = 0
 * it is about 0.3 wide around pi/2. Each cell's mass and first moment are integrated in float64
 * by 5-point Gauss-Legendre on the log-density (maximum subtracted); within a cell the CDF is
 * the cubic Hermite interpolant of the node values and exact node densities (slopes limited by
 * the Fritsch-Carlson condition so that it stays monotone) and is inverted by safeguarded Newton.
 *
 * In the {@link EDGE_CELLS} cells at each end (all cells of a coarse table), where the CDF
 * behaves like a power of the angle, quantiles are refined by safeguarded Newton steps on the
 * exact CDF (5-point Gauss-Legendre over the partial cell), and `dF/dkappa` is integrated the
 * same way.
 *
 * Accuracy (checked in the tests): quantiles match mpmath references (d in {2, 3, 10, 50, 1000},
 * kappa in {0, 1, 10, 1e3, 1e5}, u from 1e-10 to 1 - 1e-9) to a relative error in `t = 1 - w`
 * below 5e-7 with 1024-cell tables (measured 4.3e-7, at d = 10 and kappa >= 1e3, from the cubic
 * interpolant of the interior cells) and 5e-9 with 128-cell tables (exact partial-cell integrals
 * in every cell); the d = 3 closed form `t = -log(1 - u (1 - e^{-2 kappa})) / kappa` to 1e-8
 * (both sizes) for kappa from 0 to 1e38 and u in [1e-10, 1 - 1e-7]; the CDF matches QUADPACK
 * references for d = 2 to 1000 and kappa = 0 to 1e5 to 1e-9; `A_d(kappa)` from the table matches mpmath to 1e-9 (relative in `1 - A_d`); the implicit
 * derivative matches finite differences of the quantile to 1e-4 relative (the finite
 * difference's own accuracy).
 *
 * Implicit gradient (Figurnov et al. 2018, "Implicit Reparameterization Gradients"): with
 * `F(theta; kappa)` the CDF, `d theta/d kappa = -(dF/d kappa) / p(theta)`, and since
 * `d/d kappa log p(theta) = cos(theta) - A_d(kappa)` (`A_d(kappa) = E[cos theta]`),
 * ```
 * dF/dkappa (theta) = ∫_0^theta (cos phi - A_d(kappa)) p(phi) d phi
 * ```
 * is tabulated on the same grid (accumulated from whichever end is nearer, so that it keeps its
 * precision in both tails) with `A_d` computed from the same quadrature, which makes
 * `dF/dkappa` vanish at both ends as it must.
 */

/** Number of cells of a table (nodes = cells + 1). */
export const CELLS = 1024;
/**
 * Cells of a coarse table, for calls with many distinct concentrations (one table each): 8 times
 * cheaper to build, and as accurate, since every quantile and derivative is then refined with
 * exact partial-cell integrals (about 12 more density evaluations per draw).
 */
export const COARSE_CELLS = 128;
/** The table's support is where the log-density is within CUT of its maximum. */
export const CUT = 50;
/** Tables kept in the cache (least recently used evicted first). */
export const CACHE_CAPACITY = 256;

// 5-point Gauss-Legendre on [-1, 1].
const GL_X = [0, -0.5384693101056831, 0.5384693101056831, -0.906179845938664, 0.906179845938664];
const GL_W = [
  0.5688888888888889, 0.47862867049936647, 0.47862867049936647, 0.23692688505618908,
  0.23692688505618908,
];

/** A tabulated angle distribution for one (d, kappa). */
export interface VmfAngleTable {
  readonly dim: number;
  readonly kappa: number;
  /** Grid: `theta_i = lo + i h`, i = 0..cells. */
  readonly lo: number;
  readonly h: number;
  readonly cells: number;
  /** Whether every cell (not only those near the ends) uses exact partial-cell integrals. */
  readonly refineAll: boolean;
  /** CDF at the nodes (`cdf[0] = 0`, `cdf[cells] = 1`). */
  readonly cdf: Float64Array;
  /** Normalised density of theta at the nodes. */
  readonly pdf: Float64Array;
  /** `dF/dkappa` at the nodes. */
  readonly dcdf: Float64Array;
  /** Its theta-derivative `(cos theta - A) p(theta)` at the nodes. */
  readonly dcdfSlope: Float64Array;
  /** Log-density offset: `p(theta) = exp(logDensity(theta) - logNorm)`. */
  readonly logNorm: number;
  /** `A_d(kappa) = E[cos theta]` and `1 - A_d(kappa)` from the table's quadrature. */
  readonly meanResultantLength: number;
  readonly oneMinusMeanResultantLength: number;
}

/** Unnormalised log-density of theta: `-2 kappa sin^2(theta/2) + (d - 2) log sin(theta)`. */
export function angleLogDensity(dim: number, kappa: number, theta: number): number {
  const half = Math.sin(0.5 * theta);
  const l = -2 * kappa * half * half;
  return dim === 2 ? l : l + (dim - 2) * Math.log(Math.sin(theta));
}

/** Mode of `p(theta)`: `cos(theta*) = 2 kappa / ((d - 2) + sqrt((d - 2)^2 + 4 kappa^2))`. */
export function angleMode(dim: number, kappa: number): number {
  const nu = dim - 2;
  if (nu === 0) return 0;
  if (kappa === 0) return 0.5 * Math.PI;
  const r = Math.hypot(nu, 2 * kappa);
  // 1 - cos(theta*), without cancellation: r - 2 kappa = nu^2 / (r + 2 kappa).
  const oneMinusC = (nu + (nu * nu) / (r + 2 * kappa)) / (nu + r);
  return 2 * Math.asin(Math.sqrt(0.5 * oneMinusC));
}

/**
 * Build the table for (d, kappa) (uncached; see {@link getAngleTable}). Tables with fewer than
 * {@link CELLS} cells refine every quantile and derivative with exact partial-cell integrals.
 */
export function buildAngleTable(dim: number, kappa: number, cells = CELLS): VmfAngleTable {
  const ell = (theta: number) => angleLogDensity(dim, kappa, theta);
  const mode = angleMode(dim, kappa);
  const top = ell(mode);
  const target = top - CUT;
  let lo = 0;
  if (!(ell(0) >= target)) {
    let a = 0;
    let b = mode;
    for (let k = 0; k < 200 && b - a > 1e-15 * b; k++) {
      const m = 0.5 * (a + b);
      if (ell(m) >= target) b = m;
      else a = m;
    }
    lo = a;
  }
  let hi = Math.PI;
  if (!(ell(Math.PI) >= target)) {
    let a = mode;
    let b = Math.PI;
    for (let k = 0; k < 200 && b - a > 1e-15 * b; k++) {
      const m = 0.5 * (a + b);
      if (ell(m) >= target) a = m;
      else b = m;
    }
    hi = b;
  }
  const h = (hi - lo) / cells;
  const nodeDensity = new Float64Array(cells + 1);
  for (let i = 0; i <= cells; i++) nodeDensity[i] = Math.exp(ell(lo + i * h) - top);
  // Per-cell mass m0 and moment m1 = ∫ (1 - cos phi) p.
  const m0 = new Float64Array(cells);
  const m1 = new Float64Array(cells);
  for (let i = 0; i < cells; i++) {
    const centre = lo + (i + 0.5) * h;
    let s0 = 0;
    let s1 = 0;
    for (let j = 0; j < 5; j++) {
      const theta = centre + 0.5 * h * GL_X[j]!;
      const e = GL_W[j]! * Math.exp(ell(theta) - top);
      const half = Math.sin(0.5 * theta);
      s0 += e;
      s1 += e * 2 * half * half;
    }
    m0[i] = 0.5 * h * s0;
    m1[i] = 0.5 * h * s1;
  }
  // Cumulative sums from the left and from the right.
  const left0 = new Float64Array(cells + 1);
  const left1 = new Float64Array(cells + 1);
  for (let i = 0; i < cells; i++) {
    left0[i + 1] = left0[i]! + m0[i]!;
    left1[i + 1] = left1[i]! + m1[i]!;
  }
  const right0 = new Float64Array(cells + 1);
  const right1 = new Float64Array(cells + 1);
  for (let i = cells - 1; i >= 0; i--) {
    right0[i] = right0[i + 1]! + m0[i]!;
    right1[i] = right1[i + 1]! + m1[i]!;
  }
  const z = left0[cells]!;
  const oneMinusA = left1[cells]! / z;
  const cdf = new Float64Array(cells + 1);
  const pdf = new Float64Array(cells + 1);
  const dcdf = new Float64Array(cells + 1);
  const dcdfSlope = new Float64Array(cells + 1);
  for (let i = 0; i <= cells; i++) {
    const fromLeft = left0[i]! <= right0[i]!;
    cdf[i] = fromLeft ? left0[i]! / z : 1 - right0[i]! / z;
    // cos(phi) - A = (1 - A) - (1 - cos phi); dF/dkappa = ∫_0^theta, or -∫_theta^pi.
    dcdf[i] = fromLeft
      ? (oneMinusA * left0[i]! - left1[i]!) / z
      : -(oneMinusA * right0[i]! - right1[i]!) / z;
    pdf[i] = nodeDensity[i]! / z;
    const half = Math.sin(0.5 * (lo + i * h));
    dcdfSlope[i] = (oneMinusA - 2 * half * half) * pdf[i]!;
  }
  cdf[0] = 0;
  cdf[cells] = 1;
  dcdf[0] = 0;
  dcdf[cells] = 0;
  return {
    dim,
    kappa,
    lo,
    h,
    cells,
    refineAll: cells < CELLS,
    cdf,
    pdf,
    dcdf,
    dcdfSlope,
    logNorm: top + Math.log(z),
    meanResultantLength: 1 - oneMinusA,
    oneMinusMeanResultantLength: oneMinusA,
  };
}

const cache = new Map<string, VmfAngleTable>();

/**
 * The table for (d, kappa) with `cells` cells, from a least-recently-used cache of
 * {@link CACHE_CAPACITY} tables keyed by (d, kappa, cells).
 */
export function getAngleTable(dim: number, kappa: number, cells = CELLS): VmfAngleTable {
  const key = `${dim}:${kappa}:${cells}`;
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const table = buildAngleTable(dim, kappa, cells);
  cache.set(key, table);
  if (cache.size > CACHE_CAPACITY) cache.delete(cache.keys().next().value as string);
  return table;
}

/** Empty the table cache (benchmarks time cold builds with it). */
export function clearAngleTableCache(): void {
  cache.clear();
}

/** Number of tables in the cache. */
export function angleTableCacheSize(): number {
  return cache.size;
}

/** Normalised density of theta under the table's (d, kappa). */
export function angleDensity(table: VmfAngleTable, theta: number): number {
  return Math.exp(angleLogDensity(table.dim, table.kappa, theta) - table.logNorm);
}

/** The CDF `F(theta) = P(Theta <= theta)` of the table (its interpolant; exact partial integrals near the ends). */
export function angleCdf(table: VmfAngleTable, theta: number): number {
  const { cdf, pdf, h, lo, cells } = table;
  const pos = (theta - lo) / h;
  if (!(pos > 0)) return 0;
  if (pos >= cells) return 1;
  const a = Math.min(Math.floor(pos), cells - 1);
  if (exactCell(table, a)) return cdf[a]! + partialCellIntegrals(table, lo + a * h, theta)[0];
  const delta = cdf[a + 1]! - cdf[a]!;
  if (!(delta > 0)) return cdf[a]!;
  let alpha = (h * pdf[a]!) / delta;
  let beta = (h * pdf[a + 1]!) / delta;
  const r2 = alpha * alpha + beta * beta;
  if (r2 > 9) {
    const tau = 3 / Math.sqrt(r2);
    alpha *= tau;
    beta *= tau;
  }
  const x = pos - a;
  return cdf[a]! + delta * (((alpha + beta - 2) * x + (3 - 2 * alpha - beta)) * x + alpha) * x;
}

/**
 * The quantile `theta = F^{-1}(u)` (inverse CDF), u in [0, 1]: binary search for the cell, then
 * safeguarded Newton on the cell's monotone cubic Hermite CDF.
 */
export function angleQuantile(table: VmfAngleTable, u: number): number {
  const { cdf, pdf, h, lo, cells } = table;
  if (!(u > 0)) return lo;
  if (u >= 1) return lo + cells * h;
  let a = 0;
  let b = cells;
  while (b - a > 1) {
    const m = (a + b) >> 1;
    if (cdf[m]! <= u) a = m;
    else b = m;
  }
  const delta = cdf[a + 1]! - cdf[a]!;
  if (!(delta > 0)) return lo + (a + 0.5) * h;
  const q = (u - cdf[a]!) / delta;
  let alpha = (h * pdf[a]!) / delta;
  let beta = (h * pdf[a + 1]!) / delta;
  const r2 = alpha * alpha + beta * beta;
  if (r2 > 9) {
    const tau = 3 / Math.sqrt(r2);
    alpha *= tau;
    beta *= tau;
  }
  const theta = lo + (a + solveHermite(q, alpha, beta)) * h;
  if (!exactCell(table, a)) return theta;
  // Near the ends of the support the CDF behaves like a power of theta (or pi - theta), which a
  // cubic matches only to ~1e-5 relative (worse in coarse tables): Newton steps on the exact CDF
  // (Gauss-Legendre over the partial cell, usually one or two) restore full relative precision.
  // Safeguarded Newton within the cell [left, right], which brackets the root.
  let left = lo + a * h;
  let right = left + h;
  const start = left;
  let x = theta;
  for (let step = 0; step < 30; step++) {
    const p = angleDensity(table, x);
    const f = cdf[a]! + partialCellIntegrals(table, start, x)[0] - u;
    if (f === 0) return x;
    if (f < 0) left = x;
    else right = x;
    let next = x - f / p;
    if (!(p > 0 && next > left && next < right)) next = 0.5 * (left + right);
    const done = Math.abs(next - x) <= 1e-13 * x || right - left <= 1e-15 * right;
    x = next;
    if (done) break;
  }
  return x;
}

/** Cells at each end of the support where quantiles and gradients use exact partial integrals. */
export const EDGE_CELLS = 32;

/** Whether cell `a` uses exact partial-cell integrals. */
function exactCell(table: VmfAngleTable, a: number): boolean {
  return table.refineAll || a < EDGE_CELLS || a >= table.cells - EDGE_CELLS;
}

/**
 * `[∫ p, ∫ (cos phi - A) p]` over `[left, theta]` (within one cell), by 5-point Gauss-Legendre
 * on the exact density.
 */
function partialCellIntegrals(table: VmfAngleTable, left: number, theta: number): [number, number] {
  const half = 0.5 * (theta - left);
  const centre = left + half;
  let s0 = 0;
  let s1 = 0;
  for (let j = 0; j < 5; j++) {
    const phi = centre + half * GL_X[j]!;
    const e = GL_W[j]! * angleDensity(table, phi);
    const sh = Math.sin(0.5 * phi);
    s0 += e;
    s1 += e * (table.oneMinusMeanResultantLength - 2 * sh * sh);
  }
  return [half * s0, half * s1];
}

/**
 * Solve `P(x) = q` on [0, 1] for the normalised cubic Hermite `P(0) = 0`, `P(1) = 1`,
 * `P'(0) = alpha`, `P'(1) = beta` (monotone when `alpha^2 + beta^2 <= 9`).
 */
function solveHermite(q: number, alpha: number, beta: number): number {
  const c3 = alpha + beta - 2;
  const c2 = 3 - 2 * alpha - beta;
  let x = q;
  let a = 0;
  let b = 1;
  for (let k = 0; k < 50; k++) {
    const f = ((c3 * x + c2) * x + alpha) * x - q;
    if (f === 0) return x;
    if (f < 0) a = x;
    else b = x;
    const df = (3 * c3 * x + 2 * c2) * x + alpha;
    let next = x - f / df;
    if (!(next > a && next < b)) next = 0.5 * (a + b);
    if (Math.abs(next - x) <= 1e-16 * (1 + x) || b - a <= 1e-16) return next;
    x = next;
  }
  return x;
}

/**
 * The implicit reparameterisation derivative `d theta / d kappa = -(dF/dkappa)(theta) / p(theta)`
 * at a sample theta (0 outside the table's support, where the mass is below 1e-20).
 */
export function angleKappaDerivative(table: VmfAngleTable, theta: number): number {
  const { lo, h, cells, dcdf, dcdfSlope } = table;
  const pos = (theta - lo) / h;
  if (!(pos > 0 && pos < cells)) return 0;
  const i = Math.min(Math.floor(pos), cells - 1);
  let dF: number;
  if (exactCell(table, i)) {
    dF = dcdf[i]! + partialCellIntegrals(table, lo + i * h, theta)[1];
  } else {
    const x = pos - i;
    const x2 = x * x;
    const x3 = x2 * x;
    dF =
      (2 * x3 - 3 * x2 + 1) * dcdf[i]! +
      (x3 - 2 * x2 + x) * h * dcdfSlope[i]! +
      (3 * x2 - 2 * x3) * dcdf[i + 1]! +
      (x3 - x2) * h * dcdfSlope[i + 1]!;
  }
  const p = angleDensity(table, theta);
  if (!(p > 0)) return 0;
  const g = -dF / p;
  return Number.isFinite(g) ? g : 0;
}
