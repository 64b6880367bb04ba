// The emulated SDK in headless Chromium, loaded by pages on another origin: constructor forms,
// options, callback shapes, the solvable challenge (mouse, touch, keyboard, automation hook),
// accessibility, and that the SDK only ever calls its own origin.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../emulator.js';
import { launchChromium, sdkPage, startPageServer, type PageServer } from '../testing/browser.js';
import { callApi, describeBody } from '../testing/http-client.js';

let emulator: Emulator;
let pages: PageServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let requested: string[] = [];

beforeAll(async () => {
  [emulator, pages, browser] = await Promise.all([createEmulator({ port: 0 }), startPageServer(), launchChromium()]);
  // One page for the file, navigated per test: a fresh document each time, no new renderer.
  context = await browser.newContext();
  page = await context.newPage();
  page.on('request', (r) => requested.push(r.url()));
});
afterAll(async () => {
  await browser?.close();
  await Promise.all([emulator?.close(), pages?.close()]);
});
afterEach(() => {
  emulator.faults.clear();
});

async function open(body = '', script = emulator.sdkUrls.TJCaptcha, target: Page = page): Promise<Page> {
  requested = [];
  await target.goto(pages.page(`/p${Math.random().toString(36).slice(2)}.html`, sdkPage(script, body)));
  await target.waitForFunction(() => (window as any).sdkLoaded || (window as any).sdkFailed);
  return target;
}

const results = () => page.evaluate(() => (window as any).results as any[]);

async function verifyWithApi(ticket: string, randstr: string) {
  const res = await callApi({ ...emulator, body: describeBody({ ticket, randstr, appId: emulator.appId, appSecretKey: emulator.appSecretKey }) });
  return res.json.Response.CaptchaCode as number;
}

