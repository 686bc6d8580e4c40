import { defineConfig } from 'vitest/config';

/**
 * Shared vitest configuration. Tests run on package sources (the `@vaekit/source` export
 * condition), once per tfjs backend: `wasm` (the embedded default) and `cpu` (the reference).
 * `VAEKIT_TEST_BACKENDS=wasm` narrows the run to one backend.
 */
export function packageTests(
  options: { backends?: string[]; timeoutMs?: number; setupFile?: string } = {},
) {
  const requested = process.env.VAEKIT_TEST_BACKENDS?.split(',').filter(Boolean);
  const backends = requested ?? options.backends ?? ['wasm', 'cpu'];
  return defineConfig({
    resolve: { conditions: ['@vaekit/source'] },
    ssr: { resolve: { conditions: ['@vaekit/source'] } },
    test: {
      testTimeout: options.timeoutMs ?? 60_000,
      hookTimeout: 60_000,
      pool: 'forks',
      poolOptions: { forks: { singleFork: true } },
      projects: backends.map((backend) => ({
        extends: true,
        test: {
          name: backend,
          env: { VAEKIT_TEST_BACKEND: backend },
          setupFiles: [options.setupFile ?? '@vaekit/test-utils/setup'],
        },
      })),
    },
  });
}
