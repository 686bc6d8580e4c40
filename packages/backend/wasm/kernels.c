/*
 * vaekit's WebAssembly kernels for @tensorflow/tfjs-backend-wasm.
 *
 * Compiled with clang to a module that imports the tfjs wasm backend's own memory, so the kernels
 * read and write tfjs tensors where they live (no copies). The module has no data segments and
 * uses no shadow stack: it touches only the memory it is given pointers to.
 *
 * Build: node packages/backend/wasm/build.mjs (needs clang and lld; Debian: apt-get install clang lld).
 */
#include <wasm_simd128.h>

typedef unsigned int u32;

#define MR 4
#define NR 8

/*
 * Floats between consecutive packed panels of B: K * NR, plus one cache line. Without the pad a
 * power-of-two K puts every panel at a multiple of 4 KiB, so packing B row by row writes to
 * addresses that all map to the same L1 sets (K = 512: 98 panels 16 KiB apart), which made
 * 32x512 by 512x784 twice as slow as 32x784 by 784x512. The layout only: results are unchanged.
 */
static inline u32 panel_stride(u32 K) {
  return K * NR + 16;
}

/*
 * Pack B (K x N; stored K x N, or N x K when trans_b) into panels of NR columns: panel p holds,
 * for k = 0..K-1, the NR values B[k][p*NR .. p*NR+NR-1] (zero beyond N), at
 * packed + p * panel_stride(K).
 */
static void pack_b(const float* b, float* packed, u32 K, u32 N, u32 trans_b) {
  const u32 full = N / NR * NR;
  const u32 stride = panel_stride(K);
  if (!trans_b) {
    /* Row by row: B is read in order (a panel at a time would stride through it). */
    for (u32 k = 0; k < K; k++) {
      const float* src = b + k * N;
      for (u32 n0 = 0; n0 < full; n0 += NR) {
        float* dst = packed + n0 / NR * stride + k * NR;
        wasm_v128_store(dst, wasm_v128_load(src + n0));
        wasm_v128_store(dst + 4, wasm_v128_load(src + n0 + 4));
      }
    }
  }
  for (u32 n0 = trans_b ? 0 : full; n0 < N; n0 += NR) {
    const u32 nr = N - n0 < NR ? N - n0 : NR;
    float* dst = packed + n0 / NR * stride;
    if (!trans_b) {
      for (u32 k = 0; k < K; k++) {
        for (u32 j = 0; j < NR; j++) dst[k * NR + j] = j < nr ? b[k * N + n0 + j] : 0.0f;
      }
    } else {
      for (u32 j = 0; j < NR; j++) {
        if (j < nr) {
          const float* src = b + (n0 + j) * K;
          for (u32 k = 0; k < K; k++) dst[k * NR + j] = src[k];
        } else {
          for (u32 k = 0; k < K; k++) dst[k * NR + j] = 0.0f;
        }
      }
    }
  }
}

/*
 * Pack rows [m0, m0 + mr) of A (M x K; stored M x K, or K x M when trans_a) for the micro-kernel:
 * dst[k * MR + r] = A[m0 + r][k] (zero for r >= mr).
 */
static void pack_a(const float* a, float* dst, u32 m0, u32 mr, u32 M, u32 K, u32 trans_a) {
  if (trans_a && mr == MR) {
    const float* src = a + m0;
    for (u32 k = 0; k < K; k++) wasm_v128_store(dst + k * MR, wasm_v128_load(src + k * M));
    return;
  }
  for (u32 r = 0; r < MR; r++) {
    if (r < mr) {
      for (u32 k = 0; k < K; k++)
        dst[k * MR + r] = trans_a ? a[k * M + m0 + r] : a[(m0 + r) * K + k];
    } else {
      for (u32 k = 0; k < K; k++) dst[k * MR + r] = 0.0f;
    }
  }
}

/* Rows of A per block: about 256 KiB of packed A, which stays in L2 while every panel passes. */
static u32 block_rows(u32 K) {
  u32 mc = K == 0 ? 1024 : (65536 / K) / MR * MR;
  return mc < MR ? MR : mc;
}

