// What Tencent's real TCaptcha.js does and the emulator models, in headless Chromium: a second stage
// that never arrives (`challenge-hang`), one captcha object per page for destroy()/refresh(), the
// constructor's argument rules and click binding, and the shape of failure results.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../emulator.js';
import { SDK_FRAME_RETRY_MS, SDK_SHOW_TIMEOUT_MS } from '../faults.js';
import { launchChromium, sdkPage, startPageServer, type PageServer } from '../testing/browser.js';

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

async function open(body = '', script = emulator.sdkUrls.TJCaptcha): Promise<void> {
  await page.goto(pages.page(`/w${Math.random().toString(36).slice(2)}.html`, sdkPage(script, body)));
  await page.waitForFunction(() => (window as any).sdkLoaded || (window as any).sdkFailed);
}

const SCALE = 0.01;

describe('challenge-hang: the script loads, the challenge never appears', () => {
  it('answers 1002 to the first waiting show after the show timer, 1004 to the others after the retries, then 1004 synchronously', async () => {
    emulator.faults.set('sdk', { kind: 'challenge-hang', timeScale: SCALE });
    await open();
    const outcome = await page.evaluate(async (appId) => {
      const w = window as any;
      const t0 = performance.now();
      const seen: Array<{ who: string; at: number; errorCode: number; ticket: string; keys: string[] }> = [];
      const record = (who: string) => (r: any) => seen.push({ who, at: performance.now() - t0, errorCode: r.errorCode, ticket: r.ticket, keys: Object.keys(r).sort() });
      let readyCalls = 0;
      const ready = () => readyCalls++;
      const a = new w.TencentCaptcha(appId, record('a'), { ready, bizState: 'x' });
      const b = new w.TencentCaptcha(appId, record('b'), { ready });
      a.show();
      b.show();
      // destroy() does not cancel a waiting show.
      a.destroy();
      await new Promise((r) => setTimeout(r, 1200));
      const c = new w.TencentCaptcha(appId, record('c'), { ready });
      c.show();
      const synchronous = seen.some((s) => s.who === 'c');
      return { seen, readyCalls, synchronous, dialogs: document.querySelectorAll('[data-testid=tcaptcha-dialog]').length };
    }, emulator.appId);
    expect(outcome.readyCalls).toBe(0);
    expect(outcome.dialogs).toBe(0);
    expect(outcome.synchronous).toBe(true);
    expect(outcome.seen.map((s) => [s.who, s.errorCode])).toEqual([
      ['a', 1002],
      ['b', 1004],
      ['c', 1004],
    ]);
    const [a, b] = outcome.seen;
    expect(a!.at).toBeGreaterThanOrEqual(SDK_SHOW_TIMEOUT_MS * SCALE - 5);
    expect(a!.at).toBeLessThan(SDK_FRAME_RETRY_MS * SCALE);
    expect(b!.at).toBeGreaterThanOrEqual(SDK_FRAME_RETRY_MS * SCALE - 5);
    for (const s of outcome.seen) {
      expect(s.ticket).toMatch(new RegExp(`^trerror_${s.errorCode}_${emulator.appId}_\\d{10}$`));
      expect(s.keys).toEqual(['errorCode', 'errorMessage', 'randstr', 'ret', 'ticket']);
    }
  });

  it('takes Tencent’s real timings by default (20 s, 90 s) and says so in the show answer', async () => {
    emulator.faults.set('sdk', { kind: 'challenge-hang' }, { times: 1 });
    const res = await fetch(`${emulator.url}/__emulator/sdk/show`, { method: 'POST', body: JSON.stringify({ appid: emulator.appId }) });
    expect(await res.json()).toEqual({ action: 'hang', showTimeoutMs: 20_000, frameRetryMs: 90_000 });
    expect(SDK_FRAME_RETRY_MS).toBe(3 * 15_000 * 2);
  });

  it('refuses a bad timeScale with a clear message', () => {
    expect(() => emulator.faults.set('sdk', { kind: 'challenge-hang', timeScale: 0 })).toThrow(/timeScale/);
  });
});

