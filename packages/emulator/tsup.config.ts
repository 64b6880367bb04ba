import { build } from 'esbuild';
import { defineConfig } from 'tsup';

/** Browser scripts served by the emulator: IIFE bundles with protocol's ticket code inlined. */
const BROWSER_ENTRIES = {
  tcaptcha: 'src/browser/tcaptcha.ts',
  'legacy-capinit': 'src/browser/legacy-capinit.ts',
};

export default defineConfig({
  entry: ['src/index.ts', 'src/cli.ts'],
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  dts: { entry: ['src/index.ts'], compilerOptions: { ignoreDeprecations: '6.0', customConditions: [] } },
  sourcemap: true,
  clean: true,
  // Runs after the Node build (and its clean), so the browser bundles are never wiped.
  async onSuccess() {
    await build({
      entryPoints: BROWSER_ENTRIES,
      outdir: 'dist/browser',
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: ['es2019', 'chrome80', 'firefox78', 'safari13'],
      // Bundle protocol from source: no dependency on its build, one ticket format.
      conditions: ['source'],
      keepNames: true,
      legalComments: 'none',
      logLevel: 'warning',
      banner: { js: '/* Tencent Captcha emulator (@tencent-captcha/emulator): a stand-in, not Tencent\'s code. */' },
    });
  },
});
