/**
 * The element's languages as a page without a bundler gets them: the element is packed (`pnpm pack`),
 * `package/dist/bundle.js` is served with `package/dist/locales/` beside it, and a plain page under a
 * strict nonce-based Content-Security-Policy (no 'strict-dynamic', no host allowlist) holds one element
 * per `userLanguage` value of Tencent's. Each must render its own trigger text, fetched on demand from
 * the packed locale modules relative to the bundle's URL; right to left where the language is; and at a
 * 320 px wide viewport every trigger must fit without clipping. Screenshots of the Arabic element in the
 * light and dark themes go to test-output/ (copied into packages/element/docs/ for the README).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createEmulator, type Emulator } from '@tencent-captcha/emulator';
import { OUTPUT_DIR, collectPageErrors, launchChromium, screenshot } from './support/browser.ts';
import { serveLoginApp, type LoginServer } from './support/login-server.ts';

const require = createRequire(import.meta.url);
const WAIT = { timeout: 10_000 };
const NONCE = 'bG9jYWxlcy1lMmU';
const RTL = ['ar', 'he', 'ur'];
/** Tencent's 32 `userLanguage` values (protocol.md §1.5). */
const USER_LANGUAGES = ['zh-cn', 'zh-hk', 'zh-tw', 'en', 'ar', 'cs-cz', 'de', 'en-in', 'es', 'es-la', 'fil', 'fr', 'he', 'hi', 'id', 'it', 'ja', 'ko', 'lo', 'ms', 'my', 'nl', 'pl', 'pt', 'pt-pt', 'ro-ro', 'ru', 'th', 'tr', 'uk-ua', 'ur', 'vi'];
/** The built-in English (`en`, `en-in`): what a language shows until (or unless) its module arrives. */
const ENGLISH = 'Verify you are human';

let browser: Browser;
let emulator: Emulator;
let site: LoginServer;
let scratch: string;
/** The packed locale modules' trigger texts, by tag (English for en and en-in). */
const triggers = new Map<string, string>();

const page = (sdk: string, appId: string) => `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>languages</title><link rel="icon" href="data:,">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${NONCE}'; style-src 'nonce-${NONCE}'; object-src 'none'; base-uri 'none'">
<script nonce="${NONCE}">
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.effectiveDirective + ' ' + e.blockedURI));
</script>
<script type="module" nonce="${NONCE}" src="/package/dist/bundle.js"></script>
<style nonce="${NONCE}">body { margin: 8px; font: 16px sans-serif; } p { margin: 0 0 8px; }</style>
</head>
<body>
${USER_LANGUAGES.map((tag) => `<p><tencent-captcha lang="${tag}" app-id="${appId}" src="${sdk}"></tencent-captcha></p>`).join('\n')}
</body>
</html>`;

/** Languages whose script DejaVu lacks: without a font for each, the layout check would measure fallback boxes. */
const SCRIPTS = ['zh-cn', 'zh-tw', 'ja', 'ko', 'ar', 'he', 'ur', 'hi', 'th', 'lo', 'my'];