/* The scratch vk_matmul needs, in floats: packed B, packed bias, one block of packed A. */
u32 vk_matmul_scratch_floats(u32 M, u32 K, u32 N) {
  const u32 n_panels = (N + NR - 1) / NR;
  const u32 mc = block_rows(K);
  const u32 rows = M < mc ? (M + MR - 1) / MR * MR : mc;
  return n_panels * (panel_stride(K) + NR) + rows * K;
}

/* Store the first n (1..4) lanes of v at p. */
static inline void store_lanes(float* p, v128_t v, u32 n) {
  if (n == 4) {
    wasm_v128_store(p, v);
    return;
  }
  wasm_v128_store32_lane(p, v, 0);
  if (n > 1) wasm_v128_store32_lane(p + 1, v, 1);
  if (n > 2) wasm_v128_store32_lane(p + 2, v, 2);
}

static inline void store_row(float* c, v128_t lo4, v128_t hi4, u32 nr) {
  if (nr > 4) {
    wasm_v128_store(c, lo4);
    store_lanes(c + 4, hi4, nr - 4);
  } else {
    store_lanes(c, lo4, nr);
  }
}

/*
 * acc + a * b for the GEMM's inner loop. Built plain (the default): float32 multiply, then float32
 * add, two roundings, as XNNPACK (bit-identical to tfjs's kernel). Built with VK_FMA and relaxed
 * SIMD (-mrelaxed-simd): f32x4.relaxed_madd, which the engine compiles to a fused multiply-add
 * (one rounding) where the CPU has one, else to the same multiply then add. Either way each
 * output is acc = bias, acc = acc + a_k b_k for k = 0..K-1 in this order, so the FMA build's
 * error is within the same dot-product bound, |c - c_exact| <= gamma_K (|bias| + sum |a_k b_k|),
 * gamma_K = K u / (1 - K u), u = 2^-24 (Higham, Accuracy and Stability, 2002, section 3.1).
 */
#ifdef VK_FMA
#define MADD(acc, a, b) wasm_f32x4_relaxed_madd(a, b, acc)
#else
#define MADD(acc, a, b) wasm_f32x4_add(acc, wasm_f32x4_mul(a, b))
#endif

static inline v128_t clamp(v128_t v, v128_t lo, v128_t hi) {
  return wasm_f32x4_pmin(hi, wasm_f32x4_pmax(lo, v));
}

/*
 * C = act(bias + A B): A is M x K (stored M x K, or K x M when trans_a), B is K x N (stored K x N,
 * or N x K when trans_b), C is M x N, bias (optional, 0 for none) has N values. Each output is
 * summed in the order of XNNPACK's f32 GEMM that tfjs uses: acc = bias; acc = acc + a_k * b_k
 * for k = 0, 1, ..., K-1, float32 multiply then float32 add (no fused multiply-add), so results are
 * bit-identical to it; the VK_FMA build fuses each multiply-add (see MADD). do_clamp: clamp to [lo, hi] (relu, relu6). scratch: room for
 * vk_matmul_scratch_floats(M, K, N) floats.
 */
