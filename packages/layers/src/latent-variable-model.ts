/**
 * The model interface `ImageVAE` and `TextVAE` implement: defined in `@vaekit/distributions`
 * (shared with `@vaekit/objectives`) and re-exported here.
 */
export type { LatentVariableModel, Likelihood, ModelCallOptions } from '@vaekit/distributions';
