import * as tf from '@tensorflow/tfjs-core';
import { runCustomOp } from '@vaekit/distributions/internal';

/**
 * The LSTM recurrence over a whole sequence, with a hand-written backward pass (backpropagation
 * through time) registered through `tf.customGrad`.
 *
 * Inputs are time-major and already projected, with the cell-candidate columns pre-scaled by 2 so
 * that ONE sigmoid gives all four gates (`tanh(x) = 2 sigmoid(2x) - 1`):
 * ```
 * xz:   [T, B, 4H]  = s * (x_t W + b)            s = [1, 1, 2, 1] per gate block (i, f, g, o)
 * u:    [H, 4H]     = s * U
 * a_t = sigmoid(xz_t + h_{t-1} u)  = [i, f, (g + 1)/2, o]
 * c~_t = f c_{t-1} + i g,   h~_t = o tanh(c~_t)
 * c_t = m_t c~_t + (1 - m_t) c_{t-1},  h_t = m_t h~_t + (1 - m_t) h_{t-1}   (m_t = 0 at padding)
 * ```
 * Returns `[2T, B, H]`: `h_1 .. h_T`, then `c_1 .. c_T`.
 *
 * Forward: one matmul per step, run with the tape off; each step's temporaries are freed at the
 * end of the step, only `h_t` and `c_t` survive it. Backward: the gates of all steps recomputed
 * with ONE batched matmul from the saved states, the elementwise derivatives for all steps at
 * once, one matmul per step (`dh_{t-1} = dz_t u^T`), and the weight gradient as ONE matmul over
 * all steps, `du = [h_0 .. h_{T-1}]^T [dz_1 .. dz_T]`.
 */
