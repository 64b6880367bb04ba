// The legacy capInit script in headless Chromium, loaded from a CaptchaIframeQuery URL by a page on
// another origin: point, popup and embed types, the callback shapes, capGetTicket / capRefresh /
// capDestroy, and that its tickets pass CaptchaCheck.
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

async function open(): Promise<void> {
  const { json } = await legacy({ Action: 'CaptchaIframeQuery', captchaType: 9, disturbLevel: 1, isHttps: 0, clientType: 2 });
  await page.goto(pages.page(`/l${Math.random().toString(36).slice(2)}.html`, sdkPage(json.url, '<div id="cap" style="width:362px;height:40px"></div>')));
  await page.waitForFunction(() => (window as any).sdkLoaded || (window as any).sdkFailed);
}

const results = () => page.evaluate(() => (window as any).results as any[]);
const capCheck = async (ticket: string) =>
  (await legacy({ Action: 'CaptchaCheck', ticket, captchaType: 9, disturbLevel: 1, userIp: '203.0.113.1' })).json.code as number;

describe('legacy capInit script', () => {
  it('point type: a trigger opens the popup; a solve calls back { ret: 0, ticket } that CaptchaCheck accepts twice', async () => {
    await open();
    await page.evaluate(() => (window as any).capInit(document.getElementById('cap'), { callback: (window as any).record, lang: 1033, themeColor: 'ff572d' }));
    expect(await page.evaluate(() => (window as any).capGetTicket())).toEqual({ ret: 1, ticket: '' });
    await page.getByRole('button', { name: 'Click to verify' }).click();
    const dialog = page.getByRole('dialog', { name: 'Security check' });
    await dialog.getByRole('slider', { name: 'Slider position' }).waitFor();
    expect(await dialog.evaluate((el) => getComputedStyle(el.querySelector('.tce-verify')!).backgroundColor)).toBe('rgb(255, 87, 45)');
    const solved = await page.evaluate(() => (window as any).__tencentCaptchaEmulator.solve());
    expect(solved).toEqual({ ret: 0, ticket: expect.stringMatching(/^t02[A-Za-z0-9_-]+\*$/), randstr: expect.stringMatching(/^@[A-Za-z0-9]{6}$/) });
    expect(await results()).toEqual([solved]);
    expect(await page.evaluate(() => (window as any).capGetTicket())).toEqual({ ret: 0, ticket: solved.ticket, randstr: solved.randstr });
    expect(await page.getByTestId('tcaptcha-trigger').isDisabled()).toBe(true);
    expect(await capCheck(solved.ticket)).toBe(0);
    expect(await capCheck(solved.ticket)).toBe(0);
    expect(await capCheck(solved.ticket)).toBe(5100);
    await page.evaluate(() => (window as any).capRefresh());
    expect(await page.evaluate(() => (window as any).capGetTicket())).toEqual({ ret: 1, ticket: '' });
    expect(await page.getByTestId('tcaptcha-trigger').isDisabled()).toBe(false);
  });

  it('calls back { ret: 1 } when the user closes the popup (ret 1, not 2, in the legacy SDK)', async () => {
    await open();
    await page.evaluate(() => (window as any).capInit(document.getElementById('cap'), { callback: (window as any).record, type: 'popup', lang: 2052 }));
    await page.getByRole('dialog', { name: '安全验证' }).getByRole('slider').waitFor();
    await page.getByRole('button', { name: '关闭验证' }).click();
    expect(await results()).toEqual([{ ret: 1 }]);
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
      await open();
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
    await open();
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
});
