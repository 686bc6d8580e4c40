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
 * With `lengths` (and no mask), step `t` computes only the rows with `t < lengths[n]`, gathered
 * in row order; the other rows carry their state (`h_t = h_{t-1}`, `c_t = c_{t-1}`) and get no
 * gradient through the cell. The computed steps give exactly the values of the unmasked
 * recurrence, and when nothing reaches the loss from a row's steps at or after its length (a
 * decoder's outputs past the end of its sentence), the gradients are those of the unmasked
 * recurrence too, bit for bit up to the sign of zero (the skipped steps would contribute exact
 * zeros): the cost of padded steps without changing a result, as PyTorch's packed sequences.
 * With `blend`, a computed row's new state is `s_{t-1} + (s~_t - s_{t-1})`, the arithmetic of a
 * mask at 1: `lengths` and `blend` then give the values and gradients of the prefix mask
 * `m[t, n] = t < lengths[n]` bit for bit (up to the sign of zero) at the cost of its 1s.
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
  lengths: ArrayLike<number> | null = null,
  blend = false,
): tf.Tensor3D {
  const [T, B, fourH] = xz.shape;
  const H = fourH / 4;
  const masked = mask !== null;
  if (masked && lengths !== null) {
    throw new Error('lstmSequence: give a mask or lengths, not both');
  }
  const active = lengths === null ? null : activeRows(lengths, T, B);
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
      const rows = active?.[t] ?? null;
      [h, c] = tf.tidy(() => {
        const hIn = takeRows(hPrev, rows);
        const gate = tf.sigmoid(tf.add(takeRows(xs[t]!, rows), tf.matMul(hIn, uIn)));
        const [i, f, gs, o] = tf.split(gate, 4, 1);
        const g = tf.sub(tf.mul(gs!, 2), 1);
        const cIn = takeRows(cPrev, rows);
        const cTilde = tf.add(tf.mul(f!, cIn), tf.mul(i!, g));
        const hTilde = tf.mul(o!, tf.tanh(cTilde));
        if (active !== null) {
          // The mask's arithmetic at m = 1 (tf.mul(1, d) is d): its values bit for bit.
          const hNew = blend ? tf.add(hIn, tf.sub(hTilde, hIn)) : hTilde;
          const cNew = blend ? tf.add(cIn, tf.sub(cTilde, cIn)) : cTilde;
          return [placeRows(hPrev, rows, hNew), placeRows(cPrev, rows, cNew)] as tf.Tensor2D[];
        }
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
      gradFunc: (dy: tf.Tensor3D, saved: tf.Tensor[]) =>
        backward(dy, saved, T, B, H, masked, active),
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
 * Per step, the rows it computes (`t < lengths[n]`, ascending), or `null` where it computes
 * every row. Plain arrays: each step makes its index tensor inside its own `tf.tidy`.
 *
 * @throws Error if `lengths` does not have one integer in `[1, T]` per row.
 */
function activeRows(lengths: ArrayLike<number>, T: number, B: number): (Int32Array | null)[] {
  if (lengths.length !== B) {
    throw new Error(`lstmSequence lengths: expected ${B} (one per row), got ${lengths.length}`);
  }
  for (let n = 0; n < B; n++) {
    const l = lengths[n]!;
    if (!(Number.isInteger(l) && l >= 1 && l <= T)) {
      throw new Error(`lstmSequence lengths[${n}]: expected an integer in [1, ${T}], got ${l}`);
    }
  }
  return Array.from({ length: T }, (_, t) => {
    const rows: number[] = [];
    for (let n = 0; n < B; n++) if (t < lengths[n]!) rows.push(n);
    return rows.length === B ? null : Int32Array.from(rows);
  });
}

/** Rows `rows` of `v` (all of it for `null`). */
function takeRows<T extends tf.Tensor>(v: T, rows: Int32Array | null): T {
  return rows === null ? v : (tf.gather(v, tf.tensor1d(rows, 'int32')) as T);
}

/**
 * `full` with its rows `rows` replaced by `values` (`values` itself for `null`), by selection
 * (`where`), so every value is one of the two exactly. (Not `tensorScatterUpdate`: tfjs-backend-cpu
 * 4.22 writes its result into the input tensor, which here is the previous step's state.)
 */
function placeRows<T extends tf.Tensor>(full: T, rows: Int32Array | null, values: T): T {
  if (rows === null) return values;
  const flags = new Uint8Array(full.shape[0]!);
  for (const r of rows) flags[r] = 1;
  const chosen = tf.tensor2d(flags, [flags.length, 1], 'bool');
  const placed = tf.scatterND(tf.tensor2d(rows, [rows.length, 1], 'int32'), values, full.shape);
  return tf.where(chosen, placed, full) as T;
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

/**
 * The per-position terms of the backward pass, for any leading shape (`[T, B, .]` or `[S, .]`),
 * recomputed from the pre-activations and previous states: `q`, with
 * `dz = [dc~, dc~, dc~, dh~] * q`; `oDTanh`, with `dc~ += dh~ * oDTanh`; and the forget gate `f`.
 */
function gateTerms(
  xz: tf.Tensor,
  hPrev: tf.Tensor,
  cPrev: tf.Tensor,
  u: tf.Tensor2D,
  H: number,
): { q: tf.Tensor; oDTanh: tf.Tensor; f: tf.Tensor } {
  const rank = xz.rank;
  const flatH = tf.reshape(hPrev, [-1, H]);
  const gates = tf.sigmoid(tf.add(xz, tf.reshape(tf.matMul(flatH, u), xz.shape)));
  const [i, f, gs, o] = tf.split(gates, 4, rank - 1);
  const g = tf.sub(tf.mul(gs!, 2), 1);
  const tanhC = tf.tanh(tf.add(tf.mul(f!, cPrev), tf.mul(i!, g)));
  // d a / d z' for the pre-scaled pre-activation z' (a = sigmoid(z')); the g block has g = 2a - 1,
  // so d g / d z' = 2 a (1 - a).
  const gateScale = tf.concat([tf.ones([2 * H]), tf.fill([H], 2), tf.ones([H])]);
  const deriv = tf.mul(tf.mul(gates, tf.sub(1, gates)), gateScale);
  // dz = [dc~, dc~, dc~, dh~] * q  with  q = [g, c_{t-1}, i, tanh(c~)] * deriv
  const q = tf.mul(tf.concat([g, cPrev, i!, tanhC], rank - 1), deriv);
  // d c~ from h~: o (1 - tanh(c~)^2).
  const oDTanh = tf.mul(o!, tf.sub(1, tf.square(tanhC)));
  return { q, oDTanh, f: f! };
}

/** Backpropagation through time for {@link lstmSequence}. */
function backward(
  dy: tf.Tensor3D,
  saved: tf.Tensor[],
  T: number,
  B: number,
  H: number,
  masked: boolean,
  active: (Int32Array | null)[] | null,
): tf.Tensor[] {
  const [xz, u, h0, c0, maskAll, value] = saved as [
    tf.Tensor3D,
    tf.Tensor2D,
    tf.Tensor2D,
    tf.Tensor2D,
    tf.Tensor3D,
    tf.Tensor3D,
  ];
  const hPrevAll = tf.concat([tf.expandDims(h0, 0), tf.slice(value, [0, 0, 0], [T - 1, B, H])]);
  const cPrevAll = tf.concat([tf.expandDims(c0, 0), tf.slice(value, [T, 0, 0], [T - 1, B, H])]);
  const hPrevFlat = tf.reshape(hPrevAll, [T * B, H]) as tf.Tensor2D;
  const uT = tf.transpose(u);
  const dys = [
    ...unstackSteps(tf.slice(dy, [0, 0, 0], [T, B, H])),
    ...unstackSteps(tf.slice(dy, [T, 0, 0], [T, B, H])),
  ];
  if (active !== null) {
    return backwardActive(
      xz,
      u,
      uT,
      maskAll,
      hPrevFlat,
      cPrevAll as tf.Tensor3D,
      dys,
      T,
      B,
      H,
      active,
    );
  }
  // Recompute every step's gates at once from the saved states: one [T*B, H] x [H, 4H] matmul.
  const { q, oDTanh, f } = gateTerms(xz, hPrevAll, cPrevAll, u, H);
  const oDTanhs = unstackSteps(oDTanh);
  const qs = unstackSteps(q);
  const fs = unstackSteps(f);
  const ms = masked ? unstackSteps(maskAll) : [];
  const keeps = masked ? unstackSteps(tf.sub(1, maskAll) as tf.Tensor3D) : [];

  const { dzs, dh, dc } = throughTime(T, (t, dhCarry, dcCarry) => {
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
  const dZ = tf.stack(dzs) as tf.Tensor3D;
  const dU = tf.matMul(tf.transpose(hPrevFlat), tf.reshape(dZ, [T * B, 4 * H]));
  return [dZ, dU, dh, dc, tf.zerosLike(maskAll)];
}

/**
 * The backward loop over time: `step(t, dh_t, dc_t)` (`null` at the last step) returns
 * `[dz_t, dh_{t-1}, dc_{t-1}]` and runs in its own `tf.tidy`, for t = T-1 .. 0.
 */
function throughTime(
  T: number,
  step: (t: number, dh: tf.Tensor2D | null, dc: tf.Tensor2D | null) => tf.Tensor2D[],
): { dzs: tf.Tensor2D[]; dh: tf.Tensor2D; dc: tf.Tensor2D } {
  let dh: tf.Tensor2D | null = null;
  let dc: tf.Tensor2D | null = null;
  const dzs: tf.Tensor2D[] = new Array(T);
  for (let t = T - 1; t >= 0; t--) {
    const carryH: tf.Tensor2D | null = dh;
    const carryC: tf.Tensor2D | null = dc;
    const [dz, dhPrev, dcPrev] = tf.tidy((): tf.Tensor2D[] => step(t, carryH, carryC));
    dzs[t] = dz!;
    dh = dhPrev!;
    dc = dcPrev!;
  }
  return { dzs, dh: dh!, dc: dc! };
}

/**
 * The backward pass with `lengths`: the gates recomputed on the computed positions only (time-major,
 * rows ascending within a step), one matmul per step on its computed rows, and the other rows'
 * gradients passed through their carried state.
 */
function backwardActive(
  xz: tf.Tensor3D,
  u: tf.Tensor2D,
  uT: tf.Tensor2D,
  maskAll: tf.Tensor3D,
  hPrevFlat: tf.Tensor2D,
  cPrevAll: tf.Tensor3D,
  dys: tf.Tensor2D[],
  T: number,
  B: number,
  H: number,
  active: (Int32Array | null)[],
): tf.Tensor[] {
  const counts = active.map((rows) => (rows === null ? B : rows.length));
  const positions = new Int32Array(counts.reduce((a, b) => a + b, 0));
  let at = 0;
  for (let t = 0; t < T; t++) {
    const rows = active[t];
    for (let r = 0; r < counts[t]!; r++) positions[at++] = t * B + (rows === null ? r : rows[r]!);
  }
  const where = tf.tensor1d(positions, 'int32');
  const hPrev = tf.gather(hPrevFlat, where);
  const { q, oDTanh, f } = gateTerms(
    tf.gather(tf.reshape(xz, [T * B, 4 * H]), where),
    hPrev,
    tf.gather(tf.reshape(cPrevAll, [T * B, H]), where),
    u,
    H,
  );
  const qs = tf.split(q, counts) as tf.Tensor2D[];
  const oDTanhs = tf.split(oDTanh, counts) as tf.Tensor2D[];
  const fs = tf.split(f, counts) as tf.Tensor2D[];

  const { dzs, dh, dc } = throughTime(T, (t, dhCarry, dcCarry) => {
    const rows = active[t] ?? null;
    const dhTotal = dhCarry === null ? dys[t]! : tf.add(dhCarry, dys[t]!);
    const dcTotal = dcCarry === null ? dys[T + t]! : tf.add(dcCarry, dys[T + t]!);
    const dhTilde = takeRows(dhTotal, rows);
    const dcTilde = tf.add(takeRows(dcTotal, rows), tf.mul(dhTilde, oDTanhs[t]!));
    const dzT = tf.mul(tf.concat([dcTilde, dcTilde, dcTilde, dhTilde], 1), qs[t]!);
    // Rows not computed at t carried their state: their gradients pass through unchanged.
    return [
      dzT,
      placeRows(dhTotal, rows, tf.matMul(dzT, uT)),
      placeRows(dcTotal, rows, tf.mul(dcTilde, fs[t]!)),
    ] as tf.Tensor2D[];
  });
  const dZ = tf.concat(dzs) as tf.Tensor2D;
  const dU = tf.matMul(tf.transpose(hPrev), dZ);
  const dXZ = tf.reshape(tf.scatterND(tf.reshape(where, [-1, 1]), dZ, [T * B, 4 * H]), [
    T,
    B,
    4 * H,
  ]);
  return [dXZ, dU, dh, dc, tf.zerosLike(maskAll)];
}
