/**
 * The model interface the objectives and metrics work on. It lives in `@vaekit/distributions`
 * (so `@vaekit/layers` implements the very same type) and is re-exported here.
 */
export type { LatentVariableModel, Likelihood, ModelCallOptions } from '@vaekit/distributions';
