/**
 * The polynomials of Debye's uniform asymptotic expansion of the modified Bessel function
 * (Olver 1954; A&S 9.7.7-9.7.10; DLMF 10.41.3-10.41.12): with `r = sqrt(v^2 + x^2)`, `p = v / r`,
 *
 *   I_v(x)  ~ e^{v eta} / sqrt(2 pi r) * sum_k U_k(p) / v^k,
 *   I'_v(x) ~ e^{v eta} sqrt(r) / (x sqrt(2 pi)) * sum_k V_k(p) / v^k,
 *
 * `U_0 = 1`, `U_{k+1}(p) = p^2 (1 - p^2) U_k'(p) / 2 + (1/8) int_0^p (1 - 5 t^2) U_k(t) dt` and
 * `V_k = U_k + p (p^2 - 1) [U_{k-1} / 2 + p U_{k-1}']`.
 *
 * `U_k(p)` is `p^k` times a polynomial of degree `k` in `q = p^2`, so `U_k(p) / v^k = P_k(q) / r^k`:
 * in that form the expansion is a series in `1 / r` that stays valid down to `v = 0` (where it
 * becomes Hankel's expansion, A&S 9.7.1). Likewise `V_k - U_k = p^k (1 - q) W_k(q)` with
 * `W_k(q) = -[(k - 1/2) P_{k-1}(q) + 2 q P_{k-1}'(q)]`, which gives the ratio `I_{v+1} / I_v`
 * without cancellation (see `bessel-i-uniform.ts`).
 *
 * The coefficients are generated once, in double precision, from the recurrence.
 */

/** A polynomial as its coefficients, lowest degree first. */
export type Polynomial = readonly number[];

/** Number of terms generated (beyond `U_0`); enough for double precision at `r >= 20`. */
export const UNIFORM_TERMS = 24;

function derivative(a: Polynomial): number[] {
  return a.slice(1).map((c, i) => c * (i + 1));
}

/** `U_0..U_n` as polynomials in `p`. */
function debyeU(n: number): number[][] {
  const u: number[][] = [[1]];
  for (let k = 0; k < n; k++) {
    const uk = u[k]!;
    const next = new Array<number>(uk.length + 3).fill(0);
    // p^2 (1 - p^2) U_k'(p) / 2
    derivative(uk).forEach((c, i) => {
      next[i + 2]! += c / 2;
      next[i + 4]! -= c / 2;
    });
    // (1/8) int_0^p (1 - 5 t^2) U_k(t) dt
    uk.forEach((c, i) => {
      next[i + 1]! += c / (8 * (i + 1));
      next[i + 3]! -= (5 * c) / (8 * (i + 3));
    });
    u.push(next);
  }
  return u;
}

let cache: { p: Polynomial[]; w: Polynomial[] } | undefined;

/**
 * `P_k(q)` (with `U_k(p) = p^k P_k(p^2)`) and `W_k(q)` (with `V_k - U_k = p^k (1 - q) W_k(q)`),
 * each for `k = 0..UNIFORM_TERMS`, as polynomials in `q = p^2`. `P_0 = 1`, `W_0 = 0`.
 */
export function uniformPolynomials(): { p: readonly Polynomial[]; w: readonly Polynomial[] } {
  if (cache) return cache;
  const u = debyeU(UNIFORM_TERMS);
  const p = u.map((uk, k) => Array.from({ length: k + 1 }, (_, j) => uk[k + 2 * j] ?? 0));
  // W_k = -[(k - 1/2) P_{k-1} + 2 q P_{k-1}']: the q^j coefficient is -(k - 1/2 + 2j) c_j.
  const w = p.map((_, k) => (k === 0 ? [0] : p[k - 1]!.map((c, j) => -(k - 0.5 + 2 * j) * c)));
  cache = { p, w };
  return cache;
}