void vk_matmul(const float* a, const float* b, const float* bias, float* c, float* scratch,
               u32 M, u32 K, u32 N, u32 trans_a, u32 trans_b, float lo, float hi, u32 do_clamp) {
  const u32 n_panels = (N + NR - 1) / NR;
  float* packed = scratch;
  float* packed_bias = scratch + n_panels * panel_stride(K);
  pack_b(b, packed, K, N, trans_b);
  for (u32 j = 0; j < n_panels * NR; j++) packed_bias[j] = bias != 0 && j < N ? bias[j] : 0.0f;
  float* packed_a = packed_bias + n_panels * NR;
  const v128_t vlo = wasm_f32x4_splat(lo);
  const v128_t vhi = wasm_f32x4_splat(hi);
  const u32 mc = block_rows(K);
  for (u32 m_block = 0; m_block < M; m_block += mc) {
    const u32 m_end = M - m_block < mc ? M : m_block + mc;
    for (u32 m0 = m_block; m0 < m_end; m0 += MR) {
      const u32 mr = m_end - m0 < MR ? m_end - m0 : MR;
      pack_a(a, packed_a + (m0 - m_block) * K, m0, mr, M, K, trans_a);
    }
    for (u32 p = 0; p < n_panels; p++) {
      const u32 n0 = p * NR;
      const u32 nr = N - n0 < NR ? N - n0 : NR;
      const float* panel = packed + p * panel_stride(K);
      const v128_t b0 = wasm_v128_load(packed_bias + n0);
      const v128_t b1 = wasm_v128_load(packed_bias + n0 + 4);
      for (u32 m0 = m_block; m0 < m_end; m0 += MR) {
        const u32 mr = m_end - m0 < MR ? m_end - m0 : MR;
        const float* ap = packed_a + (m0 - m_block) * K;
        v128_t c00 = b0, c01 = b1, c10 = b0, c11 = b1, c20 = b0, c21 = b1, c30 = b0, c31 = b1;
        const float* w = panel;
        for (u32 k = 0; k < K; k++) {
          const v128_t w0 = wasm_v128_load(w);
          const v128_t w1 = wasm_v128_load(w + 4);
          w += NR;
          const v128_t va0 = wasm_v128_load32_splat(ap);
          const v128_t va1 = wasm_v128_load32_splat(ap + 1);
          const v128_t va2 = wasm_v128_load32_splat(ap + 2);
          const v128_t va3 = wasm_v128_load32_splat(ap + 3);
          ap += MR;
          c00 = MADD(c00, va0, w0);
          c01 = MADD(c01, va0, w1);
          c10 = MADD(c10, va1, w0);
          c11 = MADD(c11, va1, w1);
          c20 = MADD(c20, va2, w0);
          c21 = MADD(c21, va2, w1);
          c30 = MADD(c30, va3, w0);
          c31 = MADD(c31, va3, w1);
        }
        if (do_clamp) {
          c00 = clamp(c00, vlo, vhi); c01 = clamp(c01, vlo, vhi);
          c10 = clamp(c10, vlo, vhi); c11 = clamp(c11, vlo, vhi);
          c20 = clamp(c20, vlo, vhi); c21 = clamp(c21, vlo, vhi);
          c30 = clamp(c30, vlo, vhi); c31 = clamp(c31, vlo, vhi);
        }
        float* out = c + m0 * N + n0;
        store_row(out, c00, c01, nr);
        if (mr > 1) store_row(out + N, c10, c11, nr);
        if (mr > 2) store_row(out + 2 * N, c20, c21, nr);
        if (mr > 3) store_row(out + 3 * N, c30, c31, nr);
      }
    }
  }
}

/*
 * One Adam step (Kingma & Ba 2015) over n float32 values, in the float32 operations, and in the
 * order, of tfjs-core's AdamOptimizer.applyGradients, so results are bit-identical to it:
 *
 *   g  = scale_g ? g * scale : g                              (global-norm clipping)
 *   m' = m * beta1 + g * (1 - beta1)
 *   v' = v * beta2 + (g * g) * (1 - beta2)
 *   x' = ((m' / (1 - beta1^t)) / (sqrt(v' / (1 - beta2^t)) + eps)) * (-lr) + x
 *
 * The scalars are float32 values as tfjs makes them: b1 = beta1, c1 = 1 - beta1, b2 = beta2,
 * c2 = 1 - beta2, d1 = 1 - beta1^t, d2 = 1 - beta2^t, eps, nlr = -lr, scale = the clipping scale
 * (used when scale_g). Outputs go to x_out, m_out, v_out (which may not alias the inputs).
 *
 * One difference: m' and v' are stored with subnormal values (|.| < 2^-126) flushed to zero of
 * the same sign. A weight whose gradient is exactly zero step after step (an input pixel that is
 * off, a ReLU unit that is off) has m' decay as beta1^t, into the subnormals after ~800 steps at
 * beta1 = 0.9, where each multiply and divide on it costs a microcode assist on x86: on MNIST the
 * MLP VAE's Adam step went from 1.5 to 15 ms after 1,000 steps. What a flushed value would
 * have added to a later update of x is below 10 * 2^-126 * lr / eps (4e-34 at lr = 1e-3,
 * eps = 1e-7), under half an ulp of any |x| above 2^24 times that: x' is tfjs's bit for bit
 * except for weights that small.
 */
