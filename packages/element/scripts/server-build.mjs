#!/usr/bin/env node
// dist/server/{index,define}.js: the package for servers and Workers, with Lit's server build inside.
// Node (also under `--conditions=browser`) and Worker bundlers (`worker`, `workerd`) resolve these
// through the exports map: they would otherwise get Lit's browser build, which extends `HTMLElement`
// and walks `document` as it loads, and throws there. Lit's server build renders under @lit-labs/ssr
// and shares the server's `customElements` registry (its DOM shim installs one only when missing).
import { resolve } from 'node:path';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '..');
await build({
  entryPoints: [resolve(root, 'src/index.ts'), resolve(root, 'src/define.ts')],
  outdir: resolve(root, 'dist/server'),
  bundle: true,
  splitting: true,
  format: 'esm',
  target: 'es2022',
  platform: 'neutral',
  mainFields: ['module', 'main'],
  conditions: ['node', 'import', 'default'],
  external: ['@tencent-captcha/protocol'],
  legalComments: 'none',
  logLevel: 'warning',
});
