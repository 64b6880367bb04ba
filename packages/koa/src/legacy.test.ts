/**
 * The Koa middleware takes a legacy verifier (`createLegacyCaptchaVerifier`, 天御 CaptchaCheck)
 * unchanged: over real HTTP against the emulator's `/v2/index.php` — solve → 200, replay → 403
 * `ticket_reused`, no randstr needed, bad input → 400, API hang in closed mode → 503 + Retry-After.
 */
import Koa from 'koa';
import { Router } from '@koa/router';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLegacyCaptchaVerifier, type LegacyCaptchaVerifier } from '@tencent-captcha/core';
import { tencentCaptcha } from './index.js';
import { RANDSTR_FIELD, Resources, TICKET_FIELD, parseBody, startEmulator, type TestEmulator } from './testing/harness.js';

let emulator: TestEmulator;
const resources = new Resources();

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator.close();
});
afterEach(async () => {
  emulator.faults.clear();
  await resources.closeAll();
});

async function legacyVerifier(): Promise<LegacyCaptchaVerifier> {
  const verifier = createLegacyCaptchaVerifier({
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
  resources.defer(() => verifier.close());
  // Load undici and open a connection now: a cold first request is slow enough on a busy machine to
  // be taken for local overload.
  await verifier.verify({ ticket: emulator.issueLegacyTicket().ticket, randstr: '', userIp: '203.0.113.7' });
  return verifier;
}

async function serve(verifier: LegacyCaptchaVerifier, mode: 'adaptive' | 'closed' = 'closed') {
  const router = new Router();
  router.get('/login', async (ctx) => {
    ctx.body = { src: await verifier.getScriptUrl({ clientType: 'pc', userIp: ctx.ip }) };
  });
  router.post('/login', parseBody({ enableTypes: ['json', 'form'] }), tencentCaptcha({ verifier, mode }), (ctx) => {
    ctx.body = { handled: true, status: ctx.state.captcha?.status };
  });
  const app = new Koa();
  app.use(router.routes());
  return resources.listen(app);
}

describe('tencentCaptcha({ verifier: createLegacyCaptchaVerifier(…) })', () => {
  it('the page gets a one-time script URL; solve → 200, replay → 403 ticket_reused', async () => {
    const server = await serve(await legacyVerifier());
    const page = await request(server.url).get('/login').expect(200);
    expect(page.body.src).toMatch(/\/legacy\/TCapIframeApi\.js\?/);
    const { ticket, randstr } = emulator.issueLegacyTicket();
    await request(server.url).post('/login').type('form').send({ [TICKET_FIELD]: ticket, [RANDSTR_FIELD]: randstr }).expect(200, { handled: true, status: 'verified' });
    const replay = await request(server.url).post('/login').type('form').send({ [TICKET_FIELD]: ticket, [RANDSTR_FIELD]: randstr });
    expect(replay.status).toBe(403);
    expect(replay.body).toMatchObject({ code: 'ticket_reused' });
  });

  it('needs no randstr; a missing ticket is 400', async () => {
    const server = await serve(await legacyVerifier());
    await request(server.url).post('/login').send({ [TICKET_FIELD]: emulator.issueLegacyTicket().ticket }).expect(200);
    const missing = await request(server.url).post('/login').send({ [RANDSTR_FIELD]: '@abc' });
    expect([missing.status, missing.body.code]).toEqual([400, 'ticket_missing']);
  });

  it('API hang in closed mode: 503 + Retry-After within the deadline', async () => {
    const server = await serve(await legacyVerifier());
    emulator.faults.set('api', { kind: 'hang' });
    const started = performance.now();
    const res = await request(server.url).post('/login').send({ [TICKET_FIELD]: emulator.issueLegacyTicket().ticket });
    expect(performance.now() - started).toBeLessThan(2500);
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    expect(res.body).toMatchObject({ code: 'upstream_timeout' });
  });
});
