#!/usr/bin/env node
// Smoke test of the built package from a consumer's point of view (run by `lint:pkg`, after build):
// 1. Node imports dist/index.js without a DOM and without registering anything; dist/define.js
//    registers the tag (in Lit's server-side registry); dist/bundle.js imports without throwing and
//    without leaving a fake DOM behind; so do the entries under `--conditions=browser` and in a
//    Worker bundle (conditions workerd, worker, browser);
// 2. the manifest is there and describes <tencent-captcha>;
// 3. an app using the element from React JSX, Vue templates and the DOM type-checks against dist/.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

assert.equal('document' in globalThis, false);
const element = await import(resolve(root, 'dist/index.js'));
assert.equal(typeof element.TencentCaptchaElement, 'function');
assert.equal('document' in globalThis, false, 'importing touched the DOM');
assert.equal(globalThis.customElements?.get('tencent-captcha'), undefined, 'importing registered the tag');
await import(resolve(root, 'dist/define.js'));
assert.equal(customElements.get('tencent-captcha'), element.TencentCaptchaElement);

// dist/bundle.js (Lit's browser build inside) imported by a server, in a fresh Node without any DOM.
const bundleImport = `const m = await import(${JSON.stringify(resolve(root, 'dist/bundle.js'))}); if (typeof m.TencentCaptchaElement !== 'function' || 'document' in globalThis || 'HTMLElement' in globalThis) process.exit(3);`;
execFileSync(process.execPath, ['--input-type=module', '-e', bundleImport], { stdio: 'inherit' });

// Through the exports map: Node under `--conditions=browser`, and what a Worker bundler makes of
// `define` (conditions workerd, worker, browser), run without any DOM.
const viaExports = "await import('@tencent-captcha/element'); await import('@tencent-captcha/element/define'); await import('@tencent-captcha/element/bundle'); if ('document' in globalThis) process.exit(3);";
execFileSync(process.execPath, ['--conditions=browser', '--input-type=module', '-e', viaExports], { cwd: root, stdio: 'inherit' });
const { build } = await import('esbuild');
const worker = await build({
  stdin: { contents: "import { TencentCaptchaElement } from '@tencent-captcha/element/define'; export default typeof TencentCaptchaElement;", resolveDir: root },
  bundle: true, write: false, format: 'esm', platform: 'neutral', conditions: ['workerd', 'worker', 'browser'], mainFields: ['module', 'main'], logLevel: 'silent',
});
const workerCode = `data:text/javascript;base64,${Buffer.from(worker.outputFiles[0].text).toString('base64')}`;
execFileSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(workerCode)}); if (m.default !== 'function') process.exit(3);`], { stdio: 'inherit' });

const manifest = JSON.parse(await readFile(resolve(root, 'custom-elements.json'), 'utf8'));
const declaration = manifest.modules.flatMap((m) => m.declarations ?? []).find((d) => d.tagName === 'tencent-captcha');
assert.ok(declaration, 'custom-elements.json describes <tencent-captcha>');
assert.deepEqual(declaration.events.map((e) => e.name).sort(), ['change', 'closed', 'expired', 'fallback', 'input', 'verified']);
for (const attr of ['show-timeout', 'ticket-lifetime']) assert.ok(declaration.attributes.some((a) => a.name === attr), `the manifest lists ${attr}`);

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', resolve(root, 'test/consumer')], { stdio: 'inherit' });
console.log('smoke: dist imports cleanly in Node, the manifest describes the element, consumer types check');
