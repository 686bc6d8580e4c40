import { ciwaeObjective } from './bounds/ciwae';
import { elboObjective } from './bounds/elbo';
import { iwaeObjective } from './bounds/iwae';
import { miwaeObjective } from './bounds/miwae';
import { piwaeObjective } from './bounds/piwae';
import { check } from './internal/validate';
import type { ObjectiveOptionName, ObjectiveSpec } from './objective-spec';

/**
 * The built-in objectives, by name, in a fixed order (for menus and validation messages): the
 * ELBO, IWAE, MIWAE, CIWAE and PIWAE. Adding one is its `bounds/` file, its test and one line
 * here.
 *
 * Mathematical details: each entry's TSDoc (`bounds/*.ts`); in short, for `[K, B]` log-weights
 * ```
 * elbo  = (1/K) sum_k log w_k          iwae  = log (1/K) sum_k w_k
 * miwae = mean of M IWAE_{K/M}         ciwae = beta elbo + (1 - beta) iwae
 * piwae = iwae (decoder), miwae (encoder)
 * ```
 * References: Kingma & Welling 2014; Burda et al. 2015; Rainforth et al. 2018, "Tighter
 * Variational Bounds are Not Necessarily Better".
 *
 * @example
 * ```ts
 * for (const spec of Object.values(OBJECTIVES)) console.log(`${spec.name}: ${spec.description}`);
 * OBJECTIVES.piwae.uses; // ['k', 'groups']
 * ```
 */
export const OBJECTIVES = Object.freeze({
  elbo: elboObjective,
  iwae: iwaeObjective,
  miwae: miwaeObjective,
  ciwae: ciwaeObjective,
  piwae: piwaeObjective,
});

/** The built-in objectives {@link modelObjective} can build (the keys of {@link OBJECTIVES}). */
export type ObjectiveKind = keyof typeof OBJECTIVES;

/** The built-in objectives' names, in a fixed order (for CLIs and validation messages). */
export const OBJECTIVE_KINDS: readonly ObjectiveKind[] = Object.freeze(
  Object.keys(OBJECTIVES) as ObjectiveKind[],
);

const OPTION_NAMES: readonly ObjectiveOptionName[] = [
  'k',
  'groups',
  'beta',
  'klWeight',
  'freeBits',
  'kl',
];

/** Objectives added with {@link registerObjective}, after the built-in ones. */
const registered = new Map<string, ObjectiveSpec>();

/**
 * The {@link ObjectiveSpec} of an objective: a built-in one ({@link OBJECTIVES}) or one added
 * with {@link registerObjective}.
 *
 * Mathematical details: see the spec's `bound` (e.g. `IWAE_K = log (1/K) sum_k w_k`).
 * Reference: the spec's `reference` field.
 *
 * @throws Error naming `objective` and every valid choice when no objective has that name.
 * @example
 * ```ts
 * objectiveSpec('miwae').label; // 'MIWAE'
 * objectiveSpec('vae');
 * // Error: objective must be one of elbo, iwae, miwae, ciwae, piwae, got "vae"
 * ```
 */
export function objectiveSpec(name: string): ObjectiveSpec {
  const spec = Object.hasOwn(OBJECTIVES, name)
    ? OBJECTIVES[name as ObjectiveKind]
    : registered.get(name);
  if (spec === undefined) {
    check(false, 'objective', `one of ${objectiveNames().join(', ')}`, name);
  }
  return spec!;
}

/**
 * Add your own objective, usable by name in {@link modelObjective}, {@link objectiveGradients}
 * and everything built on them (the trainer). Returns a function that removes it again.
 *
 * Mathematical details: the losses are built from the spec as for the built-in ones
 * ```
 * decoderLoss = -mean_b decoderBound,   encoderLoss = -mean_b encoderBound (or DReG surrogate)
 * ```
 * Reference: Rainforth et al. 2018, "Tighter Variational Bounds are Not Necessarily Better"
 * (per-network bounds); Tucker et al. 2018 (DReG surrogates).
 *
 * @throws Error naming the spec field that is missing or malformed, or the name when it is
 *   taken (built-in names cannot be replaced).
 * @example
 * ```ts
 * // The midpoint of the ELBO and IWAE_K (CIWAE with beta = 1/2), as a toy.
 * const unregister = registerObjective({
 *   name: 'midpoint',
 *   label: 'Midpoint',
 *   reference: 'Rainforth et al. 2018 (CIWAE with beta = 1/2)',
 *   description: 'mean of the ELBO and IWAE_K',
 *   uses: ['k'],
 *   bound: (logWeights) => tf.mul(tf.add(elbo(logWeights), iwae(logWeights)), 0.5),
 * });
 * modelObjective(model, x, { objective: 'midpoint', k: 8 });
 * unregister();
 * ```
 */
export function registerObjective(spec: ObjectiveSpec): () => void {
  checkSpec(spec);
  check(
    !Object.hasOwn(OBJECTIVES, spec.name) && !registered.has(spec.name),
    'spec.name',
    `a name not yet taken (taken: ${objectiveNames().join(', ')})`,
    spec.name,
  );
  registered.set(spec.name, spec);
  return () => {
    if (registered.get(spec.name) === spec) registered.delete(spec.name);
  };
}

/**
 * Every objective's name: the built-in ones ({@link OBJECTIVE_KINDS}) first, then those added
 * with {@link registerObjective}, in registration order. What a CLI or a form offers.
 *
 * @example
 * ```ts
 * objectiveNames(); // ['elbo', 'iwae', 'miwae', 'ciwae', 'piwae']
 * objectiveNames().map((name) => objectiveSpec(name).label); // ['ELBO', 'IWAE', ...]
 * ```
 */
export function objectiveNames(): string[] {
  return [...OBJECTIVE_KINDS, ...registered.keys()];
}

function checkSpec(spec: ObjectiveSpec): void {
  check(spec !== null && typeof spec === 'object', 'spec', 'an ObjectiveSpec object', spec);
  check(
    typeof spec.name === 'string' && /^[a-z][a-z0-9-]*$/.test(spec.name),
    'spec.name',
    'a lower-case name of letters, digits and dashes, starting with a letter',
    spec.name,
  );
  for (const field of ['label', 'reference', 'description'] as const) {
    check(
      typeof spec[field] === 'string' && spec[field].length > 0,
      `spec.${field}`,
      'a non-empty string',
      spec[field],
    );
  }
  check(
    Array.isArray(spec.uses) && spec.uses.every((u) => OPTION_NAMES.includes(u)),
    'spec.uses',
    `a list of option names among ${OPTION_NAMES.join(', ')}`,
    spec.uses,
  );
  if (spec.defaultK !== undefined) {
    check(
      Number.isInteger(spec.defaultK) && spec.defaultK >= 1,
      'spec.defaultK',
      'a positive integer',
      spec.defaultK,
    );
  }
  check(
    typeof spec.bound === 'function',
    'spec.bound',
    'a function (logWeights, options) => [B] tensor',
    spec.bound,
  );
  for (const field of ['validate', 'decoderBound', 'encoderBound', 'dregSurrogate'] as const) {
    check(
      spec[field] === undefined || typeof spec[field] === 'function',
      `spec.${field}`,
      'a function or undefined',
      spec[field],
    );
  }
}