describe('TencentCaptcha (emulated SDK)', () => {
  it('is solved by the automation hook with a Tencent-shaped result whose ticket the API accepts once', async () => {
    await open();
    const result = await page.evaluate(async (appId) => {
      const w = window as any;
      const options = { bizState: { from: 'test' }, showFn: (r: unknown) => (w.shown = r), ready: (r: unknown) => (w.ready = r) };
      const captcha = new w.TencentCaptcha(appId, w.record, options);
      w.before = captcha.getTicket();
      captcha.show();
      const solved = await w.__tencentCaptchaEmulator.solve();
      w.after = captcha.getTicket();
      return solved;
    }, emulator.appId);
    expect(result).toEqual({
      ret: 0,
      ticket: expect.stringMatching(/^tr03[A-Za-z0-9_-]+\*$/),
      randstr: expect.stringMatching(/^@[A-Za-z0-9]{6}$/),
      appid: emulator.appId,
      CaptchaAppId: emulator.appId,
      bizState: { from: 'test' },
      verifyDuration: expect.any(Number),
      actionDuration: expect.any(Number),
      sid: expect.stringMatching(/^[0-9a-f]{24}$/),
    });
    expect(await results()).toEqual([result]);
    const state = await page.evaluate(() => {
      const w = window as any;
      return { before: w.before, after: w.after, shown: w.shown, ready: w.ready, dialogs: document.querySelectorAll('[data-testid=tcaptcha-dialog]').length };
    });
    expect(state).toEqual({
      before: null,
      after: { CaptchaAppId: emulator.appId, appid: emulator.appId, ticket: result.ticket, randstr: result.randstr },
      shown: { duration: expect.any(Number), sid: result.sid },
      ready: { sdkView: { width: 360, height: expect.any(Number) } },
      dialogs: 0,
    });
    expect(await verifyWithApi(result.ticket, result.randstr)).toBe(1);
    expect(await verifyWithApi(result.ticket, result.randstr)).toBe(9);
    // Everything the page asked for came from its own origin or the emulator's.
    for (const url of requested) expect([pages.url, emulator.url]).toContain(new URL(url).origin);
    expect(requested.some((u) => u.startsWith(`${emulator.url}/__emulator/sdk/verify`))).toBe(true);
  });

  it('is solved by a person with the keyboard', async () => {
    await open();
    await page.evaluate((appId) => new (window as any).TencentCaptcha(appId, (window as any).record, { userLanguage: 'en' }).show(), emulator.appId);
    const dialog = page.getByRole('dialog', { name: 'Security check' });
    const slider = dialog.getByRole('slider', { name: 'Slider position' });
    await expect.poll(() => slider.evaluate((el) => el === document.activeElement)).toBe(true);
    const target = Number((await page.getByTestId('tcaptcha-target').textContent())?.match(/\d+/)?.[0]);
    for (let i = 0; i < target; i++) await page.keyboard.press('ArrowRight');
    expect(await slider.inputValue()).toBe(String(target));
    await page.keyboard.press('Enter');
    await expect.poll(results).toHaveLength(1);
    const [result] = await results();
    expect(result).toMatchObject({ ret: 0, appid: emulator.appId });
    expect(await verifyWithApi(result.ticket, result.randstr)).toBe(1);
    // Focus went back to where it was.
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('BODY');
  });

  it('is solved by a person with the mouse, after one wrong try', async () => {
    await open();
    await page.evaluate(
      (appId) => new (window as any).TencentCaptcha(appId, (window as any).record, { userLanguage: 'en', verifyFn: (r: unknown) => ((window as any).attempts ??= []).push(r) }).show(),
      emulator.appId,
    );
    const slider = page.getByTestId('tcaptcha-slider');
    const clickAt = async (value: number) => {
      const box = (await slider.boundingBox())!;
      // Chromium's range thumb is 16 px wide; the track runs between the thumb's half-widths.
      await page.mouse.click(box.x + 8 + ((box.width - 16) * value) / 100, box.y + box.height / 2);
    };
    const target = async () => Number((await page.getByTestId('tcaptcha-target').textContent())?.match(/\d+/)?.[0]);
    const first = await target();
    await clickAt(first > 50 ? 5 : 95);
    await page.getByRole('button', { name: 'Verify' }).click();
    await expect.poll(() => page.getByTestId('tcaptcha-status').textContent()).toBe('Not quite, try again');
    await clickAt(await target());
    await page.getByRole('button', { name: 'Verify' }).click();
    await expect.poll(results).toHaveLength(1);
    expect((await results())[0]).toMatchObject({ ret: 0, ticket: expect.stringMatching(/^tr03/) });
    const attempts = await page.evaluate(() => (window as any).attempts);
    expect(attempts).toEqual([
      { pass: false, sid: expect.any(String) },
      { pass: true, sid: expect.any(String) },
    ]);
  });

  it('is solved by a person by touch', async () => {
    const touch = await browser.newContext({ hasTouch: true });
    try {
      const tp = await open('', emulator.sdkUrls.TJCaptcha, await touch.newPage());
      await tp.evaluate((appId) => new (window as any).TencentCaptcha(appId, (window as any).record, { userLanguage: 'en' }).show(), emulator.appId);
      const slider = tp.getByTestId('tcaptcha-slider');
      const target = Number((await tp.getByTestId('tcaptcha-target').textContent())?.match(/\d+/)?.[0]);
      const box = (await slider.boundingBox())!;
      await tp.touchscreen.tap(box.x + 8 + ((box.width - 16) * target) / 100, box.y + box.height / 2);
      expect(Math.abs(Number(await slider.inputValue()) - target)).toBeLessThanOrEqual(2);
      await tp.getByRole('button', { name: 'Verify' }).tap();
      await expect.poll(() => tp.evaluate(() => (window as any).results)).toHaveLength(1);
      expect((await tp.evaluate(() => (window as any).results))[0]).toMatchObject({ ret: 0, ticket: expect.stringMatching(/^tr03/) });
    } finally {
      await touch.close();
    }
  });

  it('calls back ret 2 when the user closes it (button, Escape) or the hook closes it', async () => {
    await open();
    const show = () => page.evaluate((appId) => new (window as any).TencentCaptcha(appId, (window as any).record, { userLanguage: 'en', bizState: 7 }).show(), emulator.appId);
    await show();
    await page.getByRole('button', { name: 'Close verification' }).click();
    await show();
    await page.getByTestId('tcaptcha-slider').waitFor();
    await page.keyboard.press('Escape');
    await show();
    const viaHook = await page.evaluate(() => (window as any).__tencentCaptchaEmulator.close());
    const closed = { ret: 2, ticket: null, appid: emulator.appId, CaptchaAppId: emulator.appId, bizState: 7 };
    expect(viaHook).toEqual(closed);
    expect(await results()).toEqual([closed, closed, closed]);
    expect(await page.getByTestId('tcaptcha-dialog').count()).toBe(0);
  });

  it('shows an accessible popup: a modal dialog with a named slider and buttons', async () => {
    await open();
    await page.evaluate((appId) => new (window as any).TencentCaptcha(appId, () => {}, { userLanguage: 'en' }).show(), emulator.appId);
    const dialog = page.getByRole('dialog', { name: 'Security check' });
    await dialog.getByRole('slider').waitFor();
    expect(await dialog.getAttribute('aria-modal')).toBe('true');
    const snapshot = await dialog.ariaSnapshot();
    expect(snapshot).toContain('heading "Security check"');
    expect(snapshot).toContain('button "Close verification"');
    expect(snapshot).toContain('slider "Slider position"');
    expect(snapshot).toContain('button "New puzzle"');
    expect(snapshot).toContain('button "Verify"');
    expect(snapshot).toContain('link "Help"');
    expect(snapshot).toMatch(/Gap position: \d+/);
  });

  it('fits a 568×320 phone in landscape: the popup scrolls within itself, the page behind stays put', async () => {
    const small = await context.newPage();
    try {
      await small.setViewportSize({ width: 568, height: 320 });
      await open('<div style="height:3000px">a long page</div>', emulator.sdkUrls.TJCaptcha, small);
      await small.evaluate((appId) => new (window as any).TencentCaptcha(appId, () => {}, { userLanguage: 'en' }).show(), emulator.appId);
      const dialog = small.getByRole('dialog', { name: 'Security check' });
      await dialog.getByRole('slider').waitFor();
      const box = await dialog.boundingBox();
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(568);
      // Scroll with the wheel over the popup: its bottom (Verify) comes into view, the page does not move.
      await small.mouse.move(284, 160);
      for (let i = 0; i < 8; i++) await small.mouse.wheel(0, 400);
      await small.waitForTimeout(300);
      const verify = await dialog.getByRole('button', { name: 'Verify' }).boundingBox();
      expect(verify!.y).toBeGreaterThanOrEqual(0);
      expect(verify!.y + verify!.height).toBeLessThanOrEqual(320);
      expect(await small.evaluate(() => window.scrollY)).toBe(0);
      // Its top (the title and the close button) is reachable again too.
      for (let i = 0; i < 8; i++) await small.mouse.wheel(0, -400);
      await small.waitForTimeout(300);
      const close = await dialog.getByRole('button', { name: 'Close verification' }).boundingBox();
      expect(close!.y).toBeGreaterThanOrEqual(0);
      expect(await small.evaluate(() => window.scrollY)).toBe(0);
      // Closed: the page scrolls again.
      await small.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      await small.mouse.wheel(0, 400);
      await small.waitForFunction(() => window.scrollY > 0);
    } finally {
      await small.close();
    }
  });

  it('honours userLanguage: Simplified and Traditional Chinese', async () => {
    await open();
    await page.evaluate((appId) => new (window as any).TencentCaptcha(appId, () => {}, { userLanguage: 'zh-cn' }).show(), emulator.appId);
    await page.getByRole('dialog', { name: '安全验证' }).getByRole('slider', { name: '滑块位置' }).waitFor();
    await page.evaluate(() => (window as any).__tencentCaptchaEmulator.close());
    await page.evaluate((appId) => new (window as any).TencentCaptcha(appId, () => {}, { userLanguage: 'zh-TW' }).show(), emulator.appId);
    await page.getByRole('dialog', { name: '安全驗證' }).waitFor();
  });

  it('honours enableDarkMode, needFeedBack and loading', async () => {
    await open();
    const state = await page.evaluate(async (appId) => {
      const w = window as any;
      const shown = (options: object) => {
        const c = new w.TencentCaptcha(appId, () => {}, { userLanguage: 'en', ...options });
        c.show();
        const dialog = document.querySelector('[data-testid=tcaptcha-dialog]')!;
        const loading = !!dialog.querySelector('[data-testid=tcaptcha-loading]');
        return { c, dialog, loading };
      };
      const a = shown({ enableDarkMode: 'force', needFeedBack: false });
      const first = { theme: a.dialog.getAttribute('data-theme'), help: a.dialog.querySelector('[data-testid=tcaptcha-help]'), loading: a.loading };
      a.c.destroy();
      const b = shown({ needFeedBack: 'https://help.example.test/faq', loading: false });
      const second = {
        theme: b.dialog.getAttribute('data-theme'),
        help: b.dialog.querySelector('[data-testid=tcaptcha-help]')?.getAttribute('href'),
        loading: b.loading,
        slider: !!b.dialog.querySelector('[data-testid=tcaptcha-slider]'),
      };
      b.c.destroy();
      return { first, second, left: document.querySelectorAll('[data-testid=tcaptcha-dialog]').length };
    }, emulator.appId);
    expect(state).toEqual({
      first: { theme: 'dark', help: null, loading: true },
      second: { theme: 'light', help: 'https://help.example.test/faq', loading: false, slider: true },
      left: 0,
    });
  });

  it('renders embed mode inside the element passed in, 300 px wide, without a close button', async () => {
    await open('<div id="box"></div>');
    const result = await page.evaluate(async (appId) => {
      const w = window as any;
      const box = document.getElementById('box')!;
      new w.TencentCaptcha(box, appId, w.record, { type: 'embed', userLanguage: 'en', ready: (r: unknown) => (w.ready = r) }).show();
      await new Promise((r) => setTimeout(r, 0));
      const inside = box.querySelector('[data-testid=tcaptcha-dialog]');
      const info = { inside: !!inside, overlay: !!document.querySelector('[data-testid=tcaptcha-overlay]'), close: !!inside?.querySelector('[data-testid=tcaptcha-close]') };
      const solved = await w.__tencentCaptchaEmulator.solve();
      return { info, ready: w.ready, solved };
    }, emulator.appId);
    expect(result.info).toEqual({ inside: true, overlay: false, close: false });
    expect(result.ready).toEqual({ sdkView: { width: 300, height: expect.any(Number) } });
    expect(result.solved).toMatchObject({ ret: 0, ticket: expect.stringMatching(/^tr03/) });
  });

  it('supports new TencentCaptcha(element) with data-appid, data-cbfn and data-biz-state, and refresh()', async () => {
    await open(`<button type="button" id="trigger" data-appid="${emulator.appId}" data-cbfn="onCaptcha" data-biz-state="from-attr">Verify</button>
<script>window.onCaptcha = function (r) { window.record(r); };</script>`);
    await page.evaluate(() => {
      (window as any).bound = new (window as any).TencentCaptcha(document.getElementById('trigger'));
    });
    await page.click('#trigger');
    const before = await page.getByTestId('tcaptcha-target').textContent();
    let after = before;
    // refresh() draws a new puzzle (the gap may land on the same spot by chance; try a few times).
    for (let i = 0; i < 5 && after === before; i++) {
      await page.evaluate(() => (window as any).bound.refresh());
      await page.getByTestId('tcaptcha-slider').waitFor();
      after = await page.getByTestId('tcaptcha-target').textContent();
    }
    expect(after).not.toBe(before);
    const solved = await page.evaluate(() => (window as any).__tencentCaptchaEmulator.solve());
    expect(solved).toMatchObject({ ret: 0, appid: emulator.appId, bizState: 'from-attr' });
    expect(await results()).toEqual([solved]);
  });

  it('binds id="TencentCaptcha" declaratively', async () => {
    await open(`<button type="button" id="TencentCaptcha" data-appid="${emulator.appId}" data-cbfn="onCaptcha">Verify</button>
<script>window.onCaptcha = function (r) { window.record(r); };</script>`);
    await page.click('#TencentCaptcha');
    const solved = await page.evaluate(() => (window as any).__tencentCaptchaEmulator.solve());
    expect(solved).toMatchObject({ ret: 0, appid: emulator.appId });
  });

  it('throws Tencent’s errors for bad arguments and for a second evaluation', async () => {
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
      return [
        attempt(() => new w.TencentCaptcha('123')),
        attempt(() => new w.TencentCaptcha('123', 'notAFunction')),
        attempt(() => new w.TencentCaptcha(document.getElementById('x'))),
        attempt(() => new w.TencentCaptcha({})),
      ];
    });
    expect(errors).toEqual(['Arguments error.', 'Arguments error.', 'Lost `callback`', 'Arguments error.']);
    await page.evaluate(async (src) => {
      const s = document.createElement('script');
      // CORS mode, so the page sees the error message rather than "Script error.".
      s.crossOrigin = 'anonymous';
      s.src = src;
      document.body.append(s);
      await new Promise((r) => (s.onload = r));
    }, emulator.sdkUrls.TCaptcha);
    expect(await page.evaluate(() => (window as any).errors)).toEqual([expect.stringContaining('请勿多次引用腾讯验证码的接入js')]);
  });

  it('calls back with its own 1006 disaster ticket for an app the emulator does not know (terror_ from TCaptcha.js)', async () => {
    await open('', emulator.sdkUrls.TCaptcha);
    await page.evaluate(() => new (window as any).TencentCaptcha('123456', (window as any).record, {}).show());
    await expect.poll(results).toHaveLength(1);
    const [result] = await results();
    // A failure result carries no appid, CaptchaAppId or bizState: only results from the challenge do.
    expect(result).toEqual({
      ret: 0,
      ticket: expect.stringMatching(/^terror_1006_123456_\d{10}$/),
      randstr: expect.stringMatching(/^@[0-9a-z]+$/),
      errorCode: 1006,
      errorMessage: 'get_captcha_config_request_error',
    });
  });

  it('checks aidEncrypted: a valid one shows the challenge, a bad one calls back 1006', async () => {
    const { createCipheriv } = await import('node:crypto');
    const { aidKey } = await import('../aid-encrypted.js');
    const iv = Buffer.alloc(16, 7);
    const cipher = createCipheriv('aes-256-cbc', aidKey(emulator.appSecretKey), iv);
    const plain = `${emulator.appId}&${Math.floor(Date.now() / 1000)}&300`;
    const valid = Buffer.concat([iv, cipher.update(plain), cipher.final()]).toString('base64');
    await open();
    const outcome = await page.evaluate(
      async ({ appId, valid }) => {
        const w = window as any;
        new w.TencentCaptcha(appId, w.record, { aidEncrypted: valid }).show();
        const good = await w.__tencentCaptchaEmulator.solve();
        const bad = await new Promise((resolve) => new w.TencentCaptcha(appId, resolve, { aidEncrypted: 'AAAA' + valid.slice(4) }).show());
        return { good, bad };
      },
      { appId: emulator.appId, valid },
    );
    expect(outcome.good).toMatchObject({ ret: 0, ticket: expect.stringMatching(/^tr03/) });
    expect(outcome.bad).toMatchObject({ ret: 0, errorCode: 1006, ticket: expect.stringMatching(/^trerror_1006_/) });
  });

  it('the hook rejects when no challenge appears in time', async () => {
    await open();
    const message = await page.evaluate(() => (window as any).__tencentCaptchaEmulator.solve({ timeoutMs: 50 }).then(
      () => 'solved',
      (e: Error) => e.message,
    ));
    expect(message).toMatch(/no challenge was shown within 50 ms/);
  });
});
