import * as tf from '@tensorflow/tfjs-core';
import { DiagonalNormal, StandardNormal } from '@vaekit/distributions';
import { check } from '../internal/validate';
import type { LatentVariableModel } from '../model';

/** Arguments of {@link linearGaussianModel}. */
export interface LinearGaussianModelArgs {
  /** Decoder weights `W`, `D` rows of `d` entries (`x = W z + b + s * eps`). */
  W: number[][];
  /** Decoder bias `b`, length `D`. */
  b: number[];
  /** Observation noise standard deviation `s > 0` (fixed). */
  s: number;
  /**
   * The encoder `q(z|x) = N(x A + c, diag(exp(logScale))^2)`: `A` is `D x d`, `c` and
   * `logScale` have length `d`. Default: the exact posterior mean map with the exact posterior's
   * marginal standard deviations (exact when `d = 1`; otherwise imperfect: it ignores the
   * posterior correlations).
   */
  encoder?: { A: number[][]; c: number[]; logScale: number[] };
}

/** The model built by {@link linearGaussianModel}. */
export interface LinearGaussianModel extends LatentVariableModel {
  /** Latent dimension `d` and data dimension `D`. */
  readonly latentDim: number;
  readonly dataDim: number;
  /** The encoder's trainable variables `[A, c, logScale]` (phi). */
  readonly encoderVariables: tf.Variable[];
  /** The decoder's trainable variables `[W, b]` (theta). */
  readonly decoderVariables: tf.Variable[];
  /** Exact `log p(x) = log N(x; b, W W^T + s^2 I)` per row of `x` `[B, D]` (computed in float64, returned as float32). */
  exactLogMarginal(x: tf.Tensor): tf.Tensor;
  /** The exact Gaussian posterior `p(z | x_row)`: its mean (`[B][d]`) and covariance (`d x d`). */
  exactPosterior(x: tf.Tensor): { mean: number[][]; covariance: number[][] };
  /** `n` draws from `p(x)`, `[n, D]`. */
  sample(n: number, seed?: number): tf.Tensor;
  /** Free the variables and the prior's tensors. */
  dispose(): void;
}

/**
 * A linear-Gaussian latent-variable model whose marginal likelihood and posterior are known in
 * closed form, with a trainable linear Gaussian encoder: the reference model for testing bounds,
 * estimators and metrics (ELBO <= IWAE_K <= log p(x), NLL convergence, gradient SNR).
 *
 * Mathematical details:
 * ```
 * p(z) = N(0, I_d),   p(x | z) = N(W z + b, s^2 I_D)
 * log p(x)    = log N(x; b, W W^T + s^2 I_D)
 * p(z | x)    = N(Sigma W^T (x - b) / s^2, Sigma),   Sigma = (I_d + W^T W / s^2)^{-1}
 * q(z | x)    = N(x A + c, diag(exp(2 logScale)))
 * ```
 * Reference: Rainforth et al. 2018, "Tighter Variational Bounds are Not Necessarily Better"
 * (their Gaussian experiment); Tucker et al. 2018 (DReG) use the same family.
 *
 * @example
 * ```ts
 * const m = linearGaussianModel({ W: [[1], [0.5]], b: [0, 1], s: 0.5 });
 * const x = m.sample(4, 0);
 * m.exactLogMarginal(x); // [4]
 * iwae(importanceLogWeights(m, x, { k: 1000 })); // close to it
 * ```
 */
