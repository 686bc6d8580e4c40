import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Rng } from '../random/rng';
import { padSequences, sentenceRows, textBatchTensors } from './pad-sequences';

describe('padSequences', () => {
  it('adds <bos> to inputs and <eos> to targets, pads with 0, and masks', () => {
    const p = padSequences([[7, 8], [9]]);
    expect([p.batchSize, p.timeSteps]).toEqual([2, 3]);
    expect(Array.from(p.inputs)).toEqual([2, 7, 8, 2, 9, 0]);
    expect(Array.from(p.targets)).toEqual([7, 8, 3, 9, 3, 0]);
    expect(Array.from(p.lengths)).toEqual([3, 2]);
    expect(Array.from(p.mask)).toEqual([1, 1, 1, 1, 1, 0]);
    expect(padSequences([[5]], { timeSteps: 4 }).timeSteps).toBe(4);
  });

  it('word dropout replaces decoder-input words (only) by <unk> at the given rate', () => {
    const sentence = Array.from({ length: 10000 }, () => 9);
    const p = padSequences([sentence], { wordDropout: 0.3, rng: new Rng(1) });
    expect(p.inputs[0]).toBe(2);
    const unk = p.inputs.filter((v) => v === 1).length;
    expect(Math.abs(unk / 10000 - 0.3)).toBeLessThan(0.02); // sd 0.0046
    expect(p.targets.slice(0, 10000).every((v) => v === 9)).toBe(true);
  });

  it('makes int32/float32 tensors of the right shapes', () => {
    const t = textBatchTensors(padSequences([[4, 5, 6], [7]]));
    expect(t.inputs.shape).toEqual([2, 4]);
    expect([t.inputs.dtype, t.targets.dtype, t.lengths.dtype, t.mask.dtype]).toEqual([
      'int32',
      'int32',
      'int32',
      'float32',
    ]);
    tf.dispose([t.inputs, t.targets, t.lengths, t.mask]);
  });

  it('names bad options', () => {
    expect(() => padSequences([[1]], { wordDropout: 0.5 })).toThrow(/rng is required/);
    expect(() => padSequences([[1]], { wordDropout: 2, rng: new Rng(0) })).toThrow(
      /wordDropout must be in \[0, 1\]/,
    );
    expect(() => padSequences([[1, 2]], { timeSteps: 2 })).toThrow(
      /timeSteps must be an integer >= 3/,
    );
  });
});

describe('sentenceRows', () => {
  it('writes <bos> w_1 .. w_n <eos> rows padded with <pad>: the <bos> column, then the targets', () => {
    const rows = sentenceRows([[7, 8], [9], []]);
    expect(rows.dtype).toBe('int32');
    expect(rows.arraySync()).toEqual([
      [2, 7, 8, 3],
      [2, 9, 3, 0],
      [2, 3, 0, 0],
    ]);
    const p = padSequences([[7, 8], [9], []]);
    rows.arraySync().forEach((row, i) => {
      expect(row[0]).toBe(p.inputs[i * p.timeSteps]);
      expect(row.slice(1)).toEqual(
        Array.from(p.targets.subarray(i * p.timeSteps, (i + 1) * p.timeSteps)),
      );
    });
    rows.dispose();
  });
});
