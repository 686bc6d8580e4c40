import type { Options } from 'tsup';

/**
 * The one build configuration every package shares: ESM and CJS side by side, each with its own
 * declaration file (`.d.ts` for `import`, `.d.cts` for `require`), tfjs left to the user as a peer.
 */
export function packageBuild(overrides: Options = {}): Options {
  return {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    treeshake: true,
    target: 'es2022',
    external: [/^@tensorflow\//, /^@vaekit\//],
    ...overrides,
  };
}
