import { defineConfig } from 'tsup';
// Shared with scripts/bundle.mjs (dist/bundle.js, Lit inside).
import { minifyCssTemplates } from './scripts/minify-css-templates.mjs';

export default defineConfig({
  entry: ['src/index.ts', 'src/define.ts'],
  format: ['esm'],
  target: 'es2022',
  platform: 'browser',
  dts: { compilerOptions: { ignoreDeprecations: '6.0', customConditions: [] } },
  sourcemap: true,
  clean: true,
  treeshake: false, // rollup's extra pass appended a second sourceMappingURL to every file; esbuild's bundling already drops unused code
  external: ['lit', /^lit\//, '@tencent-captcha/protocol'],
  esbuildPlugins: [minifyCssTemplates],
});
