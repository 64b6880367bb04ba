/**
 * Forwards the emulator's browser-facing paths (`/TCaptcha.js`, `/__emulator/…`) from the demo's own
 * origin, so the page needs one port only (also behind a port forward) and the drill panel reaches the
 * emulator's control endpoint without crossing origins. The emulator's SDK talks to the origin it was
 * loaded from, so everything it calls comes through here too.
 *
 * Two kinds of path: the SDK's (its scripts and `/__emulator/sdk/…`, the stand-in for Tencent's public
 * captcha servers, which every visitor's browser needs to solve a challenge) and the control endpoint
 * (`/__emulator`, `/__emulator/faults`, `/__emulator/tickets`, which switch faults and issue tickets
 * without a challenge). The control endpoint answers loopback clients only ({@link isLoopbackAddress}).
 */
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Emulator } from '@tencent-captcha/emulator';

// `/legacy/TCapIframeApi.js` is the legacy (天御) script, at the one-time URL CaptchaIframeQuery answers.
const EMULATOR_PATH = /^\/(?:TCaptcha\.js|TJCaptcha\.js|TCaptcha-global\.js|TJNCaptcha-global\.js|legacy\/TCapIframeApi\.js|legacy\/TCapIframe\.js|__emulator(?:\/.*)?)$/;

/** The SDK script the page loads from the emulator (Captcha 1.0 name). */
export const EMULATOR_SDK_PATH = '/TCaptcha.js';

const EMULATOR_SDK_CALL = /^\/__emulator\/sdk\/[a-z-]+$/;

/**
 * The request target as the emulator will read it: WHATWG-normalised (`.`/`..` and `%2e` segments
 * resolved), so a path is classified exactly as the emulator routes it (`/__emulator/sdk/../faults`
 * is the control endpoint). `undefined` for a target that is not a path.
 */
export function normaliseTarget(url: string | undefined): { pathname: string; target: string } | undefined {
  if (url === undefined || !url.startsWith('/') || url.startsWith('//')) return undefined;
  try {
    const parsed = new URL(url, 'http://demo.invalid');
    return { pathname: parsed.pathname, target: `${parsed.pathname}${parsed.search}` };
  } catch {
    return undefined;
  }
}

/** Whether a request path belongs to the emulator. */
export function isEmulatorPath(url: string | undefined): boolean {
  const normalised = normaliseTarget(url);
  return normalised !== undefined && EMULATOR_PATH.test(normalised.pathname);
}

/** Whether a request path is the emulator's control endpoint (faults, tickets), not the SDK's. */
export function isEmulatorControlPath(url: string | undefined): boolean {
  const normalised = normaliseTarget(url);
  if (!normalised || !EMULATOR_PATH.test(normalised.pathname)) return false;
  return normalised.pathname.startsWith('/__emulator') && !EMULATOR_SDK_CALL.test(normalised.pathname);
}

/**
 * Whether a socket address is the machine itself: `127.0.0.0/8`, `::1`, or IPv4 loopback seen
 * through a dual-stack socket (`::ffff:127.0.0.1`). Only the socket counts, never `X-Forwarded-For`,
 * which any client can write.
 */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.toLowerCase().startsWith('::ffff:') ? address.slice(7) : address;
  if (/^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(v4)) return v4.split('.').every((o) => Number(o) <= 255);
  return address === '::1' || address === '0:0:0:0:0:0:0:1';
}

/** Forwards a request to the emulator and streams the answer back (a hang stays a hang). */
export function proxyToEmulator(emulator: Emulator, req: IncomingMessage, res: ServerResponse): void {
  const headers = { ...req.headers, host: `${emulator.host}:${emulator.port}` };
  // The normalised target: what was classified is exactly what the emulator gets.
  const path = normaliseTarget(req.url)?.target ?? '/';
  const upstream = httpRequest({ host: emulator.host, port: emulator.port, method: req.method, path, headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', () => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(502, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ code: 'emulator_unreachable', message: 'The emulator did not answer.' }));
  });
  // A browser that gives up (e.g. on a hanging script) must not leave the upstream request open.
  res.on('close', () => upstream.destroy());
  req.pipe(upstream);
}
