/**
 * The demo's legacy page (`/legacy`, the 天御 `capInit` captcha of seed `003`) end to end in headless
 * Chromium, on a PC and a phone viewport: the server fetches a one-time script URL per view, the
 * element runs its legacy driver, and the same Koa middleware with the legacy verifier guards
 * `POST /legacy`. Solve → verified (200); the same ticket again → 403 `ticket_reused` (Tencent would
 * accept it twice); the drill panel's API hang → the policy decides within the deadline; Tencent's CDN
 * hanging under the legacy script (which, like Tencent's loader, then stays silent) → the element falls
 * back within its show-timeout on a PC and on a phone, and the login goes through as degraded.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { createEmulator, type Emulator } from '@tencent-captcha/emulator';
import { createDemoServer, type DemoServer } from '@tencent-captcha/demo';
import { collectPageErrors, launchChromium, screenshot, solveChallenge } from './support/browser.ts';

const DEADLINE_MS = 2000;
const ATTEMPT_TIMEOUT_MS = 1200;
const WAIT = { timeout: 10_000 };

const PC: BrowserContextOptions = { viewport: { width: 1280, height: 900 } };
const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  isMobile: true,
  hasTouch: true,
  userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
};

let browser: Browser;
let emulator: Emulator;
let demo: DemoServer;
let context: BrowserContext | undefined;
let page: Page;
let errors: string[];

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  emulator = await createEmulator({ port: 0 });
  demo = await createDemoServer({
    port: 0,
    host: '127.0.0.1',
    emulator,
    loadTimeoutMs: 5000,
    verifier: { deadlineMs: DEADLINE_MS, attemptTimeoutMs: ATTEMPT_TIMEOUT_MS },
  });
});
afterEach(async () => {
  await context?.close();
  context = undefined;
  await demo?.close();
  await emulator?.close();
});

async function openLegacy(options: BrowserContextOptions, waitUntil: 'load' | 'domcontentloaded' = 'load'): Promise<void> {
  context = await browser.newContext(options);
  page = await context.newPage();
  errors = collectPageErrors(page);
  await page.goto(`${demo.url}/legacy`, { waitUntil, timeout: 10_000 });
  await page.locator('html[data-ready="true"]').waitFor({ state: 'attached', ...WAIT });
}

/** The element's current form fields. */
function formFields(): Promise<Record<string, string>> {
  return page.evaluate(() => {
    const out: Record<string, string> = {};
    for (const [name, value] of new FormData(document.querySelector<HTMLFormElement>('#login')!)) out[name] = String(value);
    return out;
  });
}

interface Answer {
  code?: string;
  verdict: { status: string; accepted: boolean; reason: string; latencyMs: number; branch: string };
}

/** Submits the page's form with its own button; resolves with the server's answer. */
async function submit(): Promise<{ status: number; answer: Answer; headers: Record<string, string>; elapsedMs: number }> {
  const started = Date.now();
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/legacy', { timeout: DEADLINE_MS + 8000 }),
    page.locator('#submit').click(WAIT),
  ]);
  return { status: response.status(), answer: (await response.json()) as Answer, headers: response.headers(), elapsedMs: Date.now() - started };
}

/** Posts fields to `/legacy` from the page (a replay of a captured ticket). */
function replay(fields: Record<string, string>): Promise<{ status: number; body: { code?: string } }> {
  return page.evaluate(async (f) => {
    const response = await fetch('/legacy', { method: 'POST', body: new URLSearchParams(f), headers: { accept: 'application/json' } });
    return { status: response.status, body: (await response.json()) as { code?: string } };
  }, fields);
}

/** PC: the SDK draws its own trigger into the element's box; click it and solve. */
async function solveOnPc(): Promise<void> {
  const trigger = page.locator('tencent-captcha [data-testid="tcaptcha-trigger"]');
  await trigger.click(WAIT);
  await solveChallenge(page);
  await page.locator('#events li[data-event="verified"]').first().waitFor({ state: 'visible', ...WAIT });
}

