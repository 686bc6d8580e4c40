const tf = require('@tensorflow/tfjs-core');
const { selectBackend } = require('@vaekit/backend');

selectBackend('cpu').then(({ choice }) => {
  const y = tf.matMul(tf.ones([2, 3]), tf.ones([2, 3]), true, false);
  if (choice !== 'cpu' || y.dataSync()[0] !== 2) throw new Error(`unexpected ${choice}`);
  const g = tf.grad((x) => tf.sum(tf.square(x)))(tf.tensor([1, 2]));
  if (g.dataSync().join() !== '2,4') throw new Error(`gradient ${g.dataSync()}`);
  console.log('OK', choice);
});
