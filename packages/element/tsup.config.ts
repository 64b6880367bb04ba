import { readdirSync } from 'node:fs';
import { defineConfig } from 'tsup';
// Shared with scripts/bundle.mjs (dist/bundle.js, Lit inside).
import { minifyCssTemplates } from './scripts/minify-css-templates.mjs';
import { externalLocaleLoader, externalOnDemand } from './scripts/locale-loader.mjs';

// One module per language: dist/locales/<tag>.js, imported on demand (src/i18n/load-locale.js).
const locales = Object.fromEntries(
  readdirSync('src/i18n/locales')
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
    .map((file) => [`locales/${file.slice(0, -3)}`, `src/i18n/locales/${file}`]),
);

export default defineConfig({
  // The on-demand modules (dist/drivers/legacy.js, dist/preload-visible.js) are scripts/bundle.mjs's.
  entry: { index: 'src/index.ts', define: 'src/define.ts', ...locales },
  format: ['esm'],
  target: 'es2022',
  platform: 'browser',
  dts: { compilerOptions: { ignoreDeprecations: '6.0', customConditions: [] } },
  sourcemap: true,
  clean: true,
  treeshake: false, // rollup's extra pass appended a second sourceMappingURL to every file; esbuild's bundling already drops unused code
  external: ['lit', /^lit\//, '@tencent-captcha/protocol'],
  // Strings as UTF-8, not \u escapes (a CJK character is 3 bytes instead of 6).
  esbuildOptions(options) {
    options.charset = 'utf8';
  },
  esbuildPlugins: [minifyCssTemplates, externalLocaleLoader, externalOnDemand],
});