describe('demo /legacy (天御 capInit, seed 003)', () => {
  it('PC: one-time script URL per view, the SDK trigger in a 362×40 box; solve → 200 verified; replay → 403 ticket_reused', async () => {
    await openLegacy(PC);
    const captcha = page.locator('tencent-captcha');
    expect(await captcha.getAttribute('driver')).toBe('legacy');
    const src = (await captcha.getAttribute('src')) ?? '';
    expect(src).toMatch(/^\/legacy\/TCapIframeApi\.js\?.*clientype=2/);
    expect(await page.locator('#login').getAttribute('action')).toBe('/legacy');

    const box = page.locator('tencent-captcha > [slot="captcha"]');
    await page.locator('tencent-captcha [data-testid="tcaptcha-trigger"]').waitFor(WAIT);
    const rect = await box.boundingBox();
    expect(rect!.width).toBeGreaterThanOrEqual(362);
    expect(rect!.height).toBeGreaterThanOrEqual(40);

    await solveOnPc();
    const fields = await formFields();
    expect(fields['tencent-captcha-ticket']).toMatch(/^t02/);
    expect(fields['tencent-captcha-randstr']).toMatch(/^@/);
    await screenshot(page, 'demo-legacy-pc-solved');

    const { status, answer } = await submit();
    expect(status).toBe(200);
    expect(answer.verdict).toMatchObject({ status: 'verified', accepted: true, reason: 'verified' });
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#result')?.dataset.outcome !== 'pending', null, WAIT);

    const again = await replay(fields);
    expect(again).toEqual({ status: 403, body: expect.objectContaining({ code: 'ticket_reused' }) });

    // A new view gets a new URL (each loads once).
    await page.reload({ waitUntil: 'load' });
    expect(await page.locator('tencent-captcha').getAttribute('src')).not.toBe(src);
    expect(errors.filter((e) => !/Failed to load resource.*403/.test(e))).toEqual([]);
  });

  it('mobile: capInit(document, { showHeader: true }) full screen; solve → 200 verified; replay → 403 ticket_reused', async () => {
    await openLegacy(PHONE);
    expect(await page.locator('tencent-captcha').getAttribute('src')).toMatch(/clientype=1/);
    // Not started by itself on a phone: the element's own button opens the SDK, which covers the screen.
    await page.locator('tencent-captcha button[part="button"]').click(WAIT);
    const layer = page.locator('[data-testid="tcaptcha-fullscreen"]');
    await layer.waitFor(WAIT);
    expect(await layer.boundingBox()).toEqual({ x: 0, y: 0, width: 390, height: 844 });
    expect(await page.locator('[data-testid="tcaptcha-header"]').isVisible()).toBe(true);
    await screenshot(page, 'demo-legacy-mobile-challenge');
    await solveChallenge(page);
    await page.locator('#events li[data-event="verified"]').first().waitFor({ state: 'visible', ...WAIT });
    await layer.waitFor({ state: 'detached', ...WAIT });

    const fields = await formFields();
    const { status, answer } = await submit();
    expect([status, answer.verdict.reason]).toEqual([200, 'verified']);
    expect(await replay(fields)).toEqual({ status: 403, body: expect.objectContaining({ code: 'ticket_reused' }) });
  });

  it('API hang (drill panel): the policy decides within the deadline — adaptive accepts as degraded, closed answers 503', async () => {
    await openLegacy(PC);
    await solveOnPc();
    const hang = page.locator('#drill input[name="api"][value="hang"]');
    await hang.check(WAIT);
    await page.waitForFunction(() => /hang/i.test(document.querySelector('#drill-status')?.textContent ?? ''), null, WAIT);

    const adaptive = await submit();
    expect(adaptive.status).toBe(200);
    expect(adaptive.answer.verdict).toMatchObject({ status: 'degraded', accepted: true, reason: 'upstream_timeout' });
    expect(adaptive.answer.verdict.latencyMs).toBeLessThanOrEqual(DEADLINE_MS + 100);
    expect(adaptive.elapsedMs).toBeLessThan(DEADLINE_MS + 3000);

    // The page asks for a fresh ticket after each login; closed mode refuses the unknown answer.
    await page.locator('#drill input[name="mode"][value="closed"]').check(WAIT);
    await page.waitForFunction(() => /closed/.test(document.querySelector('#drill-status')?.textContent ?? ''), null, WAIT);
    await page.locator('#events li[data-event="verified"]').first().waitFor(WAIT);
    await page.locator('tencent-captcha [data-testid="tcaptcha-trigger"]:not([disabled])').click(WAIT);
    await solveChallenge(page);
    await page.locator('#events li[data-event="verified"]').nth(1).waitFor({ state: 'visible', ...WAIT });
    const closed = await submit();
    expect(closed.status).toBe(503);
    expect(closed.headers['retry-after']).toMatch(/^\d+$/);
    expect(closed.answer).toMatchObject({ code: 'upstream_timeout', verdict: { accepted: false, branch: 'mode_closed' } });
    expect(closed.answer.verdict.latencyMs).toBeLessThanOrEqual(DEADLINE_MS + 100);
  });

  for (const [name, options] of [['PC', PC], ['phone', PHONE]] as const) {
    it(`${name}: the legacy script's CDN hangs → the element falls back (1002) within its show-timeout; the login is accepted as degraded`, async () => {
      emulator.faults.set('sdk', { kind: 'legacy-subscript-hang' });
      const started = Date.now();
      // The hung sub-script holds the page's load event, as Tencent's would.
      await openLegacy(options, 'domcontentloaded');
      // A PC starts by itself; a phone waits for the element's button.
      if (name === 'phone') await page.locator('tencent-captcha button[part="button"]').click(WAIT);
      await page.locator('#events li[data-event="fallback"]').first().waitFor({ state: 'visible', timeout: 25_000 });
      // The element's default show-timeout is 10 s; before it, nothing (Tencent's loader has no timer).
      expect(Date.now() - started).toBeLessThan(10_000 + 8000);
      expect(await page.locator('tencent-captcha').evaluate((el) => (el as HTMLElement & { status: string }).status)).toBe('fallback');
      const fields = await formFields();
      expect(fields['tencent-captcha-ticket']).toMatch(new RegExp(`^trerror_1002_${emulator.appId}_\\d+$`));
      const { status, answer } = await submit();
      expect(status).toBe(200);
      expect(answer.verdict).toMatchObject({ status: 'degraded', accepted: true });
      expect(errors).toEqual([]);
    });
  }
});
