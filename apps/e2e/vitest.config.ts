import { defineConfig } from 'vitest/config';
import { definePackageTestConfig } from '../../vitest.shared.ts';

// Real Chromium, real servers on port 0: one file at a time keeps a 2-core machine responsive, and
// each test's waits are bounded (Playwright timeouts), so a hang fails fast instead of eating CI time.
export default defineConfig(
  definePackageTestConfig(import.meta.dirname, {
    test: {
      include: ['test/**/*.e2e.test.ts'],
      testTimeout: 45_000,
      hookTimeout: 60_000,
      fileParallelism: false,
      retry: 0,
    },
  }),
);