/*
 * v with its subnormal lanes (|v| < 2^-126, exponent field 0) replaced by zero of the same sign,
 * in integer operations (a floating-point operation on a subnormal takes a microcode assist of
 * ~100 cycles on x86 cores).
 */
static inline v128_t flush_subnormals(v128_t v) {
  const v128_t exponent = wasm_v128_and(v, wasm_i32x4_splat(0x7f800000));
  const v128_t normal = wasm_i32x4_ne(exponent, wasm_i32x4_splat(0));
  return wasm_v128_or(wasm_v128_and(v, normal), wasm_v128_and(v, wasm_i32x4_splat((int)0x80000000)));
}

static inline float flush_subnormal(float x) {
  return wasm_f32x4_extract_lane(flush_subnormals(wasm_f32x4_splat(x)), 0);
}

void vk_adam(const float* x, const float* g, const float* m, const float* v, float* x_out,
             float* m_out, float* v_out, u32 n, float b1, float c1, float b2, float c2, float d1,
             float d2, float eps, float nlr, float scale, u32 scale_g) {
  const v128_t vb1 = wasm_f32x4_splat(b1), vc1 = wasm_f32x4_splat(c1);
  const v128_t vb2 = wasm_f32x4_splat(b2), vc2 = wasm_f32x4_splat(c2);
  const v128_t vd1 = wasm_f32x4_splat(d1), vd2 = wasm_f32x4_splat(d2);
  const v128_t veps = wasm_f32x4_splat(eps), vnlr = wasm_f32x4_splat(nlr);
  const v128_t vscale = wasm_f32x4_splat(scale);
  u32 i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t gi = wasm_v128_load(g + i);
    if (scale_g) gi = wasm_f32x4_mul(gi, vscale);
    const v128_t mi = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(m + i), vb1),
                                     wasm_f32x4_mul(gi, vc1));
    const v128_t vi = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(v + i), vb2),
                                     wasm_f32x4_mul(wasm_f32x4_mul(gi, gi), vc2));
    const v128_t mh = wasm_f32x4_div(mi, vd1);
    const v128_t vh = wasm_f32x4_div(vi, vd2);
    const v128_t step =
        wasm_f32x4_mul(wasm_f32x4_div(mh, wasm_f32x4_add(wasm_f32x4_sqrt(vh), veps)), vnlr);
    wasm_v128_store(m_out + i, flush_subnormals(mi));
    wasm_v128_store(v_out + i, flush_subnormals(vi));
    wasm_v128_store(x_out + i, wasm_f32x4_add(step, wasm_v128_load(x + i)));
  }
  for (; i < n; i++) {
    float gi = g[i];
    if (scale_g) gi = gi * scale;
    const float mi = m[i] * b1 + gi * c1;
    const float vi = v[i] * b2 + (gi * gi) * c2;
    const float mh = mi / d1;
    const float vh = vi / d2;
    m_out[i] = flush_subnormal(mi);
    v_out[i] = flush_subnormal(vi);
    x_out[i] = (mh / (__builtin_sqrtf(vh) + eps)) * nlr + x[i];
  }
}

/*
 * Column sums of a rows x cols float32 matrix: out[j] = x[0][j] + x[1][j] + ... in float32, the
 * rows added in order starting from +0, so each column is the same sequence of float32 additions
 * as a scalar loop's (bit-identical to it); four columns at a time.
 */
void vk_sum_rows(const float* x, float* out, u32 rows, u32 cols) {
  for (u32 j = 0; j < cols; j++) out[j] = 0.0f;
  for (u32 r = 0; r < rows; r++) {
    const float* row = x + r * cols;
    u32 j = 0;
    for (; j + 4 <= cols; j += 4) {
      wasm_v128_store(out + j, wasm_f32x4_add(wasm_v128_load(out + j), wasm_v128_load(row + j)));
    }
    for (; j < cols; j++) out[j] = out[j] + row[j];
  }
}

