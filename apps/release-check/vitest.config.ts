import { defineConfig } from 'vitest/config';
import { definePackageTestConfig } from '../../vitest.shared.ts';

// The tarballs are packed from the built packages (turbo builds them first: `test` depends on `^build`).
const config = definePackageTestConfig(import.meta.dirname, { test: { include: ['test/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 180_000 } });
delete config.resolve;
delete config.ssr;

export default defineConfig(config);
