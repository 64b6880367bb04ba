// The legacy capInit script in headless Chromium, loaded from a CaptchaIframeQuery URL by a page on
// another origin: point, popup and embed types, the callback shapes, capGetTicket / capRefresh /
// capDestroy, that its tickets pass CaptchaCheck, and that it fails the way Tencent's loader does.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../emulator.js';
import { launchChromium, sdkPage, startPageServer, type PageServer } from '../testing/browser.js';
import { callLegacy } from '../testing/http-client.js';

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

const legacy = (params: Record<string, string | number>) =>
  callLegacy({ legacyApiUrl: emulator.legacyApiUrl, secretId: emulator.secretId, secretKey: emulator.secretKey, params });

async function open(clientType: 1 | 2 = 2): Promise<string> {
  const { json } = await legacy({ Action: 'CaptchaIframeQuery', captchaType: 9, disturbLevel: 1, isHttps: 0, clientType });
  await page.goto(pages.page(`/l${Math.random().toString(36).slice(2)}.html`, sdkPage(json.url, '<div id="cap" style="width:362px;height:40px"></div>')), {
    // A hanging second stage holds the page's load event, as Tencent's does.
    waitUntil: 'domcontentloaded',
  });
  await page.waitForFunction(() => (window as any).sdkLoaded || (window as any).sdkFailed);
  return json.url as string;
}

/** Whether the script's set-up ran: Tencent's `capGetTicket()` throws until then. */
const setUp = () =>
  page.evaluate(() => {
    try {
      (window as any).capGetTicket();
      return true;
    } catch {
      return false;
    }
  });
/** Resolves once the second stage's request ended (loaded, failed, or still pending when `false`). */
const stage2Requested = () => page.evaluate(() => [...document.scripts].some((s) => s.src.includes('/legacy/TCapIframe.js?')));

const results = () => page.evaluate(() => (window as any).results as any[]);
const capCheck = async (ticket: string) =>
  (await legacy({ Action: 'CaptchaCheck', ticket, captchaType: 9, disturbLevel: 1, userIp: '203.0.113.1' })).json.code as number;