/* The sum of squares of n float32 values, accumulated in float64 (for global gradient norms). */
double vk_sum_squares(const float* x, u32 n) {
  v128_t acc0 = wasm_f64x2_splat(0.0), acc1 = wasm_f64x2_splat(0.0);
  u32 i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t xi = wasm_v128_load(x + i);
    const v128_t lo = wasm_f64x2_promote_low_f32x4(xi);
    const v128_t hi = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(xi, xi, 2, 3, 0, 1));
    acc0 = wasm_f64x2_add(acc0, wasm_f64x2_mul(lo, lo));
    acc1 = wasm_f64x2_add(acc1, wasm_f64x2_mul(hi, hi));
  }
  const v128_t acc = wasm_f64x2_add(acc0, acc1);
  double sum = wasm_f64x2_extract_lane(acc, 0) + wasm_f64x2_extract_lane(acc, 1);
  for (; i < n; i++) sum += (double)x[i] * (double)x[i];
  return sum;
}

/*
 * softplus(x) = log(1 + e^x) over n float32 values, four at a time, without branches:
 *
 *   softplus(x) = max(x, 0) + log1p(t),   t = e^-|x| in (0, 1]
 *   e^y   (y = -|x| >= -104): y = n ln2 + r, |r| <= ln2 / 2 (Cody & Waite, ln2 in two parts),
 *         e^r by its Taylor polynomial of degree 7 (truncation < 6e-9 relative), times 2^n as
 *         two exponent-field scalings (so results below 2^-126 round once, as subnormals)
 *   log1p(t) = 2 atanh(s), s = t / (2 + t) in (0, 1/3]: 2 s (1 + s^2/3 + ... + s^14/15)
 *         (truncation < 2e-9 relative)
 *
 * Accuracy, float32 arithmetic throughout, against the exactly rounded softplus (float64
 * reference) on every 16th float32: 95.6% exact, 99.995% within 1 ulp, none over 3 ulp (22 of
 * 2^28 at 3, all in -3 < x < -0.4); +-inf and NaN give +inf, 0 and NaN.
 */
