import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@vaekit/backend';

const { choice } = await selectBackend('auto');
const y = tf.matMul(tf.ones([2, 3]), tf.ones([2, 3]), true, false);
if (choice !== 'wasm' || y.shape.join() !== '3,3' || y.dataSync()[0] !== 2) throw new Error(`unexpected ${choice} ${y.shape}`);
// Gradients work with tfjs-core alone: d/dx sum(x^2) = 2x.
const g = tf.grad((x) => tf.sum(tf.square(x)))(tf.tensor([1, 2]));
if (g.dataSync().join() !== '2,4') throw new Error(`gradient ${g.dataSync()}`);
console.log('OK', choice);
