// Shared @web/test-runner settings: Debian's Chromium, headless, as root; JUnit report for .ci/run.
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { chromeLauncher } from '@web/test-runner-chrome';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { defaultReporter, summaryReporter } from '@web/test-runner';
import { junitReporter } from '@web/test-runner-junit-reporter';

export const chromiumArgs = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** A free TCP port on 127.0.0.1 (WTR's fixed default, 8000, clashes when two suites run at once). */
function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolvePort(port));
    });
  });
}

/** @param {string} packageDir @param {import('@web/test-runner').TestRunnerConfig} overrides */
export async function definePackageBrowserConfig(packageDir, overrides = {}) {
  return {
    hostname: '127.0.0.1',
    port: await freePort(),
    files: ['src/**/*.browser.test.ts'],
    nodeResolve: { exportConditions: ['source', 'browser', 'import', 'default'] },
    concurrency: 1,
    testFramework: { config: { timeout: 10000 } },
    browsers: [
      chromeLauncher({
        launchOptions: {
          executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
          headless: true,
          args: chromiumArgs,
        },
      }),
    ],
    reporters: [
      defaultReporter(),
      summaryReporter(),
      junitReporter({ outputPath: resolve(packageDir, '.reports/wtr.xml') }),
    ],
    ...overrides,
    plugins: [esbuildPlugin({ ts: true, target: 'es2022', tsconfig: resolve(packageDir, 'tsconfig.json') }), ...(overrides.plugins ?? [])],
  };
}
