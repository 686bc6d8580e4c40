/**
 * Mixes a 32-bit integer into a well-distributed 32-bit hash (the murmur3 finaliser applied to
 * a golden-ratio increment, as in splitmix32).
 */
function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

function checkSeed(seed: number, name: string): void {
  if (!Number.isSafeInteger(seed)) {
    throw new Error(`${name} must be a safe integer (|${name}| < 2^53), got ${seed}`);
  }
}

/** Hashes a seed and any number of integer keys into four 32-bit words, never all zero. */
function seedWords(seed: number, keys: readonly number[]): [number, number, number, number] {
  let h = 0x6a09e667;
  for (const v of [seed, ...keys]) {
    const lo = v >>> 0;
    const hi = Math.floor(v / 4294967296) >>> 0;
    h = mix32(h ^ lo);
    h = mix32(h ^ hi);
  }
  const words: [number, number, number, number] = [0, 0, 0, 0];
  for (let i = 0; i < 4; i++) {
    h = mix32(h + i);
    words[i] = h;
  }
  if ((words[0] | words[1] | words[2] | words[3]) === 0) words[0] = 1;
  return words;
}

/**
 * A small, fast, seeded pseudo-random number generator with a serialisable state:
 * xoshiro128** (Blackman & Vigna, "Scrambled linear pseudorandom number generators", 2018),
 * seeded by hashing the seed with splitmix32.
 *
 * Output: `x = rotl(s1 * 5, 7) * 9` (mod 2^32), then the xoshiro128 state transition. The
 * state is four 32-bit words; {@link Rng.state} returns it and {@link Rng.fromState} restores
 * it exactly, so a checkpoint that stores the state resumes the same stream. Every source of
 * randomness in the trainer (shuffling, dynamic binarisation, word dropout, the
 * train/validation carve) draws from an `Rng`, which makes runs deterministic given a seed.
 *
 * Not cryptographically secure.
 *
 * @example
 * ```ts
 * const rng = new Rng(42);
 * const u = rng.next();            // uniform in [0, 1)
 * const saved = rng.state();       // [number, number, number, number]
 * const a = rng.nextUint32();
 * const b = Rng.fromState(saved).nextUint32(); // a === b
 * ```
 */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /**
   * @param seed any safe integer; equal seeds give equal streams on every platform.
   */
  constructor(seed: number) {
    checkSeed(seed, 'seed');
    [this.s0, this.s1, this.s2, this.s3] = seedWords(seed, []);
  }

  /**
   * An independent stream for `(seed, ...keys)`, e.g. `Rng.derive(seed, epoch, batch)`: the
   * same arguments always give the same stream, different keys give unrelated streams, and
   * no generator state has to be threaded through.
   *
   * @example
   * ```ts
   * const batchRng = Rng.derive(1234, 3, 17); // epoch 3, batch 17
   * ```
   */
  static derive(seed: number, ...keys: number[]): Rng {
    checkSeed(seed, 'seed');
    for (const [i, k] of keys.entries()) checkSeed(k, `keys[${i}]`);
    return Rng.fromState(seedWords(seed, keys));
  }

  /**
   * Restores a generator from {@link Rng.state}: four unsigned 32-bit integers, not all zero.
   *
   * @example
   * ```ts
   * const rng = Rng.fromState(JSON.parse(saved));
   * ```
   */
  static fromState(state: readonly number[]): Rng {
    if (
      !Array.isArray(state) ||
      state.length !== 4 ||
      !state.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff)
    ) {
      throw new Error(
        `Rng state must be an array of 4 unsigned 32-bit integers, got ${JSON.stringify(state)}`,
      );
    }
    if (state.every((w) => w === 0)) throw new Error('Rng state must not be all zeros');
    const rng = Object.create(Rng.prototype) as Rng;
    [rng.s0, rng.s1, rng.s2, rng.s3] = state as [number, number, number, number];
    return rng;
  }

  /**
   * The current state as four unsigned 32-bit integers (JSON-serialisable).
   *
   * @example
   * ```ts
   * fs.writeFileSync('rng.json', JSON.stringify(rng.state()));
   * ```
   */
  state(): number[] {
    return [this.s0, this.s1, this.s2, this.s3];
  }

  /**
   * The next raw output, a uniform unsigned 32-bit integer.
   *
   * @example
   * ```ts
   * const word = new Rng(1).nextUint32(); // 0 <= word < 2 ** 32
   * ```
   */
  nextUint32(): number {
    const s1 = this.s1;
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    this.s0 >>>= 0;
    this.s1 >>>= 0;
    this.s2 >>>= 0;
    this.s3 >>>= 0;
    return r;
  }

  /**
   * A uniform float in `[0, 1)` with 32 bits of resolution: `nextUint32() / 2^32`.
   *
   * @example
   * ```ts
   * const u = new Rng(7).next();
   * ```
   */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /**
   * Fills `out[start..end)` with uniform floats in `[0, 1)`: the same values as that many
   * calls to {@link Rng.next}, about 5× faster (the state stays in locals).
   *
   * @example
   * ```ts
   * const u = new Rng(1).fillUniform(new Float64Array(784));
   * ```
   */
  fillUniform<T extends Float32Array | Float64Array>(out: T, start = 0, end = out.length): T {
    let s0 = this.s0;
    let s1 = this.s1;
    let s2 = this.s2;
    let s3 = this.s3;
    for (let i = start; i < end; i++) {
      const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      out[i] = r / 4294967296;
    }
    this.s0 = s0 >>> 0;
    this.s1 = s1 >>> 0;
    this.s2 = s2 >>> 0;
    this.s3 = s3 >>> 0;
    return out;
  }

  /**
   * A uniform integer in `[0, n)`, without modulo bias (rejection sampling), for
   * `1 <= n <= 2^32`.
   *
   * @example
   * ```ts
   * const die = new Rng(3).nextInt(6) + 1;
   * ```
   */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 4294967296) {
      throw new Error(`n must be an integer in [1, 2^32], got ${n}`);
    }
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /**
   * `true` with probability `p` (`next() < p`); `p` outside `[0, 1]` is clamped by the
   * comparison, so `p <= 0` is never and `p >= 1` always true.
   *
   * @example
   * ```ts
   * const heads = new Rng(5).bernoulli(0.5);
   * ```
   */
  bernoulli(p: number): boolean {
    return this.next() < p;
  }

  /**
   * A standard normal draw (Box-Muller, one draw per call: consumes two uniforms).
   *
   * @example
   * ```ts
   * const z = new Rng(9).normal();
   * ```
   */
  normal(): number {
    const u1 = 1 - this.next(); // (0, 1]
    const u2 = this.next();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /**
   * Shuffles `array` in place (Fisher-Yates, `n - 1` calls to {@link Rng.nextInt}) and
   * returns it.
   *
   * @example
   * ```ts
   * const order = new Rng(0).shuffle([0, 1, 2, 3]);
   * ```
   */
  shuffle<T extends { length: number; [i: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  /**
   * A uniformly random permutation of `0 .. n-1`.
   *
   * @example
   * ```ts
   * const perm = new Rng(0).permutation(10); // Uint32Array of 0..9 in random order
   * ```
   */
  permutation(n: number): Uint32Array {
    if (!Number.isInteger(n) || n < 0)
      throw new Error(`n must be a non-negative integer, got ${n}`);
    const p = new Uint32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }

  /**
   * A new generator seeded from this one's next output words: an independent stream that
   * advances this generator by four draws.
   *
   * @example
   * ```ts
   * const child = rng.fork();
   * ```
   */
  fork(): Rng {
    const words = [this.nextUint32(), this.nextUint32(), this.nextUint32(), this.nextUint32()];
    return Rng.fromState(seedWords(words[0]!, words.slice(1)));
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
