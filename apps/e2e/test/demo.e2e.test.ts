/**
 * The demo (`apps/demo`) end to end: the real page in headless Chromium, the Koa server and an
 * emulator in this process, all on 127.0.0.1 port 0. Faults are switched through the page's own drill
 * panel, as a visitor would.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { createEmulator, type Emulator } from '@tencent-captcha/emulator';
import { createDemoServer, type DemoServer } from '@tencent-captcha/demo';
import { closeChallenge, collectPageErrors, launchChromium, screenshot, solveChallenge } from './support/browser.ts';

/** Short enough to keep the suite fast, long enough for a loaded 2-core machine. */
const DEADLINE_MS = 2000;
const ATTEMPT_TIMEOUT_MS = 1200;
// The demo's own load timeout: a healthy script on a busy CI machine must never fall back by accident.
const LOAD_TIMEOUT_MS = 5000;
const WAIT = { timeout: 10_000 };

let browser: Browser;
let emulator: Emulator;
let demo: DemoServer;
let context: BrowserContext;
let page: Page;
let errors: string[];
let logins: Request[];

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
    loadTimeoutMs: LOAD_TIMEOUT_MS,
    verifier: { deadlineMs: DEADLINE_MS, attemptTimeoutMs: ATTEMPT_TIMEOUT_MS },
  });
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  errors = collectPageErrors(page);
  logins = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/login') logins.push(request);
  });
  await openDemo();
});

afterEach(async () => {
  await context?.close();
  await demo?.close();
  await emulator?.close();
});

async function openDemo(): Promise<void> {
  await page.goto(demo.url, { waitUntil: 'load', timeout: 10_000 });
  await page.locator('html[data-ready="true"]').waitFor({ state: 'attached', ...WAIT });
}

/** Clicks a drill-panel choice by its label and waits until the server confirmed it. */
async function drill(name: 'mode' | 'sdk' | 'api', value: string): Promise<void> {
  const before = await page.locator('#drill-status').textContent();
  await page.locator(`#drill input[name="${name}"][value="${value}"]`).check(WAIT);
  await page.waitForFunction((text) => document.querySelector('#drill-status')?.textContent !== text, before, WAIT);
  expect(await page.locator('#drill-status').textContent()).not.toMatch(/Could not/);
}

async function openCaptcha(): Promise<void> {
  await page.locator('tencent-captcha button[part="button"]').click(WAIT);
}

/** Waits until the page's event log shows the `count`-th event of this name; returns the newest one's text. */
async function waitForEvent(name: 'verified' | 'fallback' | 'closed', timeout = 10_000, count = 1): Promise<string> {
  await page.locator(`#events li[data-event="${name}"]`).nth(count - 1).waitFor({ state: 'visible', timeout });
  return (await page.locator(`#events li[data-event="${name}"]`).first().textContent()) ?? '';
}

interface LoginAnswer {
  ok: boolean;
  code?: string;
  summary: { outcome: string; title: string; text: string };
  verdict: { status: string; accepted: boolean; reason: string; cause: string | null; mode: string; latencyMs: number; branch: string; attempts: number; captchaCode: number | null };
}

/** Submits the login form with the page's own button; resolves with the server's answer. */
async function submitLogin(): Promise<{ status: number; answer: LoginAnswer; headers: Record<string, string>; elapsedMs: number }> {
  const started = Date.now();
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/login', { timeout: DEADLINE_MS + 8000 }),
    page.locator('#submit').click(WAIT),
  ]);
  const elapsedMs = Date.now() - started;
  const answer = (await response.json()) as LoginAnswer;
  // The page has rendered the answer once the outcome left `pending`.
  await page.waitForFunction(() => !['pending', 'none'].includes(document.querySelector<HTMLElement>('#result')?.dataset.outcome ?? 'none'), null, WAIT);
  return { status: response.status(), answer, headers: response.headers(), elapsedMs };
}

async function formFields(): Promise<Record<string, string>> {
  return page.evaluate(() => {
    const form = document.querySelector<HTMLFormElement>('#login');
    if (!form) throw new Error('no login form');
    const out: Record<string, string> = {};
    for (const [name, value] of new FormData(form)) out[name] = String(value);
    return out;
  });
}

