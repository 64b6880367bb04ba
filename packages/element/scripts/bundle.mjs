#!/usr/bin/env node
// dist/bundle.js (`@tencent-captcha/element/bundle`): the element with Lit and what it uses of
// @tencent-captcha/protocol inside, one minified ES module that registers <tencent-captcha> like
// `define` does. For pages without a bundler: <script type="module" src="…/bundle.js"></script>.
// English is inside; other languages load from dist/locales/<tag>.js next to it, found through the
// bundle's own URL (scripts/locale-loader.mjs). The options are shared with the browser tests' SSR
// pages (scripts/bundle-options.mjs).
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { bundleOptions } from './bundle-options.mjs';
import { packageRelativeSources } from './package-relative-sources.mjs';

const root = resolve(import.meta.dirname, '..');
await build({ ...bundleOptions, outfile: resolve(root, 'dist/bundle.js'), sourcemap: true });
// The map names Lit and protocol by their paths in this monorepo: make them package-relative.
packageRelativeSources(resolve(root, 'dist/bundle.js.map'), root);