export function lstmSequence(
  xz: tf.Tensor3D,
  u: tf.Tensor2D,
  h0: tf.Tensor2D,
  c0: tf.Tensor2D,
  mask: tf.Tensor3D | null,
): tf.Tensor3D {
  const [T, B, fourH] = xz.shape;
  const H = fourH / 4;
  const masked = mask !== null;
  const run = tf.customGrad(((
    xzIn: tf.Tensor3D,
    uIn: tf.Tensor2D,
    h0In: tf.Tensor2D,
    c0In: tf.Tensor2D,
    maskIn: tf.Tensor3D,
    save: tf.GradSaveFunc,
  ) => {
    const xs = unstackSteps(xzIn);
    const ms = masked ? unstackSteps(maskIn) : [];
    let h = h0In;
    let c = c0In;
    const hs: tf.Tensor2D[] = [];
    const cs: tf.Tensor2D[] = [];
    for (let t = 0; t < T; t++) {
      const hPrev = h;
      const cPrev = c;
      [h, c] = tf.tidy(() => {
        const gate = tf.sigmoid(tf.add(xs[t]!, tf.matMul(hPrev, uIn)));
        const [i, f, gs, o] = tf.split(gate, 4, 1);
        const g = tf.sub(tf.mul(gs!, 2), 1);
        const cTilde = tf.add(tf.mul(f!, cPrev), tf.mul(i!, g));
        const hTilde = tf.mul(o!, tf.tanh(cTilde));
        if (!masked) return [hTilde, cTilde] as tf.Tensor2D[];
        const m = ms[t]!;
        return [
          tf.add(hPrev, tf.mul(m, tf.sub(hTilde, hPrev))),
          tf.add(cPrev, tf.mul(m, tf.sub(cTilde, cPrev))),
        ] as tf.Tensor2D[];
      }) as [tf.Tensor2D, tf.Tensor2D];
      hs.push(h);
      cs.push(c);
    }
    const value = tf.stack([...hs, ...cs]) as tf.Tensor3D;
    // Only inputs and the output are kept: the backward pass recomputes the gates of all steps
    // with one batched matmul from the saved states.
    save([xzIn, uIn, h0In, c0In, maskIn, value]);
    return {
      value,
      gradFunc: (dy: tf.Tensor3D, saved: tf.Tensor[]) => backward(dy, saved, T, B, H, masked),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  const maskArg = mask ?? tf.zeros([1, 1, 1]);
  try {
    return runCustomOp(() => run(xz, u, h0, c0, maskArg) as tf.Tensor3D);
  } finally {
    if (mask === null) maskArg.dispose();
  }
}

/**
 * `tf.unstack(x)` along the time axis, in two levels for long sequences: tfjs-backend-wasm's
 * Slice (behind unstack and split) copies its WHOLE input out of the heap for every slice, so a
 * plain unstack of `[T, ...]` moves `T` times the tensor (O(T^2)); splitting into ~sqrt(T) chunks
 * first moves ~2 sqrt(T) times it. (wasm's Gather is slower still at these sizes.)
 */
function unstackSteps(x: tf.Tensor): tf.Tensor2D[] {
  const T = x.shape[0]!;
  if (T <= 8) return tf.unstack(x) as tf.Tensor2D[];
  const chunk = Math.ceil(Math.sqrt(T));
  const sizes = Array.from({ length: Math.ceil(T / chunk) }, (_, i) =>
    Math.min(chunk, T - i * chunk),
  );
  const out: tf.Tensor2D[] = [];
  for (const part of tf.split(x, sizes, 0)) {
    out.push(...(tf.unstack(part) as tf.Tensor2D[]));
    part.dispose();
  }
  return out;
}

/** Backpropagation through time for {@link lstmSequence}. */
function backward(
  dy: tf.Tensor3D,
  saved: tf.Tensor[],
  T: number,
  B: number,
  H: number,
  masked: boolean,
): tf.Tensor[] {
  const [xz, u, h0, c0, maskAll, value] = saved as [
    tf.Tensor3D,
    tf.Tensor2D,
    tf.Tensor2D,
    tf.Tensor2D,
    tf.Tensor3D,
    tf.Tensor3D,
  ];
  // Recompute every step's gates at once from the saved states: one [T*B, H] x [H, 4H] matmul.
  const hPrevAll = tf.concat([tf.expandDims(h0, 0), tf.slice(value, [0, 0, 0], [T - 1, B, H])]);
  const cPrevAll = tf.concat([tf.expandDims(c0, 0), tf.slice(value, [T, 0, 0], [T - 1, B, H])]);
  const hPrevFlat = tf.reshape(hPrevAll, [T * B, H]);
  const gatesAll = tf.sigmoid(tf.add(xz, tf.reshape(tf.matMul(hPrevFlat, u), [T, B, 4 * H])));
  const [iAll, fAll, gsAll, oAll] = tf.split(gatesAll, 4, 2) as tf.Tensor3D[];
  const gAll = tf.sub(tf.mul(gsAll!, 2), 1);
  const tanhCAll = tf.tanh(tf.add(tf.mul(fAll!, cPrevAll), tf.mul(iAll!, gAll)));
  // d a / d z' for the pre-scaled pre-activation z' (a = sigmoid(z')); the g block has g = 2a - 1,
  // so d g / d z' = 2 a (1 - a).
  const gateScale = tf.concat([tf.ones([2 * H]), tf.fill([H], 2), tf.ones([H])]);
  const deriv = tf.mul(tf.mul(gatesAll, tf.sub(1, gatesAll)), gateScale);
  // dz_t = [dc~, dc~, dc~, dh~] * q_t  with  q = [g, c_{t-1}, i, tanh(c~)] * deriv   (all steps at once)
  const q = tf.mul(tf.concat([gAll, cPrevAll, iAll!, tanhCAll], 2), deriv);
  // d c~ from h~: o (1 - tanh(c~)^2).
  const oDTanh = tf.mul(oAll!, tf.sub(1, tf.square(tanhCAll)));
  const uT = tf.transpose(u);
  const dys = [
    ...unstackSteps(tf.slice(dy, [0, 0, 0], [T, B, H])),
    ...unstackSteps(tf.slice(dy, [T, 0, 0], [T, B, H])),
  ];
  const oDTanhs = unstackSteps(oDTanh);
  const qs = unstackSteps(q);
  const fs = unstackSteps(fAll!);
  const ms = masked ? unstackSteps(maskAll) : [];
  const keeps = masked ? unstackSteps(tf.sub(1, maskAll) as tf.Tensor3D) : [];

  let dh: tf.Tensor2D | null = null;
  let dc: tf.Tensor2D | null = null;
  const dzs: tf.Tensor2D[] = new Array(T);
  for (let t = T - 1; t >= 0; t--) {
    const dhCarry: tf.Tensor2D | null = dh;
    const dcCarry: tf.Tensor2D | null = dc;
    const [dz, dhPrev, dcPrev] = tf.tidy((): tf.Tensor2D[] => {
      // Gradients reaching h_t and c_t: from the outputs at t and from step t + 1.
      const dhTotal: tf.Tensor = dhCarry === null ? dys[t]! : tf.add(dhCarry, dys[t]!);
      const dcTotal: tf.Tensor = dcCarry === null ? dys[T + t]! : tf.add(dcCarry, dys[T + t]!);
      const m = masked ? ms[t]! : null;
      const dhTilde = m === null ? dhTotal : tf.mul(dhTotal, m);
      const dcFromC = m === null ? dcTotal : tf.mul(dcTotal, m);
      const dcTilde = tf.add(dcFromC, tf.mul(dhTilde, oDTanhs[t]!));
      const dzT = tf.mul(tf.concat([dcTilde, dcTilde, dcTilde, dhTilde], 1), qs[t]!);
      let dhOut: tf.Tensor = tf.matMul(dzT, uT);
      let dcOut: tf.Tensor = tf.mul(dcTilde, fs[t]!);
      if (m !== null) {
        const keep = keeps[t]!;
        dhOut = tf.add(dhOut, tf.mul(dhTotal, keep));
        dcOut = tf.add(dcOut, tf.mul(dcTotal, keep));
      }
      return [dzT, dhOut, dcOut] as tf.Tensor2D[];
    });
    dzs[t] = dz!;
    dh = dhPrev!;
    dc = dcPrev!;
  }
  const dZ = tf.stack(dzs) as tf.Tensor3D;
  const dU = tf.matMul(tf.transpose(hPrevFlat), tf.reshape(dZ, [T * B, 4 * H]));
  return [dZ, dU, dh!, dc!, tf.zerosLike(maskAll)];
}
