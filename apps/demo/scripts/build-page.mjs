// Builds the browser side of the demo into dist/public: the page script (bundled with the element)
// and the static files.
import { cp, mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '..');
const out = resolve(root, 'dist/public');
await mkdir(out, { recursive: true });
await cp(resolve(root, 'public'), out, { recursive: true });
await build({
  entryPoints: [resolve(root, 'src/page/main.ts')],
  outfile: resolve(out, 'app.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
});
