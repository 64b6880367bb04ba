/**
 * Operating it, as the demo shows it: the verifiers' OpenTelemetry counters at /metrics (Prometheus)
 * and the page's live panel (last minute: verified / degraded accepted / refused, breaker), which
 * raises the alert an operator would get when a drill makes logins fail open.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createEmulator, type Emulator } from '@tencent-captcha/emulator';
import { createDemoServer, type DemoServer } from '@tencent-captcha/demo';
import { launchChromium } from './support/browser.ts';

const WAIT = { timeout: 10_000 };
let browser: Browser;
let emulator: Emulator;
let demo: DemoServer;
let context: BrowserContext | undefined;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  emulator = await createEmulator({ port: 0 });
  demo = await createDemoServer({ port: 0, host: '127.0.0.1', emulator, verifier: { logger: false, deadlineMs: 2000, attemptTimeoutMs: 1000 } });
});
afterEach(async () => {
  await context?.close();
  context = undefined;
  await demo?.close();
  await emulator?.close();
});

async function login(ticket: string, randstr: string): Promise<number> {
  const res = await fetch(`${demo.url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: 'alice', 'tencent-captcha-ticket': ticket, 'tencent-captcha-randstr': randstr }),
  });
  await res.arrayBuffer();
  return res.status;
}

describe('demo metrics', () => {
  it('serves the verification counters to Prometheus at /metrics', async () => {
    const { ticket, randstr } = emulator.issueTicket();
    expect(await login(ticket, randstr)).toBe(200);
    expect(await login(ticket, randstr)).toBe(403);
    const res = await fetch(`${demo.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/tencent_captcha_verifications(_total)?\{[^}]*tencent_captcha_status="verified"[^}]*\} 1/);
    expect(text).toMatch(/tencent_captcha_verifications(_total)?\{[^}]*tencent_captcha_status="rejected"[^}]*\} 1/);
    expect(text).toContain('tencent_captcha_verification_duration');
    expect(text).toMatch(/tencent_captcha_breaker_state\{[^}]*tencent_captcha_state="closed"[^}]*\} 1/);
    expect(text).not.toContain(ticket);
  });

  it('shows degraded acceptances and the alert on the page while Tencent is down', async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page: Page = await context.newPage();
    await page.goto(demo.url, { waitUntil: 'load', ...WAIT });
    await page.locator('html[data-ready="true"]').waitFor({ state: 'attached', ...WAIT });
    expect(await page.locator('#live-alert').isHidden()).toBe(true);

    // Tencent's API answers InternalError: an adaptive login with a disaster ticket is let in degraded.
    emulator.faults.set('api', { kind: 'internal-error' });
    const now = Math.floor(Date.now() / 1000);
    expect(await login(`trerror_1001_${emulator.appId}_${now}`, '@none')).toBe(200);
    const live = (await (await fetch(`${demo.url}/api/live`)).json()) as Record<string, unknown>;
    expect(live).toMatchObject({ windowSeconds: 60, degradedAccepted: 1 });

    await page.locator('#live-alert').waitFor({ state: 'visible', ...WAIT });
    expect(await page.locator('#live-degraded').textContent()).toBe('1');
    expect(await page.locator('#live-alert').textContent()).toMatch(/1 login accepted without Tencent’s word/);
  });
});
