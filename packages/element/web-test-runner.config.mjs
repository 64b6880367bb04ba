// Browser tests of <tencent-captcha> in headless Chromium, against a real @tencent-captcha/emulator
// started for the run (its SDK scripts, faults and solve hook). Tests read the emulator's URLs from
// /__emulator.json. /__csp.html serves a page under a strict nonce-based Content-Security-Policy
// header (each request gets a fresh nonce), for csp.browser.test.ts.
import { randomBytes, randomInt } from 'node:crypto';
import { createEmulator } from '@tencent-captcha/emulator';
import { signV2 } from '@tencent-captcha/protocol';
import puppeteer from 'puppeteer-core';
import { chromeLauncher } from '@web/test-runner-chrome';
import { definePackageBrowserConfig } from '../../wtr.shared.mjs';
import { createSsrPages } from './test/ssr-pages.mjs';

/**
 * Debian's Firefox ESR over WebDriver BiDi (Playwright's patched Firefox cannot be downloaded here).
 * It runs the files of FIREFOX_FILES: the promises of issue 21 (show ceiling, retries, page load,
 * preload, validation, SSR upgrade, focus ring) plus the core flows, CSP and the value binding, so
 * that both engines keep them. Not here: options.browser.test.ts (it reads Chromium's serialization
 * of the stylesheet), legacy*.browser.test.ts (legacy driver, reworked separately) and
 * real-sdk.browser.test.ts (passes in Firefox, but its expiry test waits only 2 s for a 0.8 s
 * lifetime, which Firefox's late timers overrun under load). WTR_FIREFOX_FILES (comma-separated) overrides the list while developing.
 */
const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
const FIREFOX_FILES = [
  'src/tencent-captcha.browser.test.ts',
  'src/show-timeout.browser.test.ts',
  'src/show-ceiling.browser.test.ts',
  'src/load-faults.browser.test.ts',
  'src/page-load.browser.test.ts',
  'src/preload.browser.test.ts',
  'src/form.browser.test.ts',
  'src/hydrate.browser.test.ts',
  'src/focus-ring.browser.test.ts',
  'src/load-retry.browser.test.ts',
  'src/csp.browser.test.ts',
  'src/value.browser.test.ts',
  'src/sdk-loader.browser.test.ts',
];
const firefox = chromeLauncher({
  puppeteer,
  launchOptions: { browser: 'firefox', protocol: 'webDriverBiDi', executablePath: FIREFOX_PATH, headless: true },
});

/** @returns {import('@web/test-runner').TestRunnerPlugin} */
function emulatorPlugin() {
  /** @type {import('@tencent-captcha/emulator').Emulator | undefined} */
  let emulator;
  /** @type {Awaited<ReturnType<typeof createSsrPages>> | undefined} */
  let ssr;
  return {
    name: 'tencent-captcha-emulator',
    async serverStart() {
      emulator = await createEmulator({ port: 0, host: '127.0.0.1' });
      ssr = await createSsrPages();
    },
    async serverStop() {
      await emulator?.close();
    },
    serve(context) {
      if (!emulator) return undefined;
      if (context.path === '/__emulator.json') {
        const { url, sdkUrl, sdkUrls, controlUrl, appId } = emulator;
        return { body: JSON.stringify({ url, sdkUrl, sdkUrls, controlUrl, appId }), type: 'json' };
      }
      if (context.path === '/__legacy-url.json') {
        context.set('Cache-Control', 'no-store');
        const clientType = context.query.clientType === '1' ? 1 : 2;
        return legacyScriptUrl(emulator, clientType).then((url) => ({ body: JSON.stringify({ url }), type: 'json' }));
      }
      if (context.path === '/__ssr.html' && ssr) {
        const src = `${emulator.sdkUrl}?case=ssr-${String(context.query.case ?? '')}`;
        return { body: ssr.page({ mode: String(context.query.mode), appId: emulator.appId, src }), type: 'html' };
      }
      if (context.path === '/__ssr-bundle.js' && ssr) return { body: ssr.bundle, type: 'js' };
      if (context.path === '/__csp.html') {
        const strictDynamic = context.query['strict-dynamic'] !== '0';
        const nonce = randomBytes(16).toString('base64');
        context.set('Content-Security-Policy', cspHeader(nonce, emulator.url, strictDynamic));
        return { body: cspPage(nonce, emulator, context.query), type: 'html' };
      }
      return undefined;
    },
    transform(context) {
      // The dev server injects its own web-socket <script> into HTML; give it the page's nonce so
      // that the only scripts on the CSP page are the ones the policy is meant to allow.
      if (context.path !== '/__csp.html' || typeof context.body !== 'string') return undefined;
      const nonce = /'nonce-([^']+)'/.exec(context.response.get('Content-Security-Policy') ?? '')?.[1];
      if (!nonce) return undefined;
      return { body: context.body.replace(/<script(?![^>]*\bnonce=)/g, `<script nonce="${nonce}"`) };
    },
  };
}

