/** @vaekit/objectives alone: IWAE on log-weights equals log-mean-exp over the samples. */
exports.run = async ([tf, _cpu, { iwae, elbo }]) => {
  await tf.setBackend('cpu');
  const logWeights = tf.tensor([
    [-1, -2],
    [-3, -4],
    [-5, -6],
  ]); // [K = 3, B = 2]
  const bound = iwae(logWeights).dataSync();
  const expected = Math.log((Math.exp(-1) + Math.exp(-3) + Math.exp(-5)) / 3);
  if (Math.abs(bound[0] - expected) > 1e-5) throw new Error(`iwae ${bound[0]} vs ${expected}`);
  if (!(elbo(logWeights).dataSync()[0] <= bound[0])) throw new Error('ELBO above IWAE');
  return `IWAE ${bound[0].toFixed(4)}`;
};
