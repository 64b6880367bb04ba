import { defineConfig } from 'vitest/config';
import { definePackageTestConfig } from '../../vitest.shared.ts';

// A real `next build` and `next start`: core loads from its `dist` (no `source` condition), as in an app.
const config = definePackageTestConfig(import.meta.dirname, {
  test: { include: ['test/**/*.test.ts'], testTimeout: 90_000, hookTimeout: 300_000, retry: 0 },
});
delete config.resolve;
delete config.ssr;

export default defineConfig(config);
