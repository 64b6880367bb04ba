import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { bundleOptions } from './bundle-options.mjs';
const stubs = {
  none: null,
  preload: [/\/preload\.js$/, `export const DEFAULT_PRELOAD='intent';export function armPreload(){return()=>{}}`],
  legacyLayout: [/\/legacy-layout\.js$/, `export const isMobileLegacyScript=()=>undefined;export const legacyLayout=()=>({})`],
  i18n: [/\/i18n\/index\.js$/, `export const isRtl=()=>false,observeLang=()=>()=>{},resolveLang=()=>({lang:'en'}),stringsFor=()=>({})`],
  events: [/\/events\.js$/, `export class TencentCaptchaVerifiedEvent extends Event{};export class TencentCaptchaFallbackEvent extends Event{};export class TencentCaptchaClosedEvent extends Event{};export class TencentCaptchaExpiredEvent extends Event{};`],
};
for (const [name, stub] of Object.entries(stubs)) {
  const plugins = [...bundleOptions.plugins];
  if (stub) plugins.unshift({ name: 's', setup(b) { b.onResolve({ filter: stub[0] }, (a) => ({ path: a.path, namespace: 'stub' })); b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({ contents: stub[1], loader: 'js' })); } });
  try {
    const r = await build({ ...bundleOptions, plugins, write: false, outfile: '/tmp/x.js', logLevel: 'silent' });
    const c = r.outputFiles[0].contents;
    console.log(name, c.length, gzipSync(c, { level: 9 }).length);
  } catch (e) { console.log(name, 'fail', e.message.slice(0, 200)); }
}
{
  const fs = await import('node:fs');
  const src = fs.readFileSync('/tmp/preload-novis.ts', 'utf8');
  const plugins = [{ name: 's', setup(b) { b.onLoad({ filter: /src\/preload\.ts$/ }, () => ({ contents: src, loader: 'ts', resolveDir: new URL('../src', import.meta.url).pathname })); } }, ...bundleOptions.plugins];
  const r = await build({ ...bundleOptions, plugins, write: false, outfile: '/tmp/x.js', logLevel: 'silent' });
  const c = r.outputFiles[0].contents; console.log('novisible', c.length, gzipSync(c, { level: 9 }).length);
}
