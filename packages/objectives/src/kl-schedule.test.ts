import { describe, expect, it } from 'vitest';
import { cyclicalKLAnnealing, linearKLAnnealing, parseKLSchedule } from './kl-schedule';

describe('linearKLAnnealing', () => {
  it('rises linearly from start to end over warmupSteps, then holds', () => {
    const beta = linearKLAnnealing({ warmupSteps: 1000 });
    expect([0, 250, 500, 1000, 5000].map(beta)).toEqual([0, 0.25, 0.5, 1, 1]);
    const fromTenth = linearKLAnnealing({ warmupSteps: 100, start: 0.1, end: 0.9 });
    expect(fromTenth(0)).toBeCloseTo(0.1, 12);
    expect(fromTenth(50)).toBeCloseTo(0.5, 12);
    expect(fromTenth(1e6)).toBeCloseTo(0.9, 12);
  });

  it('rejects bad arguments, naming them', () => {
    expect(() => linearKLAnnealing({ warmupSteps: 0 })).toThrow(
      /^warmupSteps must be a positive integer, got 0/,
    );
    expect(() => linearKLAnnealing({ warmupSteps: 10, start: -1 })).toThrow(/^start must be/);
    expect(() => linearKLAnnealing({ warmupSteps: 10 })(-1)).toThrow(
      /^step must be a finite number >= 0/,
    );
  });
});

describe('cyclicalKLAnnealing', () => {
  it("repeats a warm-up over the first ratio of every period (Fu et al.'s schedule)", () => {
    const beta = cyclicalKLAnnealing({ period: 100, ratio: 0.5 });
    expect([0, 25, 49, 50, 99, 100, 125, 150, 1025].map(beta)).toEqual([
      0, 0.5, 0.98, 1, 1, 0, 0.5, 1, 0.5,
    ]);
  });

  it('holds at end after the given number of cycles', () => {
    const beta = cyclicalKLAnnealing({ period: 10, cycles: 2, ratio: 1, start: 0.2 });
    expect(beta(0)).toBeCloseTo(0.2, 12);
    expect(beta(15)).toBeCloseTo(0.6, 12);
    expect(beta(19)).toBeCloseTo(0.92, 12);
    expect(beta(20)).toBe(1);
    expect(beta(1e5)).toBe(1);
  });

  it('rejects bad arguments, naming them', () => {
    expect(() => cyclicalKLAnnealing({ period: 0 })).toThrow(/^period must be a positive integer/);
    expect(() => cyclicalKLAnnealing({ period: 10, ratio: 0 })).toThrow(
      /^ratio must be a number in \(0, 1\]/,
    );
    expect(() => cyclicalKLAnnealing({ period: 10, cycles: 0 })).toThrow(
      /^cycles must be a positive integer/,
    );
  });
});

describe('parseKLSchedule', () => {
  it('parses none, constant, linear and cyclical', () => {
    expect(parseKLSchedule('none')(123)).toBe(1);
    expect(parseKLSchedule('constant:0.3')(123)).toBe(0.3);
    expect(parseKLSchedule('linear:1000')(500)).toBe(0.5);
    expect(parseKLSchedule('linear:1000:0.1')(500)).toBeCloseTo(0.55, 12);
    expect(parseKLSchedule('cyclical:100')(25)).toBe(0.5);
    expect(parseKLSchedule('cyclical:100:2')(250)).toBe(1);
    expect(parseKLSchedule('cyclical:100:2:0.25')(10)).toBeCloseTo(0.4, 12);
  });

  it('rejects anything else, naming the accepted forms', () => {
    for (const bad of ['linear', 'linear:x', 'sigmoid:10', 'cyclical:0', 'none:3', '']) {
      expect(() => parseKLSchedule(bad)).toThrow(/must be|schedule must be one of none, constant/);
    }
  });
});
