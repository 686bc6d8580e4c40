import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { DiagonalNormal } from '../diagonal-normal';
import { deriveSeed } from './seed';

it('seed 0 is a seed like any other (tfjs alone treats it as none)', () => {
  const q = new DiagonalNormal({ loc: tf.zeros([3]), scale: tf.ones([3]) });
  const [a, b] = [q.sample(4, { seed: 0 }), q.sample(4, { seed: 0 })];
  expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
  tf.dispose([a, b, q.loc, q.scale]);
  for (let s = 0; s < 1000; s++) expect(deriveSeed(s, 0)).not.toBe(0);
});
