/**
 * A named collection of specifications: the single source of truth behind a choice that
 * users make by name (a latent family, an objective, a data source). The CLI's flags and help,
 * the configuration validator and the web app's menus all read the same registry, so adding an
 * entry is one `register` call.
 *
 * @example
 * ```ts
 * const colours = new Registry<{ name: string; hex: string }>('colour');
 * colours.register({ name: 'red', hex: '#f00' });
 * colours.get('red').hex; // '#f00'
 * colours.get('blue');    // Error: unknown colour 'blue'; valid choices: red
 * ```
 */
export class Registry<T extends { readonly name: string }> {
  private readonly entries = new Map<string, T>();

  /** @param what the kind of entry, as error messages name it (e.g. `'latent family'`). */
  constructor(readonly what: string) {}

  /**
   * Add an entry. A name can be registered once: replacing a built-in entry by accident would
   * change what existing run directories mean.
   *
   * @throws Error when the name is taken or not a non-empty kebab-case string.
   */
  register(entry: T): T {
    if (typeof entry.name !== 'string' || !/^[a-z0-9]+(?:[-.][a-z0-9]+)*$/.test(entry.name)) {
      throw new Error(
        `${this.what} name must be lower-case kebab-case (e.g. 'my-${this.what.split(' ').at(-1)}'), got ${JSON.stringify(entry.name)}`,
      );
    }
    if (this.entries.has(entry.name)) {
      throw new Error(`${this.what} '${entry.name}' is already registered`);
    }
    this.entries.set(entry.name, entry);
    return entry;
  }

  /** Whether `name` is registered. */
  has(name: unknown): boolean {
    return typeof name === 'string' && this.entries.has(name);
  }

  /**
   * The entry called `name`.
   *
   * @throws Error naming the unknown value and every valid choice.
   */
  get(name: unknown): T {
    const entry = typeof name === 'string' ? this.entries.get(name) : undefined;
    if (entry === undefined) {
      throw new Error(
        `unknown ${this.what} ${JSON.stringify(name)}; valid choices: ${this.names().join(', ')}`,
      );
    }
    return entry;
  }

  /** Every registered name, in registration order. */
  names(): string[] {
    return [...this.entries.keys()];
  }

  /** Every entry, in registration order. */
  list(): T[] {
    return [...this.entries.values()];
  }
}