export function linearGaussianModel(args: LinearGaussianModelArgs): LinearGaussianModel {
  const { W, b, s } = args;
  const D = W.length;
  check(
    D >= 1 && W.every((row) => row.length === W[0]!.length && row.length >= 1),
    'W',
    'a non-empty D x d matrix (array of equal-length rows)',
    `${D} rows`,
  );
  const d = W[0]!.length;
  check(b.length === D, 'b', `of length D = ${D}`, `length ${b.length}`);
  check(s > 0 && Number.isFinite(s), 's', 'a finite number > 0', s);
  const encoderInit = args.encoder ?? exactMeanFieldEncoder(W, b, s);
  check(
    encoderInit.A.length === D && encoderInit.A.every((row) => row.length === d),
    'encoder.A',
    `a D x d = ${D} x ${d} matrix`,
    `${encoderInit.A.length} rows`,
  );
  check(encoderInit.c.length === d, 'encoder.c', `of length d = ${d}`, encoderInit.c.length);
  check(
    encoderInit.logScale.length === d,
    'encoder.logScale',
    `of length d = ${d}`,
    encoderInit.logScale.length,
  );

  const A = tf.variable(tf.tensor2d(encoderInit.A, [D, d]), true);
  const c = tf.variable(tf.tensor1d(encoderInit.c), true);
  const logScale = tf.variable(tf.tensor1d(encoderInit.logScale), true);
  const Wv = tf.variable(tf.tensor2d(W, [D, d]), true);
  const bv = tf.variable(tf.tensor1d(b), true);
  const prior = new StandardNormal({ dim: d });
  tf.keep(prior.loc);
  tf.keep(prior.scale);

  const current = () => ({ W: Wv.arraySync() as number[][], b: bv.arraySync() as number[] });

  return {
    latentDim: d,
    dataDim: D,
    encoderVariables: [A, c, logScale],
    decoderVariables: [Wv, bv],
    prior,
    encode(x: tf.Tensor): DiagonalNormal {
      return new DiagonalNormal({ loc: tf.add(tf.matMul(x, A), c), scale: tf.exp(logScale) });
    },
    decode(z: tf.Tensor): DiagonalNormal {
      return new DiagonalNormal({
        loc: tf.add(tf.matMul(z, Wv, false, true), bv),
        scale: tf.fill([D], s),
      });
    },
    exactLogMarginal(x: tf.Tensor): tf.Tensor {
      const { W: w, b: bias } = current();
      const cov = addDiagonal(matMulT(w, w), s * s);
      const L = cholesky(cov);
      const logDet = 2 * L.reduce((acc, row, i) => acc + Math.log(row[i]!), 0);
      const rows = x.arraySync() as number[][];
      const out = rows.map((row) => {
        const y = forwardSolve(
          L,
          row.map((v, i) => v - bias[i]!),
        );
        const quad = y.reduce((acc, v) => acc + v * v, 0);
        return -0.5 * (D * Math.log(2 * Math.PI) + logDet + quad);
      });
      return tf.tensor1d(out);
    },
    exactPosterior(x: tf.Tensor) {
      const { W: w, b: bias } = current();
      const precision = addDiagonal(scale(matTMul(w, w), 1 / (s * s)), 1);
      const covariance = invertSPD(precision);
      const rows = x.arraySync() as number[][];
      const mean = rows.map((row) => {
        const r = row.map((v, i) => (v - bias[i]!) / (s * s));
        const wtr = Array.from({ length: d }, (_, j) =>
          w.reduce((acc, wi, i) => acc + wi[j]! * r[i]!, 0),
        );
        return covariance.map((crow) => crow.reduce((acc, cij, j) => acc + cij * wtr[j]!, 0));
      });
      return { mean, covariance };
    },
    sample(n: number, seed?: number): tf.Tensor {
      return tf.tidy(() => {
        const z = tf.randomNormal([n, d], 0, 1, 'float32', seed);
        const eps = tf.randomNormal(
          [n, D],
          0,
          s,
          'float32',
          seed === undefined ? undefined : seed + 1,
        );
        return tf.add(tf.add(tf.matMul(z, Wv, false, true), bv), eps);
      });
    },
    dispose() {
      tf.dispose([A, c, logScale, Wv, bv]);
      prior.dispose();
    },
  };
}

/** The exact posterior's mean map and marginal standard deviations (a mean-field q). */
function exactMeanFieldEncoder(W: number[][], b: number[], s: number) {
  const d = W[0]!.length;
  const precision = addDiagonal(scale(matTMul(W, W), 1 / (s * s)), 1);
  const sigma = invertSPD(precision);
  // mean = x A + c with A = W Sigma / s^2 (D x d), c = -b A.
  const A = W.map((row) =>
    Array.from(
      { length: d },
      (_, j) => row.reduce((acc, wik, k) => acc + wik * sigma[k]![j]!, 0) / (s * s),
    ),
  );
  const c = Array.from({ length: d }, (_, j) => -b.reduce((acc, bi, i) => acc + bi * A[i]![j]!, 0));
  const logScale = sigma.map((row, i) => 0.5 * Math.log(row[i]!));
  return { A, c, logScale };
}

/** `M M^T` for `M` of shape `n x m`. */
function matMulT(M: number[][], N: number[][]): number[][] {
  return M.map((mi) => N.map((nj) => mi.reduce((acc, v, k) => acc + v * nj[k]!, 0)));
}

/** `M^T N` for `M`, `N` of shape `n x m`. */
function matTMul(M: number[][], N: number[][]): number[][] {
  const m = M[0]!.length;
  const p = N[0]!.length;
  return Array.from({ length: m }, (_, i) =>
    Array.from({ length: p }, (_, j) => M.reduce((acc, row, k) => acc + row[i]! * N[k]![j]!, 0)),
  );
}

function addDiagonal(M: number[][], v: number): number[][] {
  return M.map((row, i) => row.map((x, j) => (i === j ? x + v : x)));
}

function scale(M: number[][], v: number): number[][] {
  return M.map((row) => row.map((x) => x * v));
}

function cholesky(M: number[][]): number[][] {
  const n = M.length;
  const L = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = M[i]![j]!;
      for (let k = 0; k < j; k++) sum -= L[i]![k]! * L[j]![k]!;
      L[i]![j] = i === j ? Math.sqrt(sum) : sum / L[j]![j]!;
    }
  }
  return L;
}

function forwardSolve(L: number[][], y: number[]): number[] {
  const out = new Array<number>(y.length).fill(0);
  for (let i = 0; i < y.length; i++) {
    let sum = y[i]!;
    for (let k = 0; k < i; k++) sum -= L[i]![k]! * out[k]!;
    out[i] = sum / L[i]![i]!;
  }
  return out;
}

function invertSPD(M: number[][]): number[][] {
  const n = M.length;
  const L = cholesky(M);
  // Solve M X = I column by column: L L^T x = e.
  const columns = Array.from({ length: n }, (_, j) => {
    const e = Array.from({ length: n }, (_, i) => (i === j ? 1 : 0));
    const y = forwardSolve(L, e);
    const x = new Array<number>(n).fill(0);
    for (let i = n - 1; i >= 0; i--) {
      let sum = y[i]!;
      for (let k = i + 1; k < n; k++) sum -= L[k]![i]! * x[k]!;
      x[i] = sum / L[i]![i]!;
    }
    return x;
  });
  return Array.from({ length: n }, (_, i) => columns.map((col) => col[i]!));
}
