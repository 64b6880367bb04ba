// Server-rendered pages for hydrate.browser.test.ts, made in Node by @lit-labs/ssr as a server would:
// /__ssr.html?mode=bundle loads dist/bundle.js (built here from src with its real options) over the
// declarative shadow DOM; ?mode=hydrate loads `define` after Lit's lit-element-hydrate-support.
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { bundleOptions } from '../scripts/bundle-options.mjs';

const root = resolve(import.meta.dirname, '..');
const LIT = ['lit', 'lit/*', '@lit/*', 'lit-html', 'lit-html/*', 'lit-element', 'lit-element/*', '@tencent-captcha/protocol'];

/** Renders `<tencent-captcha>` on the server; returns `(attrs) => html` and the bundle's code. */
export async function createSsrPages() {
  // The element for Node: src bundled, Lit left to Node (its server build, with the DOM shim).
  const cache = resolve(root, 'node_modules/.cache/tencent-captcha-ssr');
  await mkdir(cache, { recursive: true });
  const serverEntry = resolve(cache, 'define.mjs');
  await build({ entryPoints: [resolve(root, 'src/define.ts')], outfile: serverEntry, bundle: true, format: 'esm', platform: 'node', target: 'es2022', external: LIT, logLevel: 'warning' });
  const { render } = await import('@lit-labs/ssr');
  const { collectResultSync } = await import('@lit-labs/ssr/lib/render-result.js');
  const { html } = await import('lit');
  await import(pathToFileURL(serverEntry).href);
  const bundle = (await build({ ...bundleOptions, write: false })).outputFiles[0].text;

  /** @param {{ mode: string, appId: string, src: string }} page */
  const page = ({ mode, appId, src }) => {
    const element = collectResultSync(render(html`<tencent-captcha app-id=${appId} src=${src} load-timeout="3000"></tencent-captcha>`));
    const script =
      mode === 'bundle'
        ? '<script type="module" src="/__ssr-bundle.js"></script>'
        : `<script type="module">import '@lit-labs/ssr-client/lit-element-hydrate-support.js'; import '/src/define.ts';</script>`;
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>SSR</title></head><body><main><form>${element}</form></main>${script}</body></html>`;
  };
  return { page, bundle };
}
