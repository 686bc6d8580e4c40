import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Vocabulary, type VocabularyJSON } from '@vaekit/core';
import type { RunDirectory } from './run-directory';

/** The vocabulary of a text run, written when the run starts: the ids its model reads. */
export const VOCABULARY_FILE = 'vocabulary.json';

/**
 * The vocabulary a text run was trained with: `vocabulary.json`, or for runs written before it
 * existed (vaekit 0.1) the one saved beside the model in `model/vaekit.json`. `undefined` when
 * neither exists (an image run, or a 0.1 text run stopped before it finished).
 *
 * @throws Error naming the file when it exists but is not a vaekit vocabulary.
 * @example
 * ```ts
 * const vocabulary = readRunVocabulary(RunDirectory.open('runs/brown-bn-elbo-20261121-120000'));
 * ```
 */
export function readRunVocabulary(run: RunDirectory): Vocabulary | undefined {
  const own = join(run.path, VOCABULARY_FILE);
  const beside = join(run.path, 'model', 'vaekit.json');
  for (const [file, pick] of [
    [own, (json: unknown) => json],
    [beside, (json: unknown) => (json as { vocabulary?: unknown }).vocabulary],
  ] as const) {
    if (!existsSync(file)) continue;
    let json: unknown;
    try {
      json = pick(JSON.parse(readFileSync(file, 'utf8')));
    } catch (error) {
      throw new Error(`${file} is not valid JSON (${(error as Error).message})`);
    }
    if (json === undefined) continue;
    try {
      return Vocabulary.fromJSON(json as VocabularyJSON);
    } catch (error) {
      throw new Error(`${file}: ${(error as Error).message}`);
    }
  }
  return undefined;
}
