/**
 * The framework examples (Vue 3, React 19, Angular 21), built, in headless Chromium against an
 * emulator: the element renders, its events reach the framework (which renders them in its own
 * template), and the form carries its fields.
 */
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createEmulator, type Emulator } from '@tencent-captcha/emulator';
import { closeChallenge, collectPageErrors, launchChromium, screenshot, solveChallenge } from './support/browser.ts';
import { serveStatic, type StaticServer } from './support/static-server.ts';

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

async function submittedFields(page: Page): Promise<Record<string, string>> {
  await page.locator('#submitted').waitFor({ state: 'visible', ...WAIT });
  return page.locator('#submitted dd').evaluateAll((dds) => Object.fromEntries(dds.map((dd) => [dd.getAttribute('data-field') ?? '', dd.textContent ?? ''])));
}

describe.each(EXAMPLES)('$title example', ({ name, pkg, title }) => {
  let site: StaticServer;

  beforeAll(async () => {
    site = await serveStatic(resolve(dirname(require.resolve(`${pkg}/package.json`)), 'dist'));
  });

  afterAll(async () => {
    await site?.close();
  });

  it('renders the element; closed, fallback and verified reach the framework; the form carries the fields', async () => {
    emulator.faults.clear();
    const context = await browser.newContext({ viewport: { width: 900, height: 800 } });
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    try {
      await page.goto(`${site.url}/?sdk=${encodeURIComponent(emulator.sdkUrl)}&app-id=${emulator.appId}`, { waitUntil: 'load', timeout: 15_000 });
      await page.locator('h1', { hasText: title }).waitFor({ state: 'visible', ...WAIT });

      // Rendered: registered, upgraded, with its own accessible button in the shadow root.
      const trigger = page.locator('tencent-captcha').getByRole('button', { name: 'Verify you are human' });
      await trigger.waitFor({ state: 'visible', ...WAIT });
      expect(await page.evaluate(() => customElements.get('tencent-captcha') !== undefined)).toBe(true);
      expect(await page.locator('tencent-captcha').getAttribute('app-id')).toBe(emulator.appId);

      // closed → the framework's event list.
      await trigger.click(WAIT);
      await closeChallenge(page);
      await page.locator('#events li[data-event="closed"]').waitFor({ state: 'visible', ...WAIT });

      // fallback (the SDK reports errorCode 1006 once) → the framework's event list; the form carries the disaster ticket.
      emulator.faults.set('sdk', { kind: 'error-code', errorCode: 1006 }, { times: 1 });
      await page.locator('tencent-captcha button[part="button"]').click(WAIT);
      const fallback = page.locator('#events li[data-event="fallback"]');
      await fallback.waitFor({ state: 'visible', ...WAIT });
      expect(await fallback.textContent()).toMatch(/errorCode 1006/);
      await page.locator('#submit').click(WAIT);
      let fields = await submittedFields(page);
      expect(fields).toMatchObject({ username: 'alice' });
      expect(fields['tencent-captcha-ticket']).toMatch(new RegExp(`^t(r)?error_1006_${emulator.appId}_\\d+`));
      expect(fields['tencent-captcha-randstr']).toBeTruthy();

      // verified (the app reset the element after submitting) → the framework's list; the form carries the real ticket.
      await page.locator('tencent-captcha').getByRole('button', { name: 'Verify you are human' }).click(WAIT);
      await solveChallenge(page);
      await page.locator('#events li[data-event="verified"]').waitFor({ state: 'visible', ...WAIT });
      await page.locator('#submit').click(WAIT);
      await page.waitForFunction(
        () => !/error_/.test(document.querySelector('#submitted [data-field="tencent-captcha-ticket"]')?.textContent ?? 'error_'),
        null,
        WAIT,
      );
      fields = await submittedFields(page);
      expect(fields['tencent-captcha-ticket']).toMatch(/^t/);
      expect(fields['tencent-captcha-ticket']).not.toMatch(/error_/);
      expect(fields['tencent-captcha-randstr']).toBeTruthy();
      // The ticket is a real one: the emulator's API would verify it.
      await screenshot(page, `example-${name}`);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
