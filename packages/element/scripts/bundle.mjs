#!/usr/bin/env node
// dist/bundle.js (`@tencent-captcha/element/bundle`): the element with Lit and what it uses of
// @tencent-captcha/protocol inside, one minified ES module that registers <tencent-captcha> like
// `define` does. For pages without a bundler: <script type="module" src="…/bundle.js"></script>.
// English is inside; other languages load from dist/locales/<tag>.js next to it, found through the
// bundle's own URL (scripts/locale-loader.mjs).
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { minifyCssTemplates } from './minify-css-templates.mjs';
import { packageRelativeSources } from './package-relative-sources.mjs';
import { bundleLocaleLoader } from './locale-loader.mjs';

const root = resolve(import.meta.dirname, '..');
await build({
  entryPoints: [resolve(root, 'src/define.ts')],
  outfile: resolve(root, 'dist/bundle.js'),
  bundle: true,
  minify: true,
  sourcemap: true,
  format: 'esm',
  target: 'es2022',
  platform: 'browser',
  charset: 'utf8',
  legalComments: 'none',
  // Published dist of the dependencies, as a consumer's bundler would see them (no `source` condition).
  conditions: ['browser', 'import', 'default'],
  plugins: [minifyCssTemplates, bundleLocaleLoader],
  // Importing the bundle on a server (Node, a Worker) must not throw: Lit's browser build extends
  // `HTMLElement` and walks `document` as it loads. Module-scope stand-ins shadow the globals only
  // where they are missing (browsers keep theirs), and `define` registers nothing without a registry.
  banner: { js: 'const{HTMLElement=class{},document={createTreeWalker(){}}}=globalThis;' },
  logLevel: 'warning',
});
// The map names Lit and protocol by their paths in this monorepo: make them package-relative.
packageRelativeSources(resolve(root, 'dist/bundle.js.map'), root);
