// The Express middleware and the Fetch-API helper take a legacy verifier (createLegacyCaptchaVerifier,
// 天御 CaptchaCheck) unchanged: over HTTP against the emulator — solve → 200, replay → 403
// ticket_reused, no randstr needed, API hang in closed mode → 503 + Retry-After.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEmulator, type Emulator } from '@tencent-captcha/emulator';
import express from 'express';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLegacyCaptchaVerifier, type LegacyCaptchaVerifier } from '../legacy/verifier.js';
import type { CaptchaVerdict } from '../types/verdict.js';
import { captchaMiddleware } from './express.js';
import { createVerdictResponse, verifyFetchRequest } from './fetch.js';

let emulator: Emulator;
let verifier: LegacyCaptchaVerifier;
const servers: Server[] = [];

beforeAll(async () => {
  emulator = await createEmulator({ port: 0, host: '127.0.0.1' });
  verifier = createLegacyCaptchaVerifier({
    captchaAppId: emulator.appId,
    secretId: emulator.secretId,
    secretKey: emulator.secretKey,
    endpoint: emulator.legacyApiUrl,
    env: {},
    attemptTimeoutMs: 800,
    deadlineMs: 1200,
    storeTimeoutMs: 200,
    retry: { enabled: false },
    logger: false,
  });
  // Load undici and open a connection now: a cold first request is slow enough on a busy machine to
  // be taken for local overload.
  await verifier.verify({ ticket: emulator.issueLegacyTicket().ticket, randstr: '', userIp: '203.0.113.7' });
});
afterEach(() => emulator.faults.clear());
afterAll(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
  await verifier.close();
  await emulator.close();
});

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/login`;
}

function expressApp(): Promise<string> {
  const app = express();
  app.post('/login', express.urlencoded({ extended: false }), captchaMiddleware<express.Request, express.Response>(verifier, { mode: 'closed' }), (_req, res) => {
    res.json({ reason: (res.locals.captcha as CaptchaVerdict).reason });
  });
  return listen(createServer(app));
}

/** A Fetch-API handler (as in a Next.js route) behind a tiny node:http bridge. */
function fetchApp(): Promise<string> {
  const handler = async (request: Request): Promise<Response> => {
    const verdict = await verifyFetchRequest(verifier, request, { getUserIp: () => '203.0.113.7', mode: 'closed' });
    if (!verdict.accepted) return createVerdictResponse(verdict);
    return Response.json({ reason: verdict.reason });
  };
  return listen(
    createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const response = await handler(
        new Request(`http://127.0.0.1${req.url}`, { method: req.method, headers: req.headers as Record<string, string>, body: Buffer.concat(chunks) }),
      );
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(await response.text());
    }),
  );
}

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

describe.each([
  ['captchaMiddleware (Express)', expressApp],
  ['verifyFetchRequest (Fetch API)', fetchApp],
] as const)('%s with a legacy verifier', (_name, start) => {
  let url: string;
  beforeAll(async () => {
    url = await start();
  });

  it('solve → 200; replay → 403 ticket_reused; no randstr needed', async () => {
    const { ticket, randstr } = emulator.issueLegacyTicket();
    const first = await fetch(url, form({ 'tencent-captcha-ticket': ticket, 'tencent-captcha-randstr': randstr }));
    expect([first.status, await first.json()]).toEqual([200, { reason: 'verified' }]);
    const replay = await fetch(url, form({ 'tencent-captcha-ticket': ticket, 'tencent-captcha-randstr': randstr }));
    expect([replay.status, (await replay.json()).code]).toEqual([403, 'ticket_reused']);
    const noRandstr = await fetch(url, form({ 'tencent-captcha-ticket': emulator.issueLegacyTicket().ticket }));
    expect(noRandstr.status).toBe(200);
  });

  it('API hang in closed mode → 503 + Retry-After within the deadline', async () => {
    emulator.faults.set('api', { kind: 'hang' });
    const res = await fetch(url, form({ 'tencent-captcha-ticket': emulator.issueLegacyTicket().ticket }));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await res.json()).code).toBe('upstream_timeout');
  });
});
