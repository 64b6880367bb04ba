/**
 * Headless Debian Chromium through playwright-core (never `playwright install`), and the folder the
 * screenshots go to.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Where screenshots are written (gitignored). */
export const OUTPUT_DIR = resolve(import.meta.dirname, '../../test-output');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    headless: true,
    timeout: 30_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Saves a full-page screenshot as `test-output/<name>.png`. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  const path = resolve(OUTPUT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true, animations: 'disabled' });
  return path;
}

/** Collects a page's console errors and uncaught exceptions, for assertions and failure messages. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return errors;
}

/** Solves the emulator's challenge on screen exactly as a person would (the emulator's automation hook). */
export async function solveChallenge(page: Page, timeoutMs = 5000): Promise<void> {
  await waitForEmulatorHook(page, timeoutMs);
  await page.evaluate(async (timeout) => {
    const hook = (window as unknown as { __tencentCaptchaEmulator?: { solve(o: { timeoutMs: number }): Promise<unknown> } }).__tencentCaptchaEmulator;
    if (!hook) throw new Error('the emulator SDK is not on the page');
    await hook.solve({ timeoutMs: timeout });
  }, timeoutMs);
}

/** Closes the emulator's challenge as the user would. */
export async function closeChallenge(page: Page, timeoutMs = 5000): Promise<void> {
  await waitForEmulatorHook(page, timeoutMs);
  await page.evaluate(async (timeout) => {
    const hook = (window as unknown as { __tencentCaptchaEmulator?: { close(o: { timeoutMs: number }): Promise<unknown> } }).__tencentCaptchaEmulator;
    if (!hook) throw new Error('the emulator SDK is not on the page');
    await hook.close({ timeoutMs: timeout });
  }, timeoutMs);
}

/** Waits (bounded) until the emulator's SDK script has run in the page. */
export async function waitForEmulatorHook(page: Page, timeoutMs = 5000): Promise<void> {
  await page.waitForFunction(() => '__tencentCaptchaEmulator' in window, null, { timeout: timeoutMs });
}
