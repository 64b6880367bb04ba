/**
 * The framework examples (Vue 3, React 19, Angular 21), built, in headless Chromium against an
 * emulator: the element renders, each framework binds its ticket its own way (v-model, a reactive
 * form's formControlName + ngDefaultControl, a React 19 form action + onChange), its events reach the
 * framework, the form posts to a server that verifies with core, and a refusal leads to `refresh()`.
 */
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { createEmulator, type Emulator } from '@tencent-captcha/emulator';
import { closeChallenge, collectPageErrors, launchChromium, screenshot, solveChallenge } from './support/browser.ts';
import { serveLoginApp, type LoginServer } from './support/login-server.ts';

const require = createRequire(import.meta.url);
const WAIT = { timeout: 10_000 };
const EXAMPLES = [
  { name: 'vue', pkg: '@tencent-captcha/example-vue', title: 'Vue 3' },
  { name: 'react', pkg: '@tencent-captcha/example-react', title: 'React 19' },
  { name: 'angular', pkg: '@tencent-captcha/example-angular', title: 'Angular 21' },
] as const;

let browser: Browser;
let emulator: Emulator;

beforeAll(async () => {
  [browser, emulator] = await Promise.all([launchChromium(), createEmulator({ port: 0 })]);
});

afterAll(async () => {
  await browser?.close();
  await emulator?.close();
});

describe.each(EXAMPLES)('$title example', ({ name, pkg, title }) => {
  let site: LoginServer;

  beforeAll(async () => {
    site = await serveLoginApp(resolve(dirname(require.resolve(`${pkg}/package.json`)), 'dist'), emulator);
  });

  afterAll(async () => {
    await site?.close();
  });

  it('binds the ticket the framework’s own way; closed and fallback reach it; solve, submit, a refusal refreshes, solve and submit again', async () => {
    emulator.faults.clear();
    const context = await browser.newContext({ viewport: { width: 900, height: 800 } });
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    const bound = () => page.locator('#value').textContent();
    const elementValue = () => page.evaluate(() => (document.querySelector('tencent-captcha') as HTMLElement & { value: string }).value);
    try {
      await page.goto(`${site.url}/?sdk=${encodeURIComponent(emulator.sdkUrl)}&app-id=${emulator.appId}`, { waitUntil: 'load', timeout: 15_000 });
      await page.locator('h1', { hasText: title }).waitFor({ state: 'visible', ...WAIT });

      // Rendered: registered, upgraded, with its own accessible button in the shadow root.
      const trigger = page.locator('tencent-captcha').getByRole('button', { name: 'Verify you are human' });
      await trigger.waitFor({ state: 'visible', ...WAIT });
      expect(await page.locator('tencent-captcha').getAttribute('app-id')).toBe(emulator.appId);
      expect(await bound()).toBe('');
      expect(await page.locator('#submit').isDisabled()).toBe(true);
      if (name === 'angular') expect(await page.locator('#validity').textContent()).toBe('invalid');

      // closed → the framework's event list.
      await trigger.click(WAIT);
      await closeChallenge(page);
      await page.locator('#events li[data-event="closed"]').waitFor({ state: 'visible', ...WAIT });

      // fallback (the SDK reports errorCode 1006 once): a disaster ticket is a value too.
      emulator.faults.set('sdk', { kind: 'error-code', errorCode: 1006 }, { times: 1 });
      await page.locator('tencent-captcha button[part="button"]').click(WAIT);
      await page.locator('#events li[data-event="fallback"]').waitFor({ state: 'visible', ...WAIT });
      await expect.poll(bound, WAIT).toMatch(new RegExp(`^t(r)?error_1006_${emulator.appId}_\\d+`));
      if (name === 'angular') expect(await page.locator('#validity').textContent()).toBe('valid');

      // Try again, solve: the bound value is the real ticket.
      await page.locator('tencent-captcha button[part="button"]').click(WAIT);
      await solveChallenge(page);
      await page.locator('#events li[data-event="verified"]').waitFor({ state: 'visible', ...WAIT });
      const first = await elementValue();
      expect(first).toMatch(/^t/);
      expect(first).not.toMatch(/error_/);
      await expect.poll(bound, WAIT).toBe(first);

      // The server refuses it (Tencent answers CaptchaCode 9 once): the verdict is shown, the app calls
      // refresh(), the bound value empties and a fresh challenge is on screen.
      emulator.faults.set('api', { kind: 'captcha-code', code: 9 }, { times: 1 });
      await page.locator('#submit').click(WAIT);
      await page.locator('#verdict[data-status="rejected"]').waitFor({ state: 'visible', ...WAIT });
      expect(site.answers.at(-1)?.fields).toMatchObject({ username: 'alice', 'tencent-captcha-ticket': first });
      await expect.poll(bound, WAIT).toBe('');
      expect(await page.locator('#submit').isDisabled()).toBe(true);
      await solveChallenge(page);
      await expect.poll(bound, WAIT).toMatch(/^t/);
      const second = await elementValue();
      expect(second).not.toBe(first);
      expect(await bound()).toBe(second);

      // Submit again: verified by the server (through core, against the emulator); the app clears the element.
      await page.locator('#submit').click(WAIT);
      await page.locator('#verdict[data-status="verified"]').waitFor({ state: 'visible', ...WAIT }).catch((error: unknown) => {
        throw new Error(`no verified verdict; the server answered ${JSON.stringify(site.answers)}`, { cause: error });
      });
      expect(site.answers.at(-1)).toMatchObject({ status: 'verified', accepted: true, fields: { username: 'alice', 'tencent-captcha-ticket': second } });
      await expect.poll(bound, WAIT).toBe('');
      expect(await elementValue()).toBe('');
      await screenshot(page, `example-${name}`);
      // The refusal's 403 is logged by the browser as a failed resource; nothing else may be.
      expect(errors.filter((e) => !/status of 403/.test(e))).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
