/** @vaekit/backend alone: pick the backend, check the matmul fix and tfjs-core gradients. */
exports.run = async ([tf, { selectBackend }], system) => {
  const { choice } = await selectBackend(system === 'esm' ? 'auto' : 'cpu');
  const y = tf.matMul(tf.ones([2, 3]), tf.ones([2, 3]), true, false);
  if (y.shape.join() !== '3,3' || y.dataSync()[0] !== 2) throw new Error(`matmul ${y.shape}`);
  const g = tf.grad((x) => tf.sum(tf.square(x)))(tf.tensor([1, 2]));
  if (g.dataSync().join() !== '2,4') throw new Error(`gradient ${g.dataSync()}`);
  return choice;
};
