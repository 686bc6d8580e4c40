import { describe, expect, it } from 'vitest';
import { dropLastBatch } from './drop-last-batch';

describe('dropLastBatch', () => {
  it('drops a last batch of one for batch-normalised posteriors only', () => {
    expect(dropLastBatch('bn', 55_000, 27)).toBe(true);
    expect(dropLastBatch('bn-su', 55_000, 27)).toBe(true);
    expect(dropLastBatch('gaussian', 55_000, 27)).toBe(false);
    expect(dropLastBatch('vmf', 55_000, 27)).toBe(false);
    expect(dropLastBatch('bn', 55_000, 128)).toBe(false); // 55,000 = 128 x 429 + 88
    expect(dropLastBatch('bn', 1, 2)).toBe(false); // a single example: nothing to train on
  });
});