static inline v128_t exp_core(v128_t y) {
  const v128_t log2e = wasm_f32x4_splat(1.44269504f);
  const v128_t ln2_hi = wasm_f32x4_splat(0.693145751953125f); /* 15 bits: n * ln2_hi is exact */
  const v128_t ln2_lo = wasm_f32x4_splat(1.42860677e-6f);
  /* e^-104 < the least subnormal; e^89 > the largest float32 (y <= 89 is the caller's). */
  y = wasm_f32x4_max(y, wasm_f32x4_splat(-104.0f));
  const v128_t n = wasm_f32x4_nearest(wasm_f32x4_mul(y, log2e));
  v128_t r = wasm_f32x4_sub(y, wasm_f32x4_mul(n, ln2_hi));
  r = wasm_f32x4_sub(r, wasm_f32x4_mul(n, ln2_lo));
  /* Horner, 1/7! .. 1/0! */
  v128_t p = wasm_f32x4_splat(1.98412698e-4f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.38888889e-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(8.33333333e-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(4.16666667e-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.66666667e-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(0.5f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f));
  /* 2^n = 2^n1 2^n2, n1 = floor(n / 2), each a normal power of two for n in [-150, 128]. */
  const v128_t ni = wasm_i32x4_trunc_sat_f32x4(n);
  const v128_t n1 = wasm_i32x4_shr(ni, 1);
  const v128_t n2 = wasm_i32x4_sub(ni, n1);
  const v128_t bias = wasm_i32x4_splat(127);
  const v128_t s1 = wasm_i32x4_shl(wasm_i32x4_add(n1, bias), 23);
  const v128_t s2 = wasm_i32x4_shl(wasm_i32x4_add(n2, bias), 23);
  return wasm_f32x4_mul(wasm_f32x4_mul(p, s1), s2);
}

static inline v128_t log1p_unit(v128_t t) {
  /* 2 s = 2 t / (2 + t) in one rounding (t + t is exact; t / 2 would lose a subnormal t). */
  const v128_t two_s =
      wasm_f32x4_div(wasm_f32x4_add(t, t), wasm_f32x4_add(wasm_f32x4_splat(2.0f), t));
  const v128_t z = wasm_f32x4_mul(wasm_f32x4_mul(two_s, two_s), wasm_f32x4_splat(0.25f));
  v128_t p = wasm_f32x4_splat(1.0f / 15.0f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), wasm_f32x4_splat(1.0f / 13.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), wasm_f32x4_splat(1.0f / 11.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), wasm_f32x4_splat(1.0f / 9.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), wasm_f32x4_splat(1.0f / 7.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), wasm_f32x4_splat(1.0f / 5.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), wasm_f32x4_splat(1.0f / 3.0f));
  /* 2 s + 2 s z p: the leading term as computed, the rest a small correction. */
  return wasm_f32x4_add(two_s, wasm_f32x4_mul(two_s, wasm_f32x4_mul(z, p)));
}

static inline v128_t softplus4(v128_t x) {
  const v128_t t = exp_core(wasm_f32x4_neg(wasm_f32x4_abs(x)));
  /* f32x4.max propagates NaN (x = NaN gives NaN); x = +inf gives inf + 0. */
  return wasm_f32x4_add(wasm_f32x4_max(x, wasm_f32x4_splat(0.0f)), log1p_unit(t));
}

/*
 * The first `left` (1 to 3) floats at p as lanes, zeros after: a row's tail without reading past
 * it (and without a stack array: the module has no shadow stack).
 */
static inline v128_t load_tail(const float* p, u32 left) {
  return wasm_f32x4_make(p[0], left > 1 ? p[1] : 0.0f, left > 2 ? p[2] : 0.0f, 0.0f);
}

/* sum + t0 + t1 + t2 + t3, one float32 addition at a time in lane order (a scalar loop's order). */
static inline float add_lanes(float sum, v128_t t) {
  sum += wasm_f32x4_extract_lane(t, 0);
  sum += wasm_f32x4_extract_lane(t, 1);
  sum += wasm_f32x4_extract_lane(t, 2);
  return sum + wasm_f32x4_extract_lane(t, 3);
}

/* sum + t0 + ... + t(left - 1), as add_lanes for the first `left` (1 to 3) lanes of a tail. */
static inline float add_tail_lanes(float sum, v128_t t, u32 left) {
  sum += wasm_f32x4_extract_lane(t, 0);
  if (left > 1) sum += wasm_f32x4_extract_lane(t, 1);
  if (left > 2) sum += wasm_f32x4_extract_lane(t, 2);
  return sum;
}

/*
 * y[i] = f(x[i]) for n float32 values, four at a time; the last n % 4 through lanes (no stack
 * array: the module has no shadow stack). Inlined with f known, so the loop calls nothing.
 */
static inline void map4(const float* x, float* y, u32 n, v128_t (*f)(v128_t)) {
  u32 i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(y + i, f(wasm_v128_load(x + i)));
  if (i < n) {
    const u32 left = n - i;
    const v128_t v = f(load_tail(x + i, left));
    y[i] = wasm_f32x4_extract_lane(v, 0);
    if (left > 1) y[i + 1] = wasm_f32x4_extract_lane(v, 1);
    if (left > 2) y[i + 2] = wasm_f32x4_extract_lane(v, 2);
  }
}

void vk_softplus(const float* x, float* y, u32 n) {
  map4(x, y, n, softplus4);
}

/*
 * e^x over n float32 values, four at a time, without branches: exp_core (above) on x clamped to
 * at most 89, where e^x already overflows float32 (e^88.72 is the largest float32), so that 2^n
 * stays within the two exponent-field scalings. +inf gives +inf, -inf and x < -103.97 give 0,
 * NaN gives NaN (f32x4.min and max propagate it).
 */
static inline v128_t exp4(v128_t x) {
  return exp_core(wasm_f32x4_min(x, wasm_f32x4_splat(89.0f)));
}

void vk_exp(const float* x, float* y, u32 n) {
  map4(x, y, n, exp4);
}

/*
 * The Bernoulli log-likelihood of each row: out[r] = sum_k (x_rk l_rk - softplus(l_rk)) over cols
 * values, for logits l and data x of rows x cols float32. Each term is the float32 product, then
 * softplus4 (as vk_softplus computes it), then the float32 difference, and the terms are added
 * to a float32 sum starting from 0, in order: the operations, and the order, of
 * sum(sub(mul(x, l), softplus(l)), -1) on tfjs's wasm backend with vk_softplus, in one pass and
 * without its three [rows, cols] temporaries.
 */
void vk_bernoulli_log_prob(const float* logits, const float* x, float* out, u32 rows, u32 cols) {
  for (u32 r = 0; r < rows; r++) {
    const float* l = logits + r * cols;
    const float* d = x + r * cols;
    float sum = 0.0f;
    u32 k = 0;
    for (; k + 4 <= cols; k += 4) {
      const v128_t lv = wasm_v128_load(l + k);
      const v128_t t = wasm_f32x4_sub(wasm_f32x4_mul(wasm_v128_load(d + k), lv), softplus4(lv));
      sum = add_lanes(sum, t);
    }
    if (k < cols) {
      const u32 left = cols - k;
      const v128_t lv = load_tail(l + k, left);
      const v128_t dv = load_tail(d + k, left);
      const v128_t t = wasm_f32x4_sub(wasm_f32x4_mul(dv, lv), softplus4(lv));
      sum = add_tail_lanes(sum, t, left);
    }
    out[r] = sum;
  }
}

/*
 * log(x) in float64 for a positive, finite x: x = 2^e m with m in [sqrt(1/2), sqrt(2)), and
 * log m = 2 atanh(f) = 2 (f + f^3/3 + f^5/5 + ...), f = (m - 1)/(m + 1), |f| <= 0.1716 (m - 1 is
 * exact). The series through f^21 leaves less than 3e-18 relative; e ln 2 adds one rounding.
 */
static double log_positive(double x) {
  union {
    double d;
    unsigned long long u;
  } v = {x};
  int e = (int)((v.u >> 52) & 0x7ff) - 1023;
  v.u = (v.u & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL;
  double m = v.d;
  if (m > 1.4142135623730951) {
    m *= 0.5;
    e += 1;
  }
  const double f = (m - 1.0) / (m + 1.0);
  const double s = f * f;
  double p = 1.0 / 21.0;
  p = p * s + 1.0 / 19.0;
  p = p * s + 1.0 / 17.0;
  p = p * s + 1.0 / 15.0;
  p = p * s + 1.0 / 13.0;
  p = p * s + 1.0 / 11.0;
  p = p * s + 1.0 / 9.0;
  p = p * s + 1.0 / 7.0;
  p = p * s + 1.0 / 5.0;
  p = p * s + 1.0 / 3.0;
  return (double)e * 0.6931471805599453 + 2.0 * f + 2.0 * f * s * p;
}

/*
 * KL(N(m, s^2) || N(0, 1)) per value, over n float32 pairs, computed in float64 and rounded once:
 *
 *   KL = (s^2 - 1)/2 - log s + m^2/2 = t (t + 2)/2 - log s + m^2/2,   t = s - 1 (exact)
 *
 * Near s = 1 the two terms, both ~t, cancel to ~t^2: in float64 that leaves a relative error of
 * about 1e-16 / |t| <= 2e-9 for float32 scales (|t| >= 6e-8 unless t = 0), far below float32's
 * rounding, so the result is the exactly rounded KL but for rare near-halfway cases. s = 0 or
 * +inf gives +inf, s < 0 or NaN gives NaN, |m| = inf gives +inf (as the chain of tfjs ops does).
 */
void vk_standard_normal_kl(const float* loc, const float* scale, float* out, u32 n) {
  for (u32 i = 0; i < n; i++) {
    const double s = scale[i];
    const double m = loc[i];
    double scale_part;
    if (s > 0.0 && s < __builtin_inf()) {
      const double t = s - 1.0;
      scale_part = t * (t + 2.0) * 0.5 - log_positive(s);
    } else if (s == 0.0 || s == __builtin_inf()) {
      scale_part = __builtin_inf();
    } else {
      scale_part = __builtin_nan("");
    }
    out[i] = (float)(scale_part + 0.5 * m * m);
  }
}

/*
 * The softmax statistics of each row of a rows x cols float32 matrix of logits l, for the
 * categorical log-likelihood l[r, y_r] - (max_r + log total_r) of targets y:
 *
 *   max_r    = the row's largest value (scanned as `if (v > max) max = v` from l[r, 0])
 *   e[r, v]  = e^(l[r, v] - max_r)         (the float32 difference, then exp4, as vk_exp)
 *   total_r  = e[r, 0] + e[r, 1] + ...     (a float32 sum from +0, in order)
 *   picked_r = l[r, y_r]                   (NaN for a target outside [0, cols))
 *
 * The operations, and the order, of max, sub, exp and sum on tfjs's wasm backend with vk_exp,
 * and of the gather of the targets' logits: two passes over each row instead of four kernels
 * and two [rows, cols] temporaries. e is written to `shifted`, where the gradient reads it.
 */
void vk_softmax_stats(const float* logits, const int* targets, float* shifted, float* max_out,
                      float* total_out, float* picked_out, u32 rows, u32 cols) {
  for (u32 r = 0; r < rows; r++) {
    const float* l = logits + r * cols;
    float* e = shifted + r * cols;
    /* pmax(a, b) = a < b ? b : a, the scalar scan's step: a NaN after l[0] is passed over. */
    v128_t mv = wasm_f32x4_splat(l[0]);
    u32 k = 0;
    for (; k + 4 <= cols; k += 4) mv = wasm_f32x4_pmax(mv, wasm_v128_load(l + k));
    float max = wasm_f32x4_extract_lane(mv, 0);
    for (u32 lane = 1; lane < 4; lane++) {
      const float v = lane == 1   ? wasm_f32x4_extract_lane(mv, 1)
                      : lane == 2 ? wasm_f32x4_extract_lane(mv, 2)
                                  : wasm_f32x4_extract_lane(mv, 3);
      if (v > max) max = v;
    }
    for (; k < cols; k++) {
      if (l[k] > max) max = l[k];
    }
    const v128_t m4 = wasm_f32x4_splat(max);
    float sum = 0.0f;
    k = 0;
    for (; k + 4 <= cols; k += 4) {
      const v128_t t = exp4(wasm_f32x4_sub(wasm_v128_load(l + k), m4));
      wasm_v128_store(e + k, t);
      sum = add_lanes(sum, t);
    }
    if (k < cols) {
      const u32 left = cols - k;
      const v128_t lv = load_tail(l + k, left);
      const v128_t t = exp4(wasm_f32x4_sub(lv, m4));
      e[k] = wasm_f32x4_extract_lane(t, 0);
      if (left > 1) e[k + 1] = wasm_f32x4_extract_lane(t, 1);
      if (left > 2) e[k + 2] = wasm_f32x4_extract_lane(t, 2);
      sum = add_tail_lanes(sum, t, left);
    }
    max_out[r] = max;
    total_out[r] = sum;
    const int y = targets[r];
    picked_out[r] = y >= 0 && (u32)y < cols ? l[y] : __builtin_nanf("");
  }
}

/*
 * The gradient of the categorical log-likelihood with respect to the logits, from the forward
 * pass's e and total (vk_softmax_stats) and each row's incoming gradient s_r:
 *
 *   out[r, v] = (v == y_r ? s_r : 0) - e[r, v] * (s_r / total_r)
 *
 * The float32 quotient, product and difference of
 * sub(scatterND(y, s), mul(e, div(s, total))) on tfjs's wasm backend, in one pass without its
 * three [rows, cols] temporaries. A target outside [0, cols) scatters nothing.
 */
void vk_softmax_grad(const float* shifted, const float* total, const float* scale,
                     const int* targets, float* out, u32 rows, u32 cols) {
  const v128_t zero = wasm_f32x4_splat(0.0f);
  for (u32 r = 0; r < rows; r++) {
    const float* e = shifted + r * cols;
    float* d = out + r * cols;
    const float c = scale[r] / total[r];
    const v128_t c4 = wasm_f32x4_splat(c);
    u32 k = 0;
    for (; k + 4 <= cols; k += 4) {
      wasm_v128_store(d + k, wasm_f32x4_sub(zero, wasm_f32x4_mul(wasm_v128_load(e + k), c4)));
    }
    for (; k < cols; k++) d[k] = 0.0f - e[k] * c;
    const int y = targets[r];
    if (y >= 0 && (u32)y < cols) d[y] = scale[r] - e[y] * c;
  }
}
