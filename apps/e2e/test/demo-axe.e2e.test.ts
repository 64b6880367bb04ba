/**
 * axe (WCAG 2.x A/AA rules, as axe-core ships them) on the demo page in headless Chromium, in the
 * states a visitor sees: as loaded (the drill panel, the element idle), with the challenge open, and
 * after a drill switch and a fallback (the drill's live status, the event log); and the Nest demo's
 * page as loaded. Nothing may be found.
 */
import { createRequire } from 'node:module';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createEmulator, type Emulator } from '@tencent-captcha/emulator';
import { createDemoServer, type DemoServer } from '@tencent-captcha/demo';
import { createNestDemoServer } from '@tencent-captcha/nest-demo';
import { closeChallenge, launchChromium } from './support/browser.ts';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const WAIT = { timeout: 10_000 };

let browser: Browser;
let emulator: Emulator;
let demo: DemoServer;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

beforeEach(async () => {
  emulator = await createEmulator({ port: 0 });
  demo = await createDemoServer({ port: 0, host: '127.0.0.1', emulator, loadTimeoutMs: 5000 });
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  await page.goto(demo.url, { waitUntil: 'load', timeout: 10_000 });
  await page.locator('html[data-ready="true"]').waitFor({ state: 'attached', ...WAIT });
});

afterEach(async () => {
  await context?.close();
  await demo?.close();
  await emulator?.close();
});

/** axe's violations on the page as it is now: `rule (impact): selectors`. */
async function violations(): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run(document);
    return result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

describe('the demo page under axe', () => {
  it('as loaded: no violations', async () => {
    expect(await violations()).toEqual([]);
  });

  it('with the challenge open: no violations', async () => {
    await page.locator('tencent-captcha button[part="button"]').click(WAIT);
    await page.locator('[data-testid="tcaptcha-dialog"]').waitFor({ state: 'visible', ...WAIT });
    expect(await violations()).toEqual([]);
    await closeChallenge(page);
  });

  it('after a drill switch and a fallback: no violations', async () => {
    const before = await page.locator('#drill-status').textContent();
    await page.locator('#drill input[name="sdk"][value="error-code"]').check(WAIT);
    await page.waitForFunction((text) => document.querySelector('#drill-status')?.textContent !== text, before, WAIT);
    await page.locator('tencent-captcha button[part="button"]').click(WAIT);
    await page.locator('#events li[data-event="fallback"]').first().waitFor({ state: 'visible', ...WAIT });
    expect(await violations()).toEqual([]);
  });
});

describe('the Nest demo page under axe', () => {
  it('as loaded: no violations', async () => {
    const nest = await createNestDemoServer({ port: 0, emulator });
    try {
      await page.goto(nest.url, { waitUntil: 'load', timeout: 10_000 });
      await page.locator('html[data-ready="true"]').waitFor({ state: 'attached', ...WAIT });
      expect(await violations()).toEqual([]);
    } finally {
      await nest.close();
    }
  });
});