describe('one captcha object per page', () => {
  it('destroy() and refresh() act on whichever instance showed last', async () => {
    await open('<div id="a"></div><div id="b"></div>');
    const outcome = await page.evaluate(async (appId) => {
      const w = window as any;
      const box = (id: string) => document.getElementById(id)!;
      const dialog = (id: string) => box(id).querySelector('[data-testid=tcaptcha-dialog]');
      const a = new w.TencentCaptcha(box('a'), appId, () => {}, { type: 'embed' });
      const b = new w.TencentCaptcha(box('b'), appId, () => {}, { type: 'embed' });
      a.show();
      b.show();
      await new Promise((r) => setTimeout(r, 20));
      const [da, db] = [dialog('a'), dialog('b')];
      a.refresh();
      await new Promise((r) => setTimeout(r, 100));
      const afterRefresh = { aSame: dialog('a') === da, bSame: dialog('b') === db, bOpen: !!dialog('b') };
      a.destroy();
      const afterDestroy = { a: !!dialog('a'), b: !!dialog('b') };
      return { afterRefresh, afterDestroy };
    }, emulator.appId);
    expect(outcome.afterRefresh).toEqual({ aSame: true, bSame: false, bOpen: true });
    expect(outcome.afterDestroy).toEqual({ a: true, b: false });
  });
});

describe('constructor', () => {
  it('throws “Arguments error.” unless the app id is a string', async () => {
    await open('<div id="x"></div>');
    const errors = await page.evaluate(() => {
      const w = window as any;
      const attempt = (f: () => unknown) => {
        try {
          f();
          return 'no error';
        } catch (e) {
          return (e as Error).message;
        }
      };
      const x = document.getElementById('x');
      return [
        attempt(() => new w.TencentCaptcha(189990000, () => {})),
        attempt(() => new w.TencentCaptcha(x, 189990000, () => {})),
        attempt(() => new w.TencentCaptcha(x, { callback: () => {} })),
        attempt(() => new w.TencentCaptcha(x, { appid: '189990000', callback: () => {} })),
      ];
    });
    expect(errors).toEqual(['Arguments error.', 'Arguments error.', 'Arguments error.', 'no error']);
  });

  it('(element, options) reads appid and callback from the options', async () => {
    await open('<button type="button" id="trigger" data-appid="1" data-cbfn="nope">Verify</button>');
    await page.evaluate((appId) => {
      const w = window as any;
      new w.TencentCaptcha(document.getElementById('trigger'), { appid: appId, callback: w.record, bizState: 'opt' });
    }, emulator.appId);
    await page.click('#trigger');
    const solved = await page.evaluate(() => (window as any).__tencentCaptchaEmulator.solve());
    expect(solved).toMatchObject({ ret: 0, appid: emulator.appId, bizState: 'opt', ticket: expect.stringMatching(/^tr03/) });
    expect(await page.evaluate(() => (window as any).results.length)).toBe(1);
  });

  it('the 4-argument form binds click → show() on the element, embed included, and destroy() does not unbind it', async () => {
    emulator.faults.set('sdk', { kind: 'error-code', errorCode: 1006 });
    await open('<div id="box" style="width:300px;height:40px"></div>');
    const results = await page.evaluate(async (appId) => {
      const w = window as any;
      const box = document.getElementById('box')!;
      const captcha = new w.TencentCaptcha(box, appId, w.record, { type: 'embed' });
      captcha.show();
      await new Promise((r) => setTimeout(r, 20));
      box.click();
      await new Promise((r) => setTimeout(r, 20));
      captcha.destroy();
      box.click();
      await new Promise((r) => setTimeout(r, 20));
      return w.results.map((r: any) => r.errorCode);
    }, emulator.appId);
    // One show() of our own, then one per click: a new failure each time.
    expect(results).toEqual([1006, 1006, 1006]);
  });

  it('clicks inside the challenge (Tencent’s iframe) do not reach the page', async () => {
    await open('<div id="box"></div>');
    const outcome = await page.evaluate(async (appId) => {
      const w = window as any;
      const box = document.getElementById('box')!;
      new w.TencentCaptcha(box, appId, w.record, { type: 'embed' }).show();
      await new Promise((r) => setTimeout(r, 20));
      const dialog = box.querySelector('[data-testid=tcaptcha-dialog]');
      (box.querySelector('[data-testid=tcaptcha-refresh]') as HTMLElement).click();
      await new Promise((r) => setTimeout(r, 50));
      return { same: box.querySelector('[data-testid=tcaptcha-dialog]') === dialog };
    }, emulator.appId);
    expect(outcome).toEqual({ same: true });
  });
});

describe('failure results', () => {
  it('use the SDK’s own randstr: "@" and Math.random() in base 36, of variable length', async () => {
    emulator.faults.set('sdk', { kind: 'error-code', errorCode: 1013 }, { times: 1 });
    await open('', emulator.sdkUrls.TCaptcha);
    const result = await page.evaluate(
      (appId) =>
        new Promise<any>((resolve) => {
          Math.random = () => 0.5;
          new (window as any).TencentCaptcha(appId, resolve, {}).show();
        }),
      emulator.appId,
    );
    expect(result).toEqual({ ret: 0, randstr: '@i', ticket: expect.stringMatching(/^terror_1013_/), errorCode: 1013, errorMessage: 'verify_error' });
  });
});
