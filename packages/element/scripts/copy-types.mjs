#!/usr/bin/env node
// The JSX and Vue type entries are hand-written declaration files (module augmentations of `react`
// and `vue`, which are not dependencies of this package): ship them next to the generated ones.
// Also src/i18n/load-locale.js, as written (see scripts/locale-loader.mjs).
import { copyFile } from 'node:fs/promises';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
await Promise.all([
  ...['jsx.d.ts', 'vue.d.ts'].map((file) => copyFile(resolve(root, 'src', file), resolve(root, 'dist', file))),
  copyFile(resolve(root, 'src/i18n/load-locale.js'), resolve(root, 'dist/load-locale.js')),
]);
