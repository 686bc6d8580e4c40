import { resolveConfig } from '@vaekit/core';
import { describe, expect, it } from 'vitest';
import { ROWS_PER_THREAD, SENTENCES_PER_THREAD, chooseThreads } from './choose-threads';

const images = (c: Parameters<typeof resolveConfig>[0]) =>
  resolveConfig({ latent: 'gaussian', ...c });

describe('chooseThreads', () => {
  it('keeps a configured count', () => {
    expect(chooseThreads(images({ threads: 1, objective: 'iwae', k: 50 }), 2)).toEqual({
      threads: 1,
      reason: 'as configured',
    });
    expect(chooseThreads(images({ threads: 3 }), 2).threads).toBe(3);
  });

  it('auto: one thread per ROWS_PER_THREAD network rows (batch x (1 + K)), at most the cores', () => {
    expect(ROWS_PER_THREAD).toBe(512);
    const auto = (batchSize: number, objective: string, k: number, cores = 2) =>
      chooseThreads(images({ batchSize, objective, k }), cores).threads;
    expect(auto(32, 'elbo', 1)).toBe(1);
    expect(auto(128, 'elbo', 1)).toBe(1);
    expect(auto(512, 'elbo', 1)).toBe(2);
    expect(auto(32, 'iwae', 5)).toBe(1);
    expect(auto(128, 'iwae', 5)).toBe(1);
    expect(auto(256, 'iwae', 5)).toBe(2);
    expect(auto(100, 'iwae', 50)).toBe(2);
    expect(auto(100, 'miwae', 64)).toBe(2); // K counts every sample (M x k)
    expect(auto(100, 'iwae', 50, 8)).toBe(8);
    expect(auto(100, 'iwae', 50, 1)).toBe(1);
    expect(chooseThreads(images({ batchSize: 100, objective: 'iwae', k: 50 }), 2)).toEqual({
      threads: 2,
      reason: 'auto: 5,100 network rows a step, 2 cores',
    });
  });

  it('auto: text counts sentences', () => {
    expect(SENTENCES_PER_THREAD).toBe(16);
    const text = (batchSize: number) =>
      chooseThreads(resolveConfig({ data: 'brown', latent: 'vmf', batchSize }), 2).threads;
    expect(text(16)).toBe(1);
    expect(text(32)).toBe(2);
  });

  it('auto: one thread where shards would change the model', () => {
    const heavy = { batchSize: 512, objective: 'iwae', k: 50 } as const;
    expect(chooseThreads(resolveConfig({ ...heavy, latent: 'bn' }), 2)).toEqual({
      threads: 1,
      reason: "auto: the bn posterior normalises with the whole batch's statistics",
    });
    expect(chooseThreads(resolveConfig({ ...heavy, latent: 'bn-su' }), 2).threads).toBe(1);
    expect(
      chooseThreads(
        resolveConfig({ latent: 'gaussian', objective: 'elbo', batchSize: 1024, freeBits: 0.5 }),
        2,
      ),
    ).toEqual({ threads: 1, reason: 'auto: free bits need the whole batch' });
  });
});
