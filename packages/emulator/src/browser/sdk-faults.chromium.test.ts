// Every SDK fault switch, observed in headless Chromium by a page on another origin. Script faults
// are set before the script is requested; the others are set from the page itself over the control
// endpoint (CORS), after the script has loaded.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../emulator.js';
import { launchChromium, sdkPage, startPageServer, type PageServer } from '../testing/browser.js';
import { callApi, describeBody } from '../testing/http-client.js';

let emulator: Emulator;
let pages: PageServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  [emulator, pages, browser] = await Promise.all([createEmulator({ port: 0 }), startPageServer(), launchChromium()]);
  page = await (await browser.newContext()).newPage();
});
afterAll(async () => {
  await browser?.close();
  await Promise.all([emulator?.close(), pages?.close()]);
});
afterEach(() => {
  emulator.faults.clear();
});

/** Navigates to a page that loads the SDK (with `crossorigin`, so errors are readable) and waits for load or error. */
async function open(wait = true): Promise<void> {
  const html = sdkPage(emulator.sdkUrls.TJCaptcha).replace('<script src=', '<script crossorigin="anonymous" src=');
  await page.goto(pages.page(`/f${Math.random().toString(36).slice(2)}.html`, html), { waitUntil: wait ? 'load' : 'commit' });
  if (wait) await page.waitForFunction(() => (window as any).sdkLoaded || (window as any).sdkFailed);
}

