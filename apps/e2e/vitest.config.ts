import { defineConfig } from 'vitest/config';
import { definePackageTestConfig } from '../../vitest.shared.ts';

// Real Chromium, real servers on port 0: one file at a time keeps a 2-core machine responsive, and
// each test's waits are bounded (Playwright timeouts), so a hang fails fast instead of eating CI time.
const config = definePackageTestConfig(import.meta.dirname, {
  test: {
    include: ['test/**/*.e2e.test.ts'],
    testTimeout: 45_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    retry: 0,
    // The Nest demo runs from its tsc build (Nest needs decorator metadata), loaded by Node itself…
    server: { deps: { external: [/\/apps\/nest-demo\/dist\//] } },
  },
});
// End to end means the built artifacts: no `source` condition here (the shared config adds it for unit
// tests), so the apps and packages load from their `dist`, as a user's would — and Node, loading the Nest
// demo natively, resolves its imports the same way.
delete config.resolve;
delete config.ssr;

export default defineConfig(config);
