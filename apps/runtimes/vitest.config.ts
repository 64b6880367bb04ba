import { defineConfig } from 'vitest/config';
import { definePackageTestConfig } from '../../vitest.shared.ts';

// Real runtimes as child processes, one at a time: the timeout test waits for real timers, and a
// 2-core machine stays responsive. Core loads from its `dist` (no `source` condition), as a user's would.
const config = definePackageTestConfig(import.meta.dirname, {
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    retry: 0,
  },
});
delete config.resolve;
delete config.ssr;

export default defineConfig(config);
