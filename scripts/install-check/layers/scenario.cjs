/** @vaekit/layers in a plain tf.sequential model: the BN-VAE scaler keeps the KL floor. */
exports.run = async ([tf, tfl, _cpu, _distributions, { fixedGammaBatchNorm }]) => {
  await tf.setBackend('cpu');
  const model = tfl.sequential({
    layers: [tfl.layers.dense({ units: 4, inputShape: [6] }), fixedGammaBatchNorm({ gamma: 0.5 })],
  });
  const x = tf.randomNormal([64, 6], 0, 1, 'float32', 1);
  const mu = model.apply(x, { training: true });
  const [mean, variance] = tf.moments(mu, 0).mean
    ? [tf.moments(mu, 0).mean, tf.moments(mu, 0).variance]
    : [];
  const v = variance.dataSync();
  if (
    !v.every((s) => Math.abs(s - 0.25) < 1e-3) ||
    !mean.dataSync().every((m) => Math.abs(m) < 1e-4)
  )
    throw new Error(`BN stats ${mean.dataSync()} ${v}`);
  return `batch variance ${v[0].toFixed(4)}`;
};
