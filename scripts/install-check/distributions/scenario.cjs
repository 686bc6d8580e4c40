/** @vaekit/distributions alone: sample a vMF and compute its KL to the uniform prior. */
exports.run = async ([
  tf,
  _cpu,
  { HypersphericalUniform, VonMisesFisher, klDivergence, vmfKLToUniform },
]) => {
  await tf.setBackend('cpu');
  const q = new VonMisesFisher({ meanDirection: tf.tensor([[0, 0, 1]]), concentration: 10 });
  const z = q.sample(5, { seed: 1 });
  const kl = klDivergence(q, new HypersphericalUniform({ dim: 3 })).dataSync()[0];
  if (z.shape.join() !== '5,1,3' || Math.abs(kl - vmfKLToUniform(3, 10)) > 1e-4)
    throw new Error(`vMF ${z.shape} ${kl}`);
  return `KL ${kl.toFixed(4)}`;
};