describe('legacy capInit script', () => {
  it('point type: a trigger opens the popup; a solve calls back { ret: 0, ticket } that CaptchaCheck accepts twice', async () => {
    await open();
    await page.evaluate(() => (window as any).capInit(document.getElementById('cap'), { callback: (window as any).record, lang: 1033, themeColor: 'ff572d' }));
    await expect.poll(setUp).toBe(true);
    // Tencent's answer has no `ret`.
    expect(await page.evaluate(() => (window as any).capGetTicket())).toEqual({ ticket: '', randstr: '' });
    await page.getByRole('button', { name: 'Click to verify' }).click();
    const dialog = page.getByRole('dialog', { name: 'Security check' });
    await dialog.getByRole('slider', { name: 'Slider position' }).waitFor();
    expect(await dialog.evaluate((el) => getComputedStyle(el.querySelector('.tce-verify')!).backgroundColor)).toBe('rgb(255, 87, 45)');
    const solved = await page.evaluate(() => (window as any).__tencentCaptchaEmulator.solve());
    expect(solved).toEqual({ ret: 0, ticket: expect.stringMatching(/^t02[A-Za-z0-9_-]+\*$/), randstr: expect.stringMatching(/^@[A-Za-z0-9]{6}$/) });
    expect(await results()).toEqual([solved]);
    expect(await page.evaluate(() => (window as any).capGetTicket())).toEqual({ ticket: solved.ticket, randstr: solved.randstr });
    expect(await page.getByTestId('tcaptcha-trigger').isDisabled()).toBe(true);
    expect(await capCheck(solved.ticket)).toBe(0);
    expect(await capCheck(solved.ticket)).toBe(0);
    expect(await capCheck(solved.ticket)).toBe(5100);
    await page.evaluate(() => (window as any).capRefresh());
    expect(await page.evaluate(() => (window as any).capGetTicket())).toEqual({ ticket: '', randstr: '' });
    expect(await page.getByTestId('tcaptcha-trigger').isDisabled()).toBe(false);
  });

  it('PC: closing the popup calls back nothing, like Tencent\'s PC SDK; `start` ran when it opened, `end` when it closed', async () => {
    await open();
    await page.evaluate(() => {
      const w = window as any;
      w.hooks = [];
      w.capInit(document.getElementById('cap'), { callback: w.record, type: 'popup', lang: 2052, start: () => w.hooks.push('start'), end: () => w.hooks.push('end') });
    });
    await page.getByRole('dialog', { name: '安全验证' }).getByRole('slider').waitFor();
    expect(await page.evaluate(() => (window as any).hooks)).toEqual(['start']);
    await page.getByRole('button', { name: '关闭验证' }).click();
    await expect.poll(() => page.evaluate(() => (window as any).hooks)).toEqual(['start', 'end']);
    expect(await results()).toEqual([]);
  });

  it('PC solve: `end` runs before the callback', async () => {
    await open();
    await page.evaluate(() => {
      const w = window as any;
      w.hooks = [];
      w.capInit(document.getElementById('cap'), { callback: (r: any) => w.hooks.push(`callback ${r.ret}`), type: 'popup', start: () => w.hooks.push('start'), end: () => w.hooks.push('end') });
    });
    await page.evaluate(() => (window as any).__tencentCaptchaEmulator.solve());
    expect(await page.evaluate(() => (window as any).hooks)).toEqual(['start', 'end', 'callback 0']);
  });

  it('embed type renders in the div and is solvable by keyboard; capDestroy removes it', async () => {
    await open();
    await page.evaluate(() => (window as any).capInit(document.getElementById('cap'), { callback: (window as any).record, type: 'embed', lang: 1033, keepOpen: true }));
    const slider = page.locator('#cap').getByRole('slider', { name: 'Slider position' });
    await slider.waitFor();
    const target = Number((await page.getByTestId('tcaptcha-target').textContent())?.match(/\d+/)?.[0]);
    await slider.focus();
    await page.keyboard.press('End');
    for (let i = 100; i > target; i--) await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Enter');
    await expect.poll(results).toHaveLength(1);
    const [result] = await results();
    expect(result).toEqual({ ret: 0, ticket: expect.stringMatching(/^t02/), randstr: expect.any(String) });
    expect(await capCheck(result.ticket)).toBe(0);
    await page.evaluate(() => (window as any).capDestroy());
    expect(await page.locator('#cap').innerHTML()).toBe('');
  });

  it('mobile: capInit(document, { callback, showHeader: true }) opens full screen at once; solve gives the screen back', async () => {
    await page.setViewportSize({ width: 375, height: 640 });
    try {
      await open(1);
      await page.evaluate(() => (window as any).capInit(document, { callback: (window as any).record, showHeader: true, lang: 1033 }));
      const layer = page.getByTestId('tcaptcha-fullscreen');
      await layer.getByRole('slider', { name: 'Slider position' }).waitFor();
      expect(await layer.boundingBox()).toEqual({ x: 0, y: 0, width: 375, height: 640 });
      await expect(page.getByTestId('tcaptcha-header').isVisible()).resolves.toBe(true);
      const solved = await page.evaluate(() => (window as any).__tencentCaptchaEmulator.solve());
      expect(solved).toEqual({ ret: 0, ticket: expect.stringMatching(/^t02/), randstr: expect.stringMatching(/^@/) });
      await expect(layer.count()).resolves.toBe(0);
      expect(await capCheck(solved.ticket)).toBe(0);
    } finally {
      await page.setViewportSize({ width: 1280, height: 720 });
    }
  });

  it('mobile: the header back button gives up (ret 1); showHeader: false hides the header', async () => {
    await open(1);
    await page.evaluate(() => (window as any).capInit(document, { callback: (window as any).record, showHeader: true, lang: 1033 }));
    await page.getByTestId('tcaptcha-fullscreen').getByRole('slider').waitFor();
    await page.getByTestId('tcaptcha-header').getByRole('button', { name: 'Close' }).click();
    expect(await results()).toEqual([{ ret: 1 }]);
    await expect(page.getByTestId('tcaptcha-fullscreen').count()).resolves.toBe(0);
    await page.evaluate(() => (window as any).capInit(document, { callback: (window as any).record, showHeader: false }));
    await page.getByTestId('tcaptcha-fullscreen').getByRole('slider').waitFor();
    await expect(page.getByTestId('tcaptcha-header').count()).resolves.toBe(0);
    await page.evaluate(() => (window as any).capDestroy());
    await expect(page.getByTestId('tcaptcha-fullscreen').count()).resolves.toBe(0);
  });

  it('mobile: the full-screen layer is a modal dialog that takes focus and gives it back', async () => {
    await open(1);
    await page.locator('#before').focus();
    await page.evaluate(() => (window as any).capInit(document, { callback: (window as any).record, showHeader: true, lang: 1033 }));
    const dialog = page.getByRole('dialog', { name: 'Security check' }).and(page.getByTestId('tcaptcha-fullscreen'));
    await dialog.getByRole('slider').waitFor();
    expect(await dialog.getAttribute('aria-modal')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Close verification');
    await page.keyboard.press('Enter');
    expect(await results()).toEqual([{ ret: 1 }]);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('before');
  });
});

describe('legacy capInit script: fails like Tencent\'s loader', () => {
  afterAll(() => emulator.faults.clear());

  it('defines its globals at once and sets up only once its second stage loaded; capGetTicket() throws until then', async () => {
    emulator.faults.set('sdk', { kind: 'legacy-subscript-hang' }, { times: 1 });
    await open();
    expect(await page.evaluate(() => ['capInit', 'capGetTicket', 'capRefresh', 'capDestroy'].map((k) => typeof (window as any)[k]))).toEqual(['function', 'function', 'function', 'function']);
    expect(await stage2Requested()).toBe(true);
    await page.evaluate(() => (window as any).capInit(document.getElementById('cap'), { callback: (window as any).record, type: 'embed' }));
    await expect(page.evaluate(() => (window as any).capGetTicket())).rejects.toThrow(/getTicket/);
    // The second stage arrives: a fresh one (the fault is spent) loaded by hand, as a late answer would.
    await page.evaluate(() => {
      const s = [...document.scripts].find((x) => x.src.includes('/legacy/TCapIframe.js?'))!;
      const again = document.createElement('script');
      again.src = `${s.src}?again`;
      again.onload = (s as any).onload;
      document.head.append(again);
    });
    await expect.poll(setUp).toBe(true);
    await page.locator('#cap').getByRole('slider').waitFor();
  });

  for (const kind of ['legacy-subscript-hang', 'legacy-subscript-error'] as const) {
    it(`${kind}: capInit has no effect, throws nothing and calls back nothing`, async () => {
      emulator.faults.set('sdk', { kind }, { times: 1 });
      await open();
      await page.evaluate(() => (window as any).capInit(document.getElementById('cap'), { callback: (window as any).record, end: (window as any).record }));
      // The second stage's request ended (404) or is hanging; either way nothing follows.
      await page.waitForTimeout(300);
      expect(await setUp()).toBe(false);
      expect(await page.locator('#cap').innerHTML()).toBe('');
      expect(await results()).toEqual([]);
      expect(await page.evaluate(() => (window as any).errors)).toEqual([]);
    });
  }

  it('a PC script (clientype=2) given capInit(document) throws a TypeError: uncaught in the second stage\'s onload, synchronously after', async () => {
    emulator.faults.set('sdk', { kind: 'legacy-subscript-hang' }, { times: 1 });
    const url = await open(2);
    expect(new URL(url).searchParams.get('clientype')).toBe('2');
    expect(await page.evaluate(() => (window as any).capInit(document, { callback: (window as any).record }))).toBeUndefined();
    await page.evaluate(() => {
      const s = [...document.scripts].find((x) => x.src.includes('/legacy/TCapIframe.js?'))!;
      const again = document.createElement('script');
      again.src = `${s.src}?again`;
      again.onload = (s as any).onload;
      document.head.append(again);
    });
    // Thrown by a script of another origin, so the page sees only "Script error.".
    await expect.poll(() => page.evaluate(() => (window as any).errors.length)).toBe(1);
    expect(await setUp()).toBe(false);
    await expect(page.evaluate(() => (window as any).capInit(document, {}))).rejects.toThrow(/getComputedStyle/);
    expect(await results()).toEqual([]);
  });
});
