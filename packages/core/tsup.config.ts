import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/cli.ts'],
  format: ['esm', 'cjs'],
  target: 'node20',
  platform: 'node',
  dts: { compilerOptions: { ignoreDeprecations: '6.0', customConditions: [] } },
  sourcemap: true,
  clean: true,
  treeshake: true,
  // Keep class names: the tree-shaking pass turns `class CaptchaConfigError` into an anonymous
  // `exports.CaptchaConfigError = class extends Error` in the CJS build, which Node then prints as
  // `Error [CaptchaConfigError]` (package.smoke.test.ts checks it).
  keepNames: true,
});
