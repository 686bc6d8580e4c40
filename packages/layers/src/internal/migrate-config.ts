/**
 * Posterior families renamed to the user-facing latent kinds (`@vaekit/layers` 0.1 wrote the old
 * names into saved models): old name -> new name.
 *
 * ```
 * 'bn-gaussian' -> 'bn',   'bn-su-gaussian' -> 'bn-su'
 * ```
 * Reference: Zhu et al. 2020 (BN-VAE, `bn`); Su 2020, kexue.fm 7381 (`bn-su`).
 *
 * @example
 * ```ts
 * LEGACY_POSTERIOR_FAMILIES['bn-gaussian']; // 'bn'
 * ```
 */
export const LEGACY_POSTERIOR_FAMILIES: Readonly<Record<string, string>> = Object.freeze({
  'bn-gaussian': 'bn',
  'bn-su-gaussian': 'bn-su',
});

/**
 * The config of a saved `ImageVAE` or `TextVAE` in the current vocabulary: a posterior head of a
 * renamed family (`'bn-gaussian'`, `'bn-su-gaussian'`) gets its new name (`'bn'`, `'bn-su'`).
 * Returns a copy; anything that is not such a config passes through unchanged (the model's
 * constructor reports what is wrong with it). `ImageVAE.load` and `TextVAE.load` apply it; a
 * config stored elsewhere can go through it before `new ImageVAE(config)`.
 *
 * ```
 * migrateVAEConfig({ ..., head: { family: old, ... } }) = { ..., head: { family: LEGACY_POSTERIOR_FAMILIES[old], ... } }
 * ```
 * Reference: Zhu et al. 2020 (BN-VAE); Su 2020, kexue.fm 7381.
 *
 * @example
 * ```ts
 * migrateVAEConfig({ inputDim: 784, head: { family: 'bn-gaussian', latentDim: 32, gamma: 0.6 } });
 * // { inputDim: 784, head: { family: 'bn', latentDim: 32, gamma: 0.6 } }
 * ```
 */
export function migrateVAEConfig(config: unknown): unknown {
  if (typeof config !== 'object' || config === null) return config;
  const head = (config as { head?: unknown }).head;
  if (typeof head !== 'object' || head === null) return config;
  const family = (head as { family?: unknown }).family;
  const renamed = typeof family === 'string' ? LEGACY_POSTERIOR_FAMILIES[family] : undefined;
  if (renamed === undefined) return config;
  return { ...config, head: { ...head, family: renamed } };
}
