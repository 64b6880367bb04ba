// The esbuild options of dist/bundle.js, shared by scripts/bundle.mjs and the browser tests' SSR pages.
import { resolve } from 'node:path';
import { minifyCssTemplates } from './minify-css-templates.mjs';
import { bundleLocaleLoader, externalOnDemand } from './locale-loader.mjs';

const root = resolve(import.meta.dirname, '..');

/** @type {import('esbuild').BuildOptions} */
export const bundleOptions = {
  entryPoints: [resolve(root, 'src/define.ts')],
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2022',
  platform: 'browser',
  charset: 'utf8',
  legalComments: 'none',
  // Published dist of the dependencies, as a consumer's bundler would see them (no `source` condition).
  conditions: ['browser', 'import', 'default'],
  plugins: [minifyCssTemplates, bundleLocaleLoader, externalOnDemand],
  // Importing the bundle on a server (Node, a Worker) must not throw: Lit's browser build extends
  // `HTMLElement` and walks `document` as it loads. Module-scope stand-ins shadow the globals only
  // where they are missing (browsers keep theirs), and `define` registers nothing without a registry.
  banner: { js: 'const{HTMLElement=class{},document={createTreeWalker(){}}}=globalThis;' },
  // The element's private reactive state: renamed in the bundle only (nothing outside reads it).
  mangleProps: /^_(status|shown|invalid|formDisabled)$/,
  logLevel: 'warning',
};
