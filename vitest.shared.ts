/**
 * Shared Vitest settings for every workspace package.
 *
 * - Workspace packages resolve through the `source` export condition, so tests run against
 *   `src/` and never race a concurrent build of `dist/`.
 * - Every run writes a JUnit report to `<package>/.reports/vitest.xml`; `.ci/run` adds them up.
 */
import { resolve } from 'node:path';
import type { ViteUserConfig } from 'vitest/config';

export function definePackageTestConfig(packageDir: string, overrides: ViteUserConfig = {}): ViteUserConfig {
  return {
    ...overrides,
    resolve: { conditions: ['source'], ...overrides.resolve },
    ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      exclude: ['**/*.browser.test.ts', '**/node_modules/**', '**/dist/**'],
      reporters: ['default', 'junit'],
      outputFile: { junit: resolve(packageDir, '.reports/vitest.xml') },
      testTimeout: 15_000,
      ...overrides.test,
    },
  };
}
