/**
 * Posterior families renamed to the user-facing latent kinds (`@vaekit/layers` 0.1 wrote the old
 * names into saved models): old name -> new name.
 */
export const LEGACY_POSTERIOR_FAMILIES: Readonly<Record<string, string>> = Object.freeze({
  'bn-gaussian': 'bn',
  'bn-su-gaussian': 'bn-su',
});

/**
 * The config of a saved `ImageVAE` or `TextVAE` in the current vocabulary: a posterior head of a
 * renamed family (`'bn-gaussian'`, `'bn-su-gaussian'`) gets its new name (`'bn'`, `'bn-su'`).
 * Returns a copy; anything that is not such a config passes through unchanged (the model's
 * constructor reports what is wrong with it).
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
