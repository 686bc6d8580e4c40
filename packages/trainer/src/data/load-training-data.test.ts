import { DATA_SOURCES, resolveConfig } from '@vaekit/core';
import { describe, expect, it } from 'vitest';
import { DATA_LOADERS, loadTrainingData } from './load-training-data';

describe('loadTrainingData', () => {
  it('has a Node loader for every registered data source', () => {
    expect(Object.keys(DATA_LOADERS).sort()).toEqual(DATA_SOURCES.names().sort());
  });

  it('loads MNIST as the fixed 55,000 / 5,000 / 10,000 split', () => {
    const data = loadTrainingData(resolveConfig({ data: 'mnist' }));
    expect([data.kind, data.train.size, data.validation.size, data.test.size]).toEqual([
      'image',
      55_000,
      5_000,
      10_000,
    ]);
    expect(data.imageShape).toEqual([28, 28]);
    expect(data.summary).toBe(
      'mnist: 55000 train / 5000 validation / 10000 test images 28x28, dynamically binarised',
    );
  });

  it('names a missing text file', () => {
    expect(() => loadTrainingData(resolveConfig({ data: 'text:/no/such/file.txt' }))).toThrow(
      /no\/such\/file\.txt/,
    );
  });
});
