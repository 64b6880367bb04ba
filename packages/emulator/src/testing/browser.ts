// Test-only helpers for driving the SDK in headless Debian Chromium through playwright-core.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';

/** Launches the system Chromium (never a downloaded one). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A port-0 server for test pages, on an origin other than the emulator's. */
export interface PageServer {
  readonly url: string;
  /** Serves `html` at `path` and returns its full URL. */
  page(path: string, html: string): string;
  close(): Promise<void>;
}

export async function startPageServer(): Promise<PageServer> {
  const pages = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    const html = pages.get((req.url ?? '/').split('?')[0] ?? '/');
    if (html === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    page(path, html) {
      pages.set(path, html);
      return `${url}${path}`;
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** A test page that loads `scriptUrl` and records callback results in `window.results`. */
export function sdkPage(scriptUrl: string, body = ''): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SDK test</title>
<script>
  window.results = [];
  window.errors = [];
  window.record = function (r) { window.results.push(r); };
  window.addEventListener('error', function (e) { window.errors.push(String(e.message)); });
</script>
</head><body>
<button type="button" id="before">before</button>
${body}
<script src="${scriptUrl}" onload="window.sdkLoaded = true" onerror="window.sdkFailed = true"></script>
</body></html>`;
}
