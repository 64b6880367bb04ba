/**
 * Per-route risk limits in the plain adapters: `captchaMiddleware(verifier, { maxEvilLevel, maxScore })` and
 * `verifyFetchRequest(verifier, request, { maxEvilLevel, maxScore })` pass core's per-call limits.
 */
import type { AddressInfo } from 'node:net';
import { createEmulator } from '@tencent-captcha/emulator';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaptchaVerifier } from '../engine/verifier.js';
import type { CaptchaVerifier } from '../types/verifier.js';
import { captchaMiddleware } from './express.js';
import { verifyFetchRequest } from './fetch.js';

let emulator: Awaited<ReturnType<typeof createEmulator>>;
let verifier: CaptchaVerifier;
beforeAll(async () => {
  emulator = await createEmulator({ port: 0, host: '127.0.0.1' });
  verifier = createCaptchaVerifier({
    captchaAppId: emulator.appId,
    appSecretKey: emulator.appSecretKey,
    secretId: emulator.secretId,
    secretKey: emulator.secretKey,
    endpoint: emulator.apiUrl,
    env: {},
    logger: false,
  });
});
afterAll(async () => {
  await verifier.close();
  await emulator.close();
});

const body = (t: { ticket: string; randstr: string }) => JSON.stringify({ 'tencent-captcha-ticket': t.ticket, 'tencent-captcha-randstr': t.randstr });

describe('captchaMiddleware() per-route risk limits', () => {
  it('refuses on the stricter route what the verifier’s own limits accept', async () => {
    const app = express();
    app.post('/comment', express.json(), captchaMiddleware(verifier), (_req, res) => void res.json({ ok: true }));
    app.post('/login', express.json(), captchaMiddleware(verifier, { maxEvilLevel: 10, maxScore: 30 }), (_req, res) => void res.json({ ok: true }));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const post = (path: string, t: { ticket: string; randstr: string }) => fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(t) });
    try {
      expect((await post('/comment', emulator.issueTicket({ evilLevel: 50 }))).status).toBe(200);
      const evil = await post('/login', emulator.issueTicket({ evilLevel: 50 }));
      expect([evil.status, ((await evil.json()) as { code: string }).code]).toEqual([403, 'evil_level_too_high']);
      const risky = await post('/login', emulator.issueTicket({ score: 40 }));
      expect([risky.status, ((await risky.json()) as { code: string }).code]).toEqual([403, 'risk_score_too_high']);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('refuses an out-of-range limit when the middleware is created', () => {
    expect(() => captchaMiddleware(verifier, { maxEvilLevel: 1.5 })).toThrow(expect.objectContaining({ code: 'invalid_option', option: 'maxEvilLevel' }));
  });
});

describe('verifyFetchRequest() per-route risk limits', () => {
  const request = (t: { ticket: string; randstr: string }) =>
    new Request('http://app.test/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(t) });
  const getUserIp = () => '203.0.113.7';

  it('applies the route’s limits over the verifier’s', async () => {
    await expect(verifyFetchRequest(verifier, request(emulator.issueTicket({ evilLevel: 50 })), { getUserIp })).resolves.toMatchObject({ status: 'verified' });
    await expect(verifyFetchRequest(verifier, request(emulator.issueTicket({ evilLevel: 50 })), { getUserIp, maxEvilLevel: 10 })).resolves.toMatchObject({ reason: 'evil_level_too_high' });
    await expect(verifyFetchRequest(verifier, request(emulator.issueTicket({ score: 40 })), { getUserIp, maxScore: 30 })).resolves.toMatchObject({ reason: 'risk_score_too_high' });
  });

  it('refuses an out-of-range limit', async () => {
    await expect(verifyFetchRequest(verifier, request(emulator.issueTicket()), { getUserIp, maxScore: 200 })).rejects.toMatchObject({ code: 'invalid_option', option: 'maxScore' });
  });
});
