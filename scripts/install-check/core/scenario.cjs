/** @vaekit/core: a model from a config, two training steps on in-memory images, on cpu. */
exports.run = async ([tf, , { AdamWithClipping }, core]) => {
  await tf.setBackend('cpu');
  const config = core.resolveConfig({ latent: 'bn', latentDim: 2, hidden: [8], seed: 1 });
  const model = core.createModel(config, { kind: 'image', imageShape: [4, 4] });
  const optimizer = new AdamWithClipping(config.lr, config.clipNorm);
  const x = tf.tidy(() =>
    tf.cast(tf.greater(tf.randomUniform([8, 16], 0, 1, 'float32', 3), 0.5), 'float32'),
  );
  let last;
  for (let step = 1; step <= 2; step++) {
    last = await core.trainStep(model, optimizer, x, {
      objective: 'elbo',
      seed: step,
      training: true,
      step,
    });
  }
  const tokens = core.tokenize("`` Hello -- world ''");
  x.dispose();
  model.dispose();
  optimizer.dispose();
  if (!Number.isFinite(last.loss) || tokens.length !== 5)
    throw new Error(JSON.stringify({ last, tokens }));
  return `loss ${last.loss.toFixed(2)}, ${core.LATENT_FAMILIES.names().length} latent families`;
};
