/**
 * Forwards the emulator's browser-facing paths (`/TCaptcha.js`, `/__emulator/…`) from the demo's own
 * origin, so the page needs one port only (also behind a port forward) and the drill panel reaches the
 * emulator's control endpoint without crossing origins. The emulator's SDK talks to the origin it was
 * loaded from, so everything it calls comes through here too.
 */
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Emulator } from '@tencent-captcha/emulator';

const EMULATOR_PATH = /^\/(?:TCaptcha\.js|TJCaptcha\.js|TCaptcha-global\.js|TJNCaptcha-global\.js|__emulator(?:\/.*)?)$/;

/** The SDK script the page loads from the emulator (Captcha 1.0 name). */
export const EMULATOR_SDK_PATH = '/TCaptcha.js';

/** Whether a request path belongs to the emulator. */
export function isEmulatorPath(url: string | undefined): boolean {
  return EMULATOR_PATH.test((url ?? '/').split('?')[0] as string);
}

/** Forwards a request to the emulator and streams the answer back (a hang stays a hang). */
export function proxyToEmulator(emulator: Emulator, req: IncomingMessage, res: ServerResponse): void {
  const headers = { ...req.headers, host: `${emulator.host}:${emulator.port}` };
  const upstream = httpRequest({ host: emulator.host, port: emulator.port, method: req.method, path: req.url, headers }, (answer) => {
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