/** Sets a fault from inside the page, through the control endpoint (a cross-origin JSON POST). */
function setFaultFromPage(command: unknown): Promise<{ status: number; body: any }> {
  return page.evaluate(
    async ({ url, command }) => {
      const res = await fetch(`${url}/__emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(command) });
      return { status: res.status, body: await res.json() };
    },
    { url: emulator.url, command },
  );
}

/** Shows a captcha and resolves with the callback result (or the error show() threw). */
function showAndWait(options: object = {}): Promise<any> {
  return page.evaluate(
    ({ appId, options }) =>
      new Promise((resolve) => {
        try {
          new (window as any).TencentCaptcha(appId, resolve, options).show();
        } catch (error) {
          resolve({ threw: (error as Error).message });
        }
      }),
    { appId: emulator.appId, options },
  );
}

const state = () => page.evaluate(() => ({ loaded: !!(window as any).sdkLoaded, failed: !!(window as any).sdkFailed, defined: typeof (window as any).TencentCaptcha, errors: (window as any).errors }));

describe('SDK faults: the script request', () => {
  it('script-404: the script fails to load and TencentCaptcha is not defined', async () => {
    emulator.faults.set('sdk', { kind: 'script-404' }, { times: 1 });
    await open();
    expect(await state()).toEqual({ loaded: false, failed: true, defined: 'undefined', errors: [] });
    await open();
    expect(await state()).toMatchObject({ loaded: true, defined: 'function' });
  });

  it('script-hang: the script request is never answered', async () => {
    emulator.faults.set('sdk', { kind: 'script-hang' }, { times: 1 });
    await open(false);
    // The request reached the emulator and took the fault; the page keeps waiting.
    await expect.poll(() => emulator.faults.state().sdk).toEqual([]);
    const after = await page.evaluate(() => new Promise((r) => setTimeout(() => r({ loaded: !!(window as any).sdkLoaded, failed: !!(window as any).sdkFailed, defined: typeof (window as any).TencentCaptcha }), 150)));
    expect(after).toEqual({ loaded: false, failed: false, defined: 'undefined' });
    await open();
    expect(await state()).toMatchObject({ loaded: true, defined: 'function' });
  });

  it('script-latency: the script arrives late', async () => {
    emulator.faults.set('sdk', { kind: 'script-latency', ms: 200 }, { times: 1 });
    const started = performance.now();
    await open();
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(await state()).toMatchObject({ loaded: true, defined: 'function' });
  });

  it('script-throw: the script loads, throws, and defines nothing', async () => {
    emulator.faults.set('sdk', { kind: 'script-throw', message: 'boom from the SDK' }, { times: 1 });
    await open();
    expect(await state()).toEqual({ loaded: true, failed: false, defined: 'undefined', errors: [expect.stringContaining('boom from the SDK')] });
  });
});

describe('SDK faults: in the page, set after the script loaded', () => {
  it('constructor-throw: new TencentCaptcha() throws, for the next call only', async () => {
    await open();
    const set = await setFaultFromPage({ target: 'sdk', fault: { kind: 'constructor-throw', message: 'ctor broke' }, times: 1 });
    expect(set).toEqual({ status: 200, body: { api: [], sdk: [{ fault: { kind: 'constructor-throw', message: 'ctor broke' }, remaining: 1 }] } });
    expect(await showAndWait()).toEqual({ threw: 'ctor broke' });
    expect(await page.evaluate(() => (window as any).__tencentCaptchaEmulator?.active ?? false)).toBe(false);
    const next = page.evaluate(() => (window as any).__tencentCaptchaEmulator.solve());
    await page.evaluate((appId) => new (window as any).TencentCaptcha(appId, () => {}, {}).show(), emulator.appId);
    expect(await next).toMatchObject({ ret: 0, ticket: expect.stringMatching(/^tr03/) });
  });

  it('show-throw: show() throws', async () => {
    await open();
    await setFaultFromPage({ target: 'sdk', fault: { kind: 'show-throw' }, times: 1 });
    expect(await showAndWait()).toEqual({ threw: expect.stringContaining('show-throw') });
  });

  it('error-code: the callback carries the errorCode and the SDK’s own disaster ticket (no appid or bizState), which the API answers 21', async () => {
    await open();
    await setFaultFromPage({ target: 'sdk', fault: { kind: 'error-code', errorCode: 1006 }, times: 1 });
    const result = await showAndWait({ bizState: 'b' });
    expect(result).toEqual({
      ret: 0,
      ticket: expect.stringMatching(new RegExp(`^trerror_1006_${emulator.appId}_\\d{10}$`)),
      randstr: expect.stringMatching(/^@[0-9a-z]+$/),
      errorCode: 1006,
      errorMessage: 'get_captcha_config_request_error',
    });
    const api = await callApi({ ...emulator, body: describeBody({ ticket: result.ticket, randstr: result.randstr, ...emulator }) });
    expect(api.json.Response).toMatchObject({ CaptchaCode: 21, CaptchaMsg: 'diff' });
  });

  it('error-code: any code, with an errorMessage of your choice', async () => {
    await open();
    await setFaultFromPage({ target: 'sdk', fault: { kind: 'error-code', errorCode: 1085, errorMessage: 'custom_message' }, times: 1 });
    expect(await showAndWait()).toMatchObject({ ret: 0, errorCode: 1085, errorMessage: 'custom_message', ticket: expect.stringMatching(/^trerror_1085_/) });
  });

  it('user-close: the callback says the user closed it', async () => {
    await open();
    await setFaultFromPage({ target: 'sdk', fault: { kind: 'user-close' }, times: 1 });
    expect(await showAndWait()).toEqual({ ret: 2, ticket: null, appid: emulator.appId, CaptchaAppId: emulator.appId });
  });

  it('sequence and until-cleared: error, then pass; then user-close until cleared', async () => {
    await open();
    await setFaultFromPage({ target: 'sdk', sequence: [{ kind: 'error-code', errorCode: 1001 }, { kind: 'pass' }] });
    expect(await showAndWait()).toMatchObject({ errorCode: 1001, errorMessage: 'jsload_error' });
    const solved = page.evaluate(() => (window as any).__tencentCaptchaEmulator.solve());
    const shown = showAndWait();
    expect(await solved).toMatchObject({ ret: 0, ticket: expect.stringMatching(/^tr03/) });
    expect(await shown).toMatchObject({ ret: 0, ticket: expect.stringMatching(/^tr03/) });
    await setFaultFromPage({ target: 'sdk', fault: { kind: 'user-close' } });
    expect(await showAndWait()).toMatchObject({ ret: 2 });
    expect(await showAndWait()).toMatchObject({ ret: 2 });
    const cleared = await page.evaluate(async (url) => (await fetch(`${url}/__emulator/faults?target=sdk`, { method: 'DELETE' })).status, emulator.url);
    expect(cleared).toBe(200);
    const again = page.evaluate(() => (window as any).__tencentCaptchaEmulator.solve());
    await showAndWait();
    expect(await again).toMatchObject({ ret: 0 });
  });
});