/**
 * What a server does for the legacy SDK: a signed CaptchaIframeQuery (API v2) answering a single-use
 * script URL for the page.
 */
async function legacyScriptUrl(emulator, clientType) {
  const params = {
    Action: 'CaptchaIframeQuery', Region: 'gz', Timestamp: Math.floor(Date.now() / 1000), Nonce: randomInt(1, 2 ** 31),
    SecretId: emulator.secretId, captchaType: 9, disturbLevel: 1, isHttps: 0, clientType,
  };
  const host = new URL(emulator.legacyApiUrl).host;
  const Signature = await signV2({ method: 'GET', host, path: '/v2/index.php', params, secretKey: emulator.secretKey });
  const query = new URLSearchParams({ ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])), Signature });
  const answer = await (await fetch(`${emulator.legacyApiUrl}?${query}`)).json();
  if (answer.code !== 0) throw new Error(`CaptchaIframeQuery failed: ${JSON.stringify(answer)}`);
  return answer.url;
}

/** The policy of the CSP test page: what the README recommends, with the emulator standing in for Tencent's hosts. */
function cspHeader(nonce, emulatorOrigin, strictDynamic) {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'${strictDynamic ? " 'strict-dynamic'" : ''}`,
    `style-src 'self' 'nonce-${nonce}' ${emulatorOrigin}`,
    `connect-src 'self' ${emulatorOrigin}`,
    `frame-src ${emulatorOrigin}`,
    `img-src 'self' data: ${emulatorOrigin}`,
    "object-src 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** A page with the element in markup, its script and violations recorded on `window.__csp`. */
function cspPage(nonce, emulator, query) {
  const noNonceAttr = query['element-nonce'] === '0';
  // `legacy=<one-time script URL>`: the legacy driver, with a short show-timeout.
  const legacy = typeof query.legacy === 'string' && query.legacy.startsWith(emulator.url) ? query.legacy : undefined;
  const attr = (value) => String(value).replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>tencent-captcha under a strict CSP</title>
<script nonce="${nonce}">
  window.__csp = { violations: [], nonce: ${JSON.stringify(nonce)} };
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__csp.violations.push({ directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample });
  });
</script>
</head>
<body>
<main>
  <form id="form">
    <tencent-captcha app-id="${attr(emulator.appId)}" src="${attr(legacy ?? emulator.sdkUrl)}" load-timeout="3000"${legacy ? ' driver="legacy" show-timeout="1500"' : ''}${noNonceAttr ? '' : ` nonce="${nonce}"`}></tencent-captcha>
  </form>
</main>
<script type="module" nonce="${nonce}">
  import '/src/define.ts';
  window.__csp.ready = true;
</script>
</body>
</html>`;
}

/**
 * src/i18n/load-locale.js imports `./locales/<tag>.js`, the built names; in src they are .ts files
 * (which the esbuild plugin then compiles).
 */
async function sourceLocales(context, next) {
  if (/^\/src\/i18n\/locales\/[a-z-]+\.js$/.test(context.path)) context.url = context.url.replace(/\.js(?=$|\?)/, '.ts');
  return next();
}

export default await definePackageBrowserConfig(import.meta.dirname, {
  plugins: [emulatorPlugin()],
  middleware: [sourceLocales],
  // One browser at a time: the emulator's fault switches are page-wide state shared by every test.
  concurrentBrowsers: 1,
  groups: [{ name: 'firefox', files: process.env.WTR_FIREFOX_FILES?.split(',') ?? FIREFOX_FILES, browsers: [firefox] }],
});
