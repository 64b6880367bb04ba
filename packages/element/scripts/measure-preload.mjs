#!/usr/bin/env node
// Click → challenge visible, per `preload` setting: the element (dist/bundle.js) against the
// emulator in headless Debian Chromium, on a slow link (400 ms RTT, 1.6 Mbit/s, as DevTools' "Slow
// 4G") with the CPU slowed 4×, a cold cache each run. A user lands, reads for 1.5 s, moves the pointer
// onto the button, and clicks 300 ms later. Prints a Markdown table of medians (`pnpm run
// measure:preload`; run `pnpm run build` first). Loopback only; about a minute.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import puppeteer from 'puppeteer-core';
import { createEmulator } from '@tencent-captcha/emulator';

const RUNS = Number(process.env.RUNS ?? 5);
const MODES = ['none', 'intent', 'visible', 'eager'];
const root = resolve(import.meta.dirname, '..');
const bundle = await readFile(resolve(root, 'dist/bundle.js'));
const emulator = await createEmulator({ port: 0, host: '127.0.0.1' });

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/bundle.js') {
    res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' }).end(bundle);
    return;
  }
  const mode = url.searchParams.get('preload') ?? 'intent';
  res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><html lang="en"><body><main><h1>Log in</h1>
<form><tencent-captcha app-id="${emulator.appId}" src="${emulator.sdkUrl}" preload="${mode}"></tencent-captcha></form></main>
<script type="module" src="/bundle.js"></script></body></html>`);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${server.address().port}`;

const browser = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

async function once(mode) {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.setCacheEnabled(false);
  await page.emulateNetworkConditions({ download: 200_000, upload: 90_000, latency: 400 });
  await page.emulateCPUThrottling(4);
  await page.goto(`${origin}/?preload=${mode}`, { waitUntil: 'load' });
  await page.waitForFunction(() => document.querySelector('tencent-captcha')?.shadowRoot?.querySelector('[part=button]'));
  await new Promise((r) => setTimeout(r, 1500));
  const button = await page.evaluateHandle(() => document.querySelector('tencent-captcha').shadowRoot.querySelector('[part=button]'));
  await button.hover();
  await new Promise((r) => setTimeout(r, 300));
  const start = await page.evaluate(() => performance.now());
  await button.click();
  await page.waitForSelector('[data-testid="tcaptcha-dialog"]', { visible: true, timeout: 30_000 });
  const end = await page.evaluate(() => performance.now());
  await context.close();
  return end - start;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
try {
  for (const mode of MODES) {
    const times = [];
    for (let i = 0; i < RUNS; i++) times.push(await once(mode));
    rows.push(`| \`${mode}\` | **${(median(times) / 1000).toFixed(2)} s** | ${(Math.min(...times) / 1000).toFixed(2)}–${(Math.max(...times) / 1000).toFixed(2)} s |`);
  }
} finally {
  await browser.close();
  server.close();
  await emulator.close();
}
console.log(`| \`preload\` | click → challenge visible (median of ${RUNS}) | range |\n|---|---|---|\n${rows.join('\n')}`);
