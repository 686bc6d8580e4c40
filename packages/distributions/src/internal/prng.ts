/**
 * A small seeded float64 pseudo-random generator for samplers that loop in plain JavaScript (the
 * Wood rejection sampler): `sfc32` (Chris Doty-Humphrey's Small Fast Counting generator, 128-bit
 * state, passes PractRand to 2^41 bytes), its state filled from `(seed, stream)` by a splitmix32
 * hash, so that each stream (for example one per batch element) is independent of the others and
 * of the order they are drawn in.
 */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | undefined;

  constructor(seed: number, stream = 0) {
    let s =
      (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul((stream | 0) + 0x632be5ab, 0x85ebca6b)) | 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let h = s ^ (s >>> 16);
      h = Math.imul(h, 0x21f0aaad);
      h ^= h >>> 15;
      h = Math.imul(h, 0x735a2d97);
      return (h ^ (h >>> 15)) | 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next() | 1;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A uniform double in the open interval (0, 1), with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo + 0.5) / 9007199254740992;
  }

  /** A standard normal draw (Marsaglia's polar method). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const x = this.spareNormal;
      this.spareNormal = undefined;
      return x;
    }
    for (;;) {
      const x = 2 * this.uniform() - 1;
      const y = 2 * this.uniform() - 1;
      const r2 = x * x + y * y;
      if (r2 > 0 && r2 < 1) {
        const f = Math.sqrt((-2 * Math.log(r2)) / r2);
        this.spareNormal = y * f;
        return x * f;
      }
    }
  }

  /**
   * A Gamma(shape, 1) draw (Marsaglia & Tsang 2000, "A simple method for generating gamma
   * variables"; for shape < 1 the boost `Gamma(a) = Gamma(a + 1) U^(1/a)`).
   */
  gamma(shape: number): number {
    if (shape < 1) {
      const g = this.gamma(shape + 1);
      return g * Math.exp(Math.log(this.uniform()) / shape);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.uniform();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** A Beta(a, b) draw, `X / (X + Y)` with `X ~ Gamma(a)`, `Y ~ Gamma(b)`. */
  beta(a: number, b: number): number {
    const x = this.gamma(a);
    const y = this.gamma(b);
    return x / (x + y);
  }
}
