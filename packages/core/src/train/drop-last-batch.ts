import { LATENT_FAMILIES } from '../registry/latent-families';

/**
 * Whether an epoch must leave out its last batch: when the latent family normalises with batch
 * statistics (BN-VAE, Zhu et al. 2020; Su's scaler) and that batch would hold a single example,
 * whose batch variance is undefined. The example is not lost: the next epoch's shuffle puts it
 * in a full batch. Every other epoch shape is kept as it is.
 *
 * @param latent the run's latent family (a name in `LATENT_FAMILIES`).
 * @param size training examples; `batchSize` examples per step.
 * @example
 * ```ts
 * dropLastBatch('bn', 55_000, 27);       // true: 55,000 = 27 x 2037 + 1
 * dropLastBatch('gaussian', 55_000, 27); // false
 * ```
 */
export function dropLastBatch(latent: string, size: number, batchSize: number): boolean {
  return LATENT_FAMILIES.get(latent).batchStatistics && size > 1 && size % batchSize === 1;
}
