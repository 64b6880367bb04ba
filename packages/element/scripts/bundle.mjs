#!/usr/bin/env node
// dist/bundle.js (`@tencent-captcha/element/bundle`): the element with Lit and what it uses of
// @tencent-captcha/protocol inside, one minified ES module that registers <tencent-captcha> like
// `define` does. For pages without a bundler: <script type="module" src="…/bundle.js"></script>.
// English is inside; other languages load from dist/locales/<tag>.js next to it, found through the
// bundle's own URL (scripts/locale-loader.mjs). So do the modules only some pages need (ON_DEMAND:
// the legacy driver, `preload="visible"`), built here as self-contained modules in dist/ that
// dist/bundle.js and dist/define.js (through a bundler) both import. The options are shared with the browser tests' SSR
// pages (scripts/bundle-options.mjs).
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { bundleOptions } from './bundle-options.mjs';
import { ON_DEMAND } from './locale-loader.mjs';
import { packageRelativeSources } from './package-relative-sources.mjs';

const root = resolve(import.meta.dirname, '..');
await build({ ...bundleOptions, outfile: resolve(root, 'dist/bundle.js'), sourcemap: true });
// The map names Lit and protocol by their paths in this monorepo: make them package-relative.
packageRelativeSources(resolve(root, 'dist/bundle.js.map'), root);

// The on-demand modules: one minified ES module each, with what they take of
// @tencent-captcha/protocol inside (a page without a bundler resolves no bare specifier).
await build({
  ...bundleOptions,
  entryPoints: Object.fromEntries(Object.entries(ON_DEMAND).map(([name, file]) => [name, resolve(root, file)])),
  outdir: resolve(root, 'dist'),
  banner: undefined,
  sourcemap: true,
});
for (const name of Object.keys(ON_DEMAND)) packageRelativeSources(resolve(root, `dist/${name}.js.map`), root);