describe('demo: the login page', () => {
  it('solve → the form carries the ticket and the login is verified', async () => {
    await screenshot(page, 'demo-1-initial');
    expect(await page.locator('#backend').textContent()).toMatch(/emulator/i);
    expect((await formFields())['tencent-captcha-ticket']).toBeUndefined();

    await openCaptcha();
    await solveChallenge(page);
    const logged = await waitForEvent('verified');
    expect(logged).toMatch(/ticket /);
    const fields = await formFields();
    expect(fields['tencent-captcha-ticket']).toMatch(/^t/);
    expect(fields['tencent-captcha-randstr']).toBeTruthy();
    expect(fields['tencent-captcha-ticket']).not.toMatch(/^t?r?error_/);

    const { status, answer } = await submitLogin();
    expect(status).toBe(200);
    expect(answer.ok).toBe(true);
    expect(answer.verdict).toMatchObject({ status: 'verified', accepted: true, reason: 'verified', branch: 'tencent_answer' });
    expect(await page.locator('#result').getAttribute('data-outcome')).toBe('verified');
    expect(await page.locator('#result-headline').textContent()).toMatch(/Welcome, alice: verified/);
    await screenshot(page, 'demo-2-verified');
    expect(errors).toEqual([]);
  });

  it('is labelled for assistive technology and works from the keyboard', async () => {
    // Every control has an accessible name; the verdict is a live region.
    expect(await page.evaluate(() => [...document.querySelectorAll('input')].filter((input) => input.labels?.length === 0).map((i) => i.outerHTML))).toEqual([]);
    await page.getByLabel('User name').waitFor(WAIT);
    await page.getByLabel('Password').waitFor(WAIT);
    for (const [group, count] of [['Policy mode (server)', 3], ['Tencent’s SDK in the browser', 6], ['Tencent’s API from the server', 4]] as const) {
      expect(await page.getByRole('group', { name: group }).getByRole('radio').count()).toBe(count);
    }
    expect(await page.getByRole('radio', { name: /^closed/ }).count()).toBe(1);
    expect(await page.locator('#result').getAttribute('role')).toBe('status');

    // Keyboard only: from the password field, Tab reaches the element's own button; Enter opens the challenge.
    await page.getByLabel('Password').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.localName)).toBe('tencent-captcha');
    expect(await page.locator('tencent-captcha').evaluate((el) => el.shadowRoot?.activeElement?.getAttribute('part'))).toBe('button');
    await page.keyboard.press('Enter');
    await solveChallenge(page);
    await waitForEvent('verified');
    await page.getByRole('button', { name: 'Log in' }).focus();
    const [response] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === '/login', WAIT),
      page.keyboard.press('Enter'),
    ]);
    expect(response.status()).toBe(200);
  });

  it('follows the page language: <html lang="ja"> → the element re-renders in Japanese', async () => {
    await page.evaluate(() => document.documentElement.setAttribute('lang', 'ja'));
    await page.locator('tencent-captcha').getByRole('button', { name: 'ロボットでないことを確認' }).waitFor({ state: 'visible', ...WAIT });
    expect(errors).toEqual([]);
  });

  it('close → the required element blocks the form and nothing is submitted', async () => {
    await openCaptcha();
    await closeChallenge(page);
    await waitForEvent('closed');
    expect(await page.locator('tencent-captcha').evaluate((el: HTMLElement & { status?: string }) => el.status)).toBe('closed');

    // The browser fires `invalid` at the element when the submission is blocked by `required`.
    const invalid = page.locator('tencent-captcha').evaluate(
      (el) => new Promise<boolean>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no invalid event within 5 s')), 5000);
        el.addEventListener('invalid', () => (clearTimeout(timer), resolve(true)), { once: true });
      }),
    );
    await page.locator('#submit').click(WAIT);
    expect(await invalid).toBe(true);
    expect(await page.locator('#login').evaluate((form: HTMLFormElement) => form.checkValidity())).toBe(false);
    expect(await formFields()).not.toHaveProperty('tencent-captcha-ticket');
    // Give a stray submission a chance to show up before asserting that none happened.
    await page.waitForTimeout(300);
    expect(logins).toHaveLength(0);
    expect(await page.locator('#result').getAttribute('data-outcome')).toBe('none');
    await screenshot(page, 'demo-3-closed');
  });

  it('SDK script blocked → fallback; the server accepts it in adaptive and open mode, and refuses it with 503 in closed mode', async () => {
    await drill('sdk', 'script-404');
    expect(emulator.faults.state().sdk[0]?.fault).toEqual({ kind: 'script-404' });
    // The panel's reload button: wait for the new document, not the old one's data-ready.
    await Promise.all([page.waitForEvent('load', WAIT), page.locator('#reload').click(WAIT)]);
    await page.locator('html[data-ready="true"]').waitFor({ state: 'attached', ...WAIT });
    expect(await page.locator('#drill input[name="sdk"][value="script-404"]').isChecked()).toBe(true);

    // adaptive (the default): within the small budget while Tencent looks healthy.
    await openCaptcha();
    const fallback = await waitForEvent('fallback', LOAD_TIMEOUT_MS + 5000);
    expect(fallback).toMatch(/errorCode 1001/);
    expect((await formFields())['tencent-captcha-ticket']).toMatch(new RegExp(`^t(r)?error_1001_${demo.appId}_\\d+$`));
    let login = await submitLogin();
    expect(login.status).toBe(200);
    expect(login.answer.verdict).toMatchObject({ status: 'degraded', accepted: true, reason: 'disaster_ticket', mode: 'adaptive', branch: 'degraded_accept' });
    expect(await page.locator('#result').getAttribute('data-outcome')).toBe('degraded');
    await screenshot(page, 'demo-4-fallback-accepted');

    // open: the outage budget.
    await drill('mode', 'open');
    await openCaptcha();
    await waitForEvent('fallback', LOAD_TIMEOUT_MS + 5000, 2);
    login = await submitLogin();
    expect(login.status).toBe(200);
    expect(login.answer.verdict).toMatchObject({ status: 'degraded', accepted: true, reason: 'disaster_ticket', mode: 'open' });

    // closed: never accepted, 503 with Retry-After: not the user's fault.
    await drill('mode', 'closed');
    await openCaptcha();
    await waitForEvent('fallback', LOAD_TIMEOUT_MS + 5000, 3);
    login = await submitLogin();
    expect(login.status).toBe(503);
    expect(Number(login.headers['retry-after'])).toBeGreaterThan(0);
    expect(login.answer).toMatchObject({ ok: false, code: 'disaster_ticket' });
    expect(login.answer.verdict).toMatchObject({ status: 'degraded', accepted: false, mode: 'closed', branch: 'mode_closed' });
    expect(await page.locator('#result').getAttribute('data-outcome')).toBe('refused');
    await screenshot(page, 'demo-5-fallback-closed-503');
  });

  it('SDK errorCode, API InternalError and CaptchaCode 26 → degraded verdicts the page explains', async () => {
    // The SDK reports errorCode 1006: its own disaster ticket stands in (no reload needed: show() consults the emulator).
    await drill('sdk', 'error-code');
    await openCaptcha();
    expect(await waitForEvent('fallback')).toMatch(/errorCode 1006/);
    let login = await submitLogin();
    expect(login.status).toBe(200);
    expect(login.answer.verdict).toMatchObject({ status: 'degraded', accepted: true, reason: 'disaster_ticket' });

    // Tencent answers InternalError: retried once (it cannot have consumed the ticket), then degraded.
    await drill('sdk', 'healthy');
    await drill('api', 'internal-error');
    await openCaptcha();
    await solveChallenge(page);
    await waitForEvent('verified');
    login = await submitLogin();
    expect(login.status).toBe(200);
    expect(login.answer.verdict).toMatchObject({ status: 'degraded', accepted: true, reason: 'upstream_internal_error', attempts: 2 });
    expect(await page.locator('#result-text').textContent()).toMatch(/internal error/i);

    // CaptchaCode 26 in closed mode: refused with 503, not the user's fault.
    await drill('api', 'captcha-code-26');
    await drill('mode', 'closed');
    await openCaptcha();
    await solveChallenge(page);
    await waitForEvent('verified', 10_000, 2);
    login = await submitLogin();
    expect(login.status).toBe(503);
    expect(login.answer).toMatchObject({ ok: false, code: 'system_busy' });
    expect(login.answer.verdict).toMatchObject({ status: 'degraded', accepted: false, branch: 'mode_closed', captchaCode: 26 });
    expect(await page.locator('#result').getAttribute('data-outcome')).toBe('refused');
  });

  it('challenge never appears → the element falls back after its show timeout (1002) and the login is degraded', async () => {
    // Tencent's SDK would be silent for 20 s; the element gives up after its show-timeout (shortened here).
    await page.evaluate(() => {
      document.querySelector<HTMLElement & { showTimeout: number }>('tencent-captcha')!.showTimeout = 300;
    });
    await drill('sdk', 'challenge-hang');
    expect(emulator.faults.state().sdk[0]?.fault).toEqual({ kind: 'challenge-hang' });
    await openCaptcha();
    expect(await waitForEvent('fallback', 5000)).toMatch(/errorCode 1002 \(sdk_show_timeout\)/);
    expect((await formFields())['tencent-captcha-ticket']).toMatch(new RegExp(`^terror_1002_${demo.appId}_\\d+$`));
    const login = await submitLogin();
    expect(login.status).toBe(200);
    expect(login.answer.verdict).toMatchObject({ status: 'degraded', accepted: true, reason: 'disaster_ticket' });
  });

  it('API hanging → the login is decided within the deadline', async () => {
    await drill('api', 'hang');
    expect(emulator.faults.state().api[0]?.fault).toEqual({ kind: 'hang' });
    await openCaptcha();
    await solveChallenge(page);
    await waitForEvent('verified');

    const { status, answer, elapsedMs } = await submitLogin();
    // The verifier answers by its deadline whatever Tencent does; the browser round trip adds a little.
    expect(answer.verdict.latencyMs).toBeLessThanOrEqual(DEADLINE_MS + 500);
    expect(elapsedMs).toBeLessThan(DEADLINE_MS + 3000);
    expect(answer.verdict.latencyMs).toBeGreaterThanOrEqual(ATTEMPT_TIMEOUT_MS - 50);
    expect(answer.verdict).toMatchObject({ status: 'degraded', cause: 'upstream_timeout', mode: 'adaptive' });
    // Adaptive mode, Tencent looked healthy until now: accepted within the small budget.
    expect(status).toBe(200);
    expect(answer.verdict.accepted).toBe(true);
    await screenshot(page, 'demo-6-api-hang');
  });

  it('a forged terror_ ticket posted directly while Tencent is healthy is refused once the budget is spent', async () => {
    const perIp = demo.verifier.options.budgets.perIp;
    const now = Math.floor(Date.now() / 1000);
    const post = (i: number) =>
      fetch(`${demo.url}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        // Each forgery is a different, well-formed, fresh disaster ticket for the right app id.
        body: new URLSearchParams({ username: 'mallory', 'tencent-captcha-ticket': `terror_1001_${demo.appId}_${now - i}`, 'tencent-captcha-randstr': `@forged${i}` }),
      });

    const statuses: number[] = [];
    for (let i = 0; i < perIp; i++) {
      const response = await post(i);
      statuses.push(response.status);
      const body = (await response.json()) as LoginAnswer;
      expect(body.verdict).toMatchObject({ status: 'degraded', reason: 'disaster_ticket', accepted: true });
    }
    expect(statuses).toEqual(Array(perIp).fill(200));

    const refused = await post(perIp);
    expect(refused.status).toBe(503);
    const body = (await refused.json()) as LoginAnswer;
    expect(body).toMatchObject({ ok: false, code: 'budget_exhausted' });
    expect(body.verdict).toMatchObject({ accepted: false, branch: 'budget', cause: 'disaster_ticket' });
    // Tencent stayed healthy the whole time: no fault was set.
    expect(emulator.faults.state()).toEqual({ api: [], sdk: [] });
    expect(demo.verifier.breakerState).toBe('closed');
  });
});
