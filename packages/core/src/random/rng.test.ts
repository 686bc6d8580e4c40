import { describe, expect, it } from 'vitest';
import { Rng } from './rng';

describe('Rng', () => {
  it('matches the xoshiro128** reference output for state [1, 2, 3, 4]', () => {
    // Reference values from the C implementation (xoshiro128starstar.c, Blackman & Vigna).
    const rng = Rng.fromState([1, 2, 3, 4]);
    expect([rng.nextUint32(), rng.nextUint32(), rng.nextUint32(), rng.nextUint32()]).toEqual([
      11520, 0, 5927040, 70819200,
    ]);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const a = new Rng(123);
    const b = new Rng(123);
    const c = new Rng(124);
    const xs = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(xs);
    // Seeds above 2^32 use their high bits.
    expect(new Rng(2 ** 40).nextUint32()).not.toBe(new Rng(0).nextUint32());
  });

  it('round-trips its state through JSON mid-stream', () => {
    const rng = new Rng(7);
    for (let i = 0; i < 10; i++) rng.next();
    const saved = JSON.parse(JSON.stringify(rng.state()));
    const expected = Array.from({ length: 8 }, () => rng.next());
    const restored = Rng.fromState(saved);
    expect(Array.from({ length: 8 }, () => restored.next())).toEqual(expected);
  });

  it('rejects bad seeds and states, naming them', () => {
    expect(() => new Rng(0.5)).toThrow(/seed must be a safe integer/);
    expect(() => Rng.fromState([1, 2, 3])).toThrow(/4 unsigned 32-bit integers/);
    expect(() => Rng.fromState([0, 0, 0, 0])).toThrow(/all zeros/);
    expect(() => Rng.fromState([1, 2, 3, -1])).toThrow(/unsigned/);
    expect(() => new Rng(1).nextInt(0)).toThrow(/n must be an integer/);
  });

  it('derive gives reproducible, key-dependent streams', () => {
    expect(Rng.derive(5, 1, 2).state()).toEqual(Rng.derive(5, 1, 2).state());
    expect(Rng.derive(5, 1, 2).state()).not.toEqual(Rng.derive(5, 2, 1).state());
    expect(Rng.derive(5).state()).toEqual(new Rng(5).state());
  });

  it('next() is uniform on [0, 1) (chi-square over 20 bins, fixed seed)', () => {
    const rng = new Rng(2024);
    const bins = new Array(20).fill(0);
    const n = 100_000;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      if (!(u >= 0 && u < 1)) outside++;
      bins[Math.floor(u * 20)]++;
    }
    expect(outside).toBe(0);
    const e = n / 20;
    const chi2 = bins.reduce((s, o) => s + ((o - e) * (o - e)) / e, 0);
    expect(chi2).toBeLessThan(43.8); // 99.9% quantile of chi-square with 19 dof
  });

  it('nextInt is unbiased and normal() has mean 0, variance 1', () => {
    const rng = new Rng(99);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[rng.nextInt(3)]!++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400); // ~4.9 sd
    let s = 0;
    let s2 = 0;
    const n = 50_000;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      s += z;
      s2 += z * z;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.02); // sd of the mean 0.0045
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.03); // sd 0.0063
  });

  it('permutation is a permutation and every position is uniform', () => {
    const rng = new Rng(1);
    const firsts = [0, 0, 0, 0];
    for (let i = 0; i < 8000; i++) {
      const p = rng.permutation(4);
      expect([...p].sort()).toEqual([0, 1, 2, 3]);
      firsts[p[0]!]!++;
    }
    for (const c of firsts) expect(Math.abs(c - 2000)).toBeLessThan(200); // ~5 sd
  });

  it('fillUniform gives exactly the values of next() and leaves the same state', () => {
    const a = new Rng(21);
    const b = new Rng(21);
    const filled = a.fillUniform(new Float64Array(1000), 10, 990);
    expect(filled[0]).toBe(0);
    expect(filled[999]).toBe(0);
    expect(Array.from(filled.subarray(10, 990))).toEqual(
      Array.from({ length: 980 }, () => b.next()),
    );
    expect(a.state()).toEqual(b.state());
  });

  it('fork gives an independent stream and advances the parent', () => {
    const a = new Rng(3);
    const b = new Rng(3);
    const child = a.fork();
    for (let i = 0; i < 4; i++) b.nextUint32();
    expect(a.state()).toEqual(b.state());
    expect(child.state()).not.toEqual(a.state());
  });
});
