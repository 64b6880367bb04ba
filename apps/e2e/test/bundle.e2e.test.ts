/**
 * `@tencent-captcha/element/bundle` as a page without a bundler uses it: the element is packed
 * (`pnpm pack`, the files a registry would serve), `package/dist/bundle.js` is served as a static
 * file next to a plain HTML page with no import map, and one `<script type="module">` tag makes the
 * element work: the emulator's challenge is solved, the form posts to a server that verifies the
 * ticket with core, and the verdict comes back.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { createLegacyCaptchaVerifier } from '@tencent-captcha/core';
import { createEmulator, type Emulator } from '@tencent-captcha/emulator';
import { collectPageErrors, launchChromium, solveChallenge } from './support/browser.ts';
import { serveLoginApp, type LoginServer } from './support/login-server.ts';

const require = createRequire(import.meta.url);
const WAIT = { timeout: 10_000 };

let browser: Browser;
let emulator: Emulator;
let site: LoginServer;
let scratch: string;

const page = (sdk: string, appId: string) => `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>bundle</title><link rel="icon" href="data:,">
<script type="module" src="/package/dist/bundle.js"></script>
</head>
<body>
<form id="form" method="post" action="/api/login">
  <input name="username" value="alice" aria-label="User name">
  <tencent-captcha app-id="${appId}" src="${sdk}" required></tencent-captcha>
  <button id="submit">Log in</button>
</form>
</body>
</html>`;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'tc-bundle-'));
  // The element's directory: the examples depend on it (this package does not, to stay a pure consumer of the tarball).
  const element = dirname(require.resolve('@tencent-captcha/element/package.json', { paths: [dirname(require.resolve('@tencent-captcha/example-vue/package.json'))] }));
  execFileSync('pnpm', ['pack', '--pack-destination', scratch], { cwd: element, stdio: 'ignore' });
  const tarball = readdirSync(scratch).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error('pnpm pack wrote no tarball');
  execFileSync('tar', ['-xzf', join(scratch, tarball), '-C', scratch]);
  [browser, emulator] = await Promise.all([launchChromium(), createEmulator({ port: 0 })]);
  const legacy = createLegacyCaptchaVerifier({ endpoint: emulator.legacyApiUrl, captchaAppId: emulator.appId, secretId: emulator.secretId, secretKey: emulator.secretKey });
  let legacySrc: string;
  try {
    legacySrc = await legacy.getScriptUrl({ clientType: 'pc', userIp: '127.0.0.1' });
  } finally {
    await legacy.close();
  }
  site = await serveLoginApp(scratch, emulator, {
    '/': page(emulator.sdkUrl, emulator.appId),
    '/legacy': page(legacySrc, emulator.appId).replace('<tencent-captcha ', '<tencent-captcha driver="legacy" '),
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await emulator?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

it('the packed bundle.js alone (no import map, no bundler) renders the element; solve, submit, the server verifies', async () => {
  const context = await browser.newContext();
  const tab = await context.newPage();
  const errors = collectPageErrors(tab);
  try {
    const scripts: string[] = [];
    tab.on('request', (request) => {
      if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname);
    });
    await tab.goto(site.url, { waitUntil: 'load', timeout: 15_000 });
    expect(await tab.evaluate(() => document.querySelector('script[type="importmap"]'))).toBeNull();
    const trigger = tab.locator('tencent-captcha').getByRole('button', { name: 'Verify you are human' });
    await trigger.waitFor({ state: 'visible', ...WAIT });
    // One module file from the package (plus Tencent's SDK, here the emulator's, once shown).
    expect(scripts).toEqual(['/package/dist/bundle.js']);

    // `required` blocks the form until verified.
    await tab.locator('#submit').click(WAIT);
    expect(site.answers).toHaveLength(0);

    await trigger.click(WAIT);
    await solveChallenge(tab);
    await tab.waitForFunction(() => (document.querySelector('tencent-captcha') as HTMLElement & { value: string }).value !== '', null, WAIT);
    const ticket = await tab.evaluate(() => (document.querySelector('tencent-captcha') as HTMLElement & { value: string }).value);

    await Promise.all([tab.waitForURL('**/api/login', WAIT), tab.locator('#submit').click(WAIT)]);
    const answer = JSON.parse((await tab.locator('body').textContent()) ?? '{}') as unknown;
    expect(answer).toMatchObject({ status: 'verified', accepted: true, fields: { username: 'alice', 'tencent-captcha-ticket': ticket } });
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

it('the legacy 天御 driver comes from the package beside bundle.js (dist/drivers/legacy.js), only for a legacy element', async () => {
  const context = await browser.newContext();
  const tab = await context.newPage();
  const errors = collectPageErrors(tab);
  try {
    const scripts: string[] = [];
    tab.on('request', (request) => {
      if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname);
    });
    await tab.goto(new URL('/legacy', site.url).href, { waitUntil: 'load', timeout: 15_000 });
    // On PC the legacy SDK draws its own trigger after the page's load: the driver module loads first.
    await tab.waitForFunction(() => (document.querySelector('tencent-captcha') as HTMLElement & { status: string }).status === 'verifying', null, WAIT);
    const ours = scripts.filter((path) => path.startsWith('/package/'));
    expect(ours).toEqual(['/package/dist/bundle.js', '/package/dist/drivers/legacy.js']);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});
