import * as tf from '@tensorflow/tfjs-core';
import { check } from './validate';

/**
 * What the distributions on the unit sphere (`VonMisesFisher`, `PowerSpherical`) share: their
 * parameter checks, and the two pieces of their reparameterised samplers that do not depend on
 * the distribution (the rigid-rotation gradient in the mean direction, and the implicit
 * gradient of the host-drawn `(t, s)` pairs in kappa). Internal.
 */

/** How far from 1 the norm of a mean direction may be. */
export const UNIT_NORM_TOLERANCE = 1e-3;

/**
 * Check a mean direction is unit-norm along its last axis (reads it back).
 *
 * @throws Error naming `meanDirection`, the tolerance and the norm farthest from 1.
 */
export function checkUnitNorm(meanDirection: tf.Tensor): void {
  const worst = worstNorm(meanDirection);
  check(
    worst === null || Math.abs(worst - 1) <= UNIT_NORM_TOLERANCE,
    'meanDirection',
    `unit-norm along its last axis (|norm - 1| <= ${UNIT_NORM_TOLERANCE})`,
    `a vector of norm ${worst}`,
  );
}

/**
 * Check a concentration (a number, or every entry of a tensor: finite and >= 0) and return
 * its shape (`[]` for a number).
 *
 * @throws Error naming `concentration`, the valid range and the bad value.
 */
export function checkConcentration(concentration: number | tf.Tensor): number[] {
  if (typeof concentration === 'number') {
    checkKappa(concentration);
    return [];
  }
  check(concentration instanceof tf.Tensor, 'concentration', 'a number or a tensor', concentration);
  for (const k of concentration.dataSync()) checkKappa(k);
  return concentration.shape;
}

/** Check one concentration value: finite and >= 0. */
export function checkKappa(k: number): void {
  check(
    Number.isFinite(k) && k >= 0,
    'concentration',
    'finite and >= 0 (kappa in [0, Infinity))',
    k,
  );
}

/** The number of elements of a shape. */
export function sizeOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The norm, along the last axis, farthest from 1 (null for an empty tensor). */
function worstNorm(meanDirection: tf.Tensor): number | null {
  const norms = tf.tidy(() => tf.sqrt(tf.sum(tf.square(meanDirection), -1)).dataSync());
  let worst: number | null = null;
  for (const v of norms) {
    if (worst === null || !(Math.abs(v - 1) <= Math.abs(worst - 1))) worst = v;
  }
  return worst;
}

/**
 * The mean-direction gradient of a sample that moves rigidly with `mu` (vMF, Power Spherical: both
 * are invariant under rotations about the origin). The sample is
 * `z = w mu + s nu - transport(...)`, with `nu` computed from `mu0 = sg(mu)` (no gradient), and
 * `transport = (s nu^T (mu - mu0)) mu0` is zero in value. Together they give
 * ```
 * dz/dmu = w I - s mu nu^T = w I + w mu mu^T - mu z^T
 * ```
 * the Jacobian at `mu' = mu` of `z(mu') = R(mu -> mu') z`, where
 * `R(a -> b) x = x - ((a + b)^T x / (1 + a^T b)) (a + b) + 2 (a^T x) b` is the minimal rotation
 * taking `mu` to `mu'`. Since `R` maps vMF(mu) onto vMF(mu'), this is an exact pathwise
 * derivative: unbiased for any loss, and bounded. (Differentiating the projection
 * `nu = normalise(eps - (eps^T mu) mu)` instead is unbiased in the tangent directions too, but
 * adds a term `(eps^T mu) / ||eps - (eps^T mu) mu||` whose variance is infinite for d <= 3 and
 * whose mean does not exist in the radial direction for d = 2.)
 *
 * Written as a zero-valued surrogate rather than a `tf.customGrad` that saves `nu`: saving
 * tensors in a customGrad makes the wasm backend copy them inside the kernel, which tfjs'
 * test-mode leak check reports as a leak (tensorflow/tfjs#6518).
 */
export function transport(mu: tf.Tensor, mu0: tf.Tensor, s: tf.Tensor, nu: tf.Tensor): tf.Tensor {
  const delta = tf.sub(mu, mu0);
  return tf.mul(tf.mul(s, tf.sum(tf.mul(nu, delta), -1, true)), mu0);
}

/**
 * The `(w, s)` (or `(t, s)`) pairs as a function of the broadcast concentration `kappaB` (shape `batchShape`),
 * with the implicit reparameterisation gradient: `d/dkappa` of the pairs is `grads`, and the
 * gradient sums over the `sampleRank` leading sample axes to `batchShape` (the broadcast of
 * `kappaB` back to the concentration's own shape is tfjs's `broadcastTo` gradient).
 */
export function implicitPairs(
  kappaB: tf.Tensor,
  ws: Float32Array,
  grads: Float32Array,
  shape: number[],
  sampleRank: number,
): tf.Tensor {
  // The derivatives stay a JS array until the backward pass needs them: a customGrad that saved
  // a tensor would trip tfjs' test-mode leak check on wasm (tensorflow/tfjs#6518).
  const f = tf.customGrad(((k: tf.Tensor) => ({
    value: tf.tensor(ws, shape),
    gradFunc: (dy: tf.Tensor) => {
      const perDraw = tf.sum(tf.mul(dy, tf.tensor(grads, shape)), -1);
      const g =
        sampleRank > 0
          ? tf.sum(
              perDraw,
              Array.from({ length: sampleRank }, (_, i) => i),
            )
          : perDraw;
      return tf.reshape(g, k.shape);
    },
  })) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(kappaB);
}
