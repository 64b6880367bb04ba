import { defineConfig } from 'vitest/config';
import { definePackageTestConfig } from '../../vitest.shared.ts';

// The READMEs are checked against the built packages (their `dist` typings, as a user gets them), so
// no `source` condition here: turbo builds the packages first (`test` depends on `^build`).
const config = definePackageTestConfig(import.meta.dirname, { test: { include: ['test/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 } });
delete config.resolve;
delete config.ssr;

export default defineConfig(config);
