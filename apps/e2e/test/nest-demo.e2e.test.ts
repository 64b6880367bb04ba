/**
 * The Nest demo (`apps/nest-demo`) end to end: the same page on NestJS, `POST /login` guarded by
 * `@RequireCaptcha()`. Loaded from its build (Nest needs tsc's decorator metadata).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createEmulator, type Emulator } from '@tencent-captcha/emulator';
import { createNestDemoServer, type NestDemoServer } from '@tencent-captcha/nest-demo';
import { collectPageErrors, launchChromium, screenshot, solveChallenge } from './support/browser.ts';

const WAIT = { timeout: 10_000 };
let browser: Browser;
let emulator: Emulator;
let demo: NestDemoServer;

beforeAll(async () => {
  [browser, emulator] = await Promise.all([launchChromium(), createEmulator({ port: 0 })]);
  demo = await createNestDemoServer({ port: 0, emulator, verifier: { deadlineMs: 2000, attemptTimeoutMs: 1200 } });
});

afterAll(async () => {
  await browser?.close();
  await demo?.close();
  await emulator?.close();
});

describe('nest demo', () => {
  it('solve → the guarded route succeeds', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page: Page = await context.newPage();
    const errors = collectPageErrors(page);
    try {
      await page.goto(demo.url, { waitUntil: 'load', timeout: 10_000 });
      await page.locator('html[data-ready="true"]').waitFor({ state: 'attached', ...WAIT });
      expect(await page.locator('.lede').textContent()).toContain('@tencent-captcha/nestjs');

      await page.locator('tencent-captcha button[part="button"]').click(WAIT);
      await solveChallenge(page);
      await page.locator('#events li[data-event="verified"]').waitFor({ state: 'visible', ...WAIT });

      const [response] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/login', WAIT),
        page.locator('#submit').click(WAIT),
      ]);
      expect(response.status()).toBe(200);
      const answer = (await response.json()) as { ok: boolean; user: string; verdict: { status: string; accepted: boolean; reason: string } };
      expect(answer).toMatchObject({ ok: true, user: 'alice', verdict: { status: 'verified', accepted: true, reason: 'verified' } });
      await page.locator('#result[data-outcome="verified"]').waitFor({ state: 'visible', ...WAIT });
      await screenshot(page, 'nest-demo-verified');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('no ticket → 400 from the guard, with the adapters’ { code, message } body', async () => {
    const response = await fetch(`${demo.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: 'alice', password: 'x' }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { code: string; message: string; verdict: { branch: string; attempts: number } };
    expect(body).toMatchObject({ code: 'ticket_missing', message: expect.any(String) });
    // Decided from the input alone: Tencent was not asked.
    expect(body.verdict).toMatchObject({ branch: 'input', attempts: 0 });
  });
});