beforeAll(async () => {
  const missing = SCRIPTS.filter((lang) => !execFileSync('fc-list', [`:lang=${lang}`, 'family'], { encoding: 'utf8' }).trim());
  if (missing.length > 0) throw new Error(`no font for ${missing.join(', ')}: install fonts-noto-core and fonts-wqy-microhei (.ci/run does)`);
  scratch = mkdtempSync(join(tmpdir(), 'tc-locales-'));
  const element = dirname(require.resolve('@tencent-captcha/element/package.json', { paths: [dirname(require.resolve('@tencent-captcha/example-vue/package.json'))] }));
  execFileSync('pnpm', ['pack', '--pack-destination', scratch], { cwd: element, stdio: 'ignore' });
  const tarball = readdirSync(scratch).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error('pnpm pack wrote no tarball');
  execFileSync('tar', ['-xzf', join(scratch, tarball), '-C', scratch]);
  for (const tag of USER_LANGUAGES) {
    if (tag.startsWith('en')) triggers.set(tag, ENGLISH);
    else triggers.set(tag, ((await import(pathToFileURL(join(scratch, `package/dist/locales/${tag}.js`)).href)) as { default: { trigger: string } }).default.trigger);
  }
  [browser, emulator] = await Promise.all([launchChromium(), createEmulator({ port: 0 })]);
  site = await serveLoginApp(scratch, emulator, { '/': page(emulator.sdkUrl, emulator.appId), '/rtl': rtlPage(emulator.sdkUrl, emulator.appId) });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await emulator?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** An Arabic page (`dir="rtl"`) in one theme: an element loading (spinner) and one idle with keyboard focus. */
const rtlPage = (sdk: string, appId: string) => `<!doctype html>
<html lang="ar" dir="rtl">
<head><meta charset="utf-8"><title>rtl</title><link rel="icon" href="data:,">
<script type="module" src="/package/dist/bundle.js"></script>
<style>
  body { margin: 0; font: 16px sans-serif; }
  main { display: grid; gap: 12px; justify-items: start; padding: 16px; width: 320px; }
  main.dark { background: #121212; color: #ececec; }
</style>
</head>
<body>
<main id="panel">
  <tencent-captcha id="busy" app-id="${appId}" src="${sdk}" load-timeout="60000"></tencent-captcha>
  <tencent-captcha id="idle" app-id="${appId}" src="${sdk}"></tencent-captcha>
</main>
<script>
  const dark = new URLSearchParams(location.search).has('dark');
  document.getElementById('panel').classList.toggle('dark', dark);
  for (const el of document.querySelectorAll('tencent-captcha')) el.toggleAttribute('dark-mode', dark), dark && el.setAttribute('dark-mode', 'force');
</script>
</body>
</html>`;

/** Opens the page at `width` px and waits until every element shows its language's trigger. */
async function open(width: number): Promise<{ tab: Page; errors: string[]; close(): Promise<void> }> {
  const context = await browser.newContext({ viewport: { width, height: 800 }, reducedMotion: 'reduce' });
  const tab = await context.newPage();
  const errors = collectPageErrors(tab);
  await tab.goto(site.url, { waitUntil: 'load', timeout: 15_000 });
  await tab.waitForFunction(
    (expected) => expected.every(([tag, text]) => document.querySelector(`tencent-captcha[lang="${tag}"]`)?.shadowRoot?.querySelector('[part="label"]')?.textContent === text),
    [...triggers],
    WAIT,
  );
  return { tab, errors, close: () => context.close() };
}

it('the packed bundle renders each of the 32 languages in its own words, loading its module under a strict CSP', async () => {
  const { tab, errors, close } = await open(1024);
  try {
    const scripts: string[] = [];
    tab.on('request', (request) => scripts.push(new URL(request.url()).pathname));
    const texts = await tab.$$eval('tencent-captcha', (els) => els.map((el) => [el.getAttribute('lang')!, el.shadowRoot!.querySelector('[part="label"]')!.textContent!] as const));
    expect(new Map(texts)).toEqual(triggers);
    // Not English where a module exists, and Traditional Chinese is not the Simplified.
    for (const tag of USER_LANGUAGES.filter((t) => !t.startsWith('en'))) expect(triggers.get(tag), tag).not.toBe(ENGLISH);
    expect(triggers.get('zh-tw')).not.toBe(triggers.get('zh-cn'));
    expect(triggers.get('zh-hk')).not.toBe(triggers.get('zh-cn'));
    expect(await tab.evaluate(() => (window as unknown as { __violations: string[] }).__violations)).toEqual([]);
    expect(errors).toEqual([]);
    await tab.reload({ waitUntil: 'load' });
    // Each module came from dist/locales/ next to the bundle (the reload fetches them again).
    await tab.waitForFunction(() => document.querySelector('tencent-captcha[lang="ar"]')?.shadowRoot?.querySelector('[part="label"]')?.textContent !== 'Verify you are human', null, WAIT);
    expect(scripts.filter((p) => p.startsWith('/package/dist/locales/')).sort()).toEqual(
      USER_LANGUAGES.filter((t) => !t.startsWith('en')).map((t) => `/package/dist/locales/${t}.js`).sort(),
    );
  } finally {
    await close();
  }
});

it('lays the trigger out right to left in ar, he and ur only', async () => {
  const { tab, close } = await open(1024);
  try {
    const directions = await tab.$$eval('tencent-captcha', (els) =>
      els.map((el) => [el.getAttribute('lang')!, getComputedStyle(el.shadowRoot!.querySelector('[part="button"]')!).direction] as const),
    );
    expect(Object.fromEntries(directions)).toEqual(Object.fromEntries(USER_LANGUAGES.map((tag) => [tag, RTL.includes(tag) ? 'rtl' : 'ltr'])));
    await screenshot(tab, 'locales-all-1024');
  } finally {
    await close();
  }
});

it('every trigger fits a 320 px wide screen without clipping', async () => {
  const { tab, close } = await open(320);
  try {
    const boxes = await tab.$$eval('tencent-captcha', (els) =>
      els.map((el) => {
        const button = el.shadowRoot!.querySelector<HTMLElement>('[part="button"]')!;
        const label = el.shadowRoot!.querySelector<HTMLElement>('[part="label"]')!;
        const box = button.getBoundingClientRect();
        return {
          lang: el.getAttribute('lang'),
          left: box.left,
          right: box.right,
          overflowX: button.scrollWidth - button.clientWidth,
          overflowY: button.scrollHeight - button.clientHeight,
          labelOverflowX: label.scrollWidth - label.clientWidth,
          labelOverflowY: label.scrollHeight - label.clientHeight,
        };
      }),
    );
    expect(boxes).toHaveLength(32);
    for (const b of boxes) {
      expect(b.left, `${b.lang} left edge`).toBeGreaterThanOrEqual(0);
      expect(b.right, `${b.lang} right edge`).toBeLessThanOrEqual(320);
      expect([b.overflowX, b.overflowY, b.labelOverflowX, b.labelOverflowY], `${b.lang} overflow`).toEqual([0, 0, 0, 0]);
    }
    expect(await tab.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    await screenshot(tab, 'locales-all-320');
  } finally {
    await close();
  }
});

it('screenshots: the Arabic element right to left, light and dark (spinner, text, focus ring)', async () => {
  // Tencent's script never arrives, so the first element stays loading with its spinner.
  emulator.faults.set('sdk', { kind: 'script-hang' });
  try {
    for (const theme of ['light', 'dark']) {
      const context = await browser.newContext({ viewport: { width: 400, height: 300 }, deviceScaleFactor: 2 });
      try {
        const tab = await context.newPage();
        await tab.goto(`${site.url}/rtl${theme === 'dark' ? '?dark' : ''}`, { waitUntil: 'load', timeout: 15_000 });
        const label = (id: string) => tab.evaluate((i) => document.getElementById(i)?.shadowRoot?.querySelector('[part="label"]')?.textContent, id);
        await tab.waitForFunction((text) => document.getElementById('idle')?.shadowRoot?.querySelector('[part="label"]')?.textContent === text, triggers.get('ar'), WAIT);
        await tab.locator('#busy').getByRole('button').click(WAIT);
        await tab.waitForFunction(() => (document.getElementById('busy') as HTMLElement & { status: string }).status === 'loading', null, WAIT);
        await tab.keyboard.press('Tab');
        expect(await tab.evaluate(() => document.activeElement?.id)).toBe('idle');
        expect(await label('idle')).toBe(triggers.get('ar'));
        expect(await tab.evaluate(() => getComputedStyle(document.getElementById('busy')!.shadowRoot!.querySelector('[part="button"]')!).direction)).toBe('rtl');
        await tab.locator('#panel').screenshot({ path: join(OUTPUT_DIR, `rtl-ar-${theme}.png`), animations: 'disabled' });
      } finally {
        await context.close();
      }
    }
  } finally {
    emulator.faults.clear();
  }
});
